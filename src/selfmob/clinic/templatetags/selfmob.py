from __future__ import annotations

from django import template

from selfmob.clinic.exports.plan_words import dose_words, schedule_words
from selfmob.clinic.models import Client, PlanItem
from selfmob.clinic.words import for_reader
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
def technique_name(technique_id: str) -> str:
    return load_catalogue().technique(technique_id).name


@register.filter
def test_name(test_id: str) -> str:
    return load_catalogue().test(test_id).name


@register.filter
def dose(item: PlanItem) -> str:
    """A plan item's dose in words, saying when it is one of selfmob's defaults."""
    return dose_words(item.dose)


@register.filter
def reader(text: str, client: Client) -> str:
    """Catalogue or rule text as this client reads it: a solo user is never told to ask a
    coach (clinic/words.py)."""
    return for_reader(str(text), coached=client.coach_id is not None)
