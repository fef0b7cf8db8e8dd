"""The pain rule: self-mobilization is pain-free by design, never something to push through."""

from __future__ import annotations

from dataclasses import dataclass

from selfmob.knowledge import errors
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.schema import Policy

STOP_GUIDANCE = (
    "Stop this technique now; do not push through pain. Next time use the easier version, "
    "with a smaller movement or less force, or ask your coach before going on."
)
REVIEW_GUIDANCE = (
    "Your pain the next day is up by {rise} points or more: pause this technique and talk to "
    "your coach so they can review the plan."
)


@dataclass(frozen=True)
class PainRule:
    limit: int
    next_day_rise: int
    during: str
    next_day: str
    sources: list[str]


@dataclass(frozen=True)
class PainCheck:
    over_limit: bool
    guidance: str | None


def checked_pain(value: object, *, field_name: str = "pain") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise KnowledgeError(errors.BAD_PAIN.format(value=value), field=field_name)
    return value


def checked_limit(policy: Policy, limit: object | None) -> int:
    pain = policy.pain
    if limit is None:
        return pain.default_limit
    if isinstance(limit, bool) or not isinstance(limit, int):
        limit_ok = False
    else:
        limit_ok = pain.coach_min <= limit <= pain.coach_max
    if not limit_ok:
        message = errors.BAD_PAIN_LIMIT.format(low=pain.coach_min, high=pain.coach_max, value=limit)
        raise KnowledgeError(message, field="pain_limit")
    assert isinstance(limit, int)
    return limit


def pain_rule(policy: Policy, limit: int | None = None) -> PainRule:
    chosen = checked_limit(policy, limit)
    rise = policy.pain.next_day_rise
    during = (
        f"Keep pain during the technique at {chosen}/10 or less; mild stretch is fine. "
        f"Above {chosen}/10, stop: use the easier version or ask your coach."
    )
    next_day = f"If pain the next day is up by {rise} or more points, ask your coach to review."
    sources = [policy.pain.source, policy.pain.next_day_source]
    return PainRule(chosen, rise, during, next_day, sources)


def check_during(policy: Policy, pain: int, limit: int | None = None) -> PainCheck:
    pain = checked_pain(pain)
    over = pain > checked_limit(policy, limit)
    return PainCheck(over, STOP_GUIDANCE if over else None)


def check_next_day(policy: Policy, *, before: int, next_day: int) -> PainCheck:
    before = checked_pain(before, field_name="pain_before")
    next_day = checked_pain(next_day, field_name="pain_next_day")
    rise = policy.pain.next_day_rise
    review = next_day - before >= rise
    return PainCheck(review, REVIEW_GUIDANCE.format(rise=rise) if review else None)
