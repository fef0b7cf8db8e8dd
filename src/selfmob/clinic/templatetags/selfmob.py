from __future__ import annotations

from django import template

from selfmob.clinic.exports.plan_words import dose_words, schedule_words
from selfmob.clinic.models import PlanItem
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.measures import fmt

register = template.Library()


@register.filter
def measure(value: float | None, unit: str) -> str:
    """A value in its test's unit: 12.5° or 9.5 cm (signed changes keep their sign)."""
    return "—" if value is None else fmt(value, unit)


@register.filter
def schedule(item: PlanItem) -> str:
    """A plan item's schedule in words: "every day", "on Monday and Thursday"."""
    return schedule_words(item)


@register.filter
def test_name(test_id: str) -> str:
    return load_catalogue().test(test_id).name


@register.filter
def dose(item: PlanItem) -> str:
    """A plan item's dose in words, saying when it is one of selfmob's defaults."""
    return dose_words(item.dose)
