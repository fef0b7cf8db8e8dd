from __future__ import annotations

from django import template

from selfmob.knowledge.rules.measures import fmt

register = template.Library()


@register.filter
def measure(value: float | None, unit: str) -> str:
    """A value in its test's unit: 12.5° or 9.5 cm (signed changes keep their sign)."""
    return "—" if value is None else fmt(value, unit)
