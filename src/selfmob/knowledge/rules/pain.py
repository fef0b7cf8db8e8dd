"""The pain rule: self-mobilization is pain-free by design, never something to push through.

Before each session the person records their pain at rest (0-10). During the technique pain
may rise above it by at most the item's limit (0-3 points; `policy.pain.default_limit`
unless the coach set another) and never go above the ceiling (`policy.pain.ceiling`, our own
default), whatever the resting pain. Worked example with the defaults (limit 2, ceiling 5):
at rest 3, pain during 5 is fine and 6 is over the limit; at rest 4, pain during 6 is over
the ceiling though it rose only 2 points.

A session logged before selfmob asked for the pain at rest has none: it is judged by the
older, absolute rule (pain during at most the limit), and the words say so. Next-day pain is
compared with the pain at rest before that session (or, without one, with the pain during
it): up by `policy.pain.next_day_rise` points or more (the MDC of the 0-10 scale, Childs
2005) means review. A stored verdict is never judged again (`stored_during`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from selfmob.knowledge import errors
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.schema import Policy

Basis = Literal["rest", "absolute"]
"""What pain during was judged against: the pain at rest before the session (with the
ceiling), or the limit alone (a session without a resting value)."""
Hit = Literal["rise", "ceiling", "absolute"]
"""A part of the rule that pain during broke."""

HELP = "your coach, a physiotherapist or a doctor"
STOP = "Stop this technique for today; do not push through pain."
NEXT_TIME = (
    "Next time use the easier version, with a smaller movement or less force; if it happens "
    f"again, ask {HELP} before going on."
)
HIT_WORDS: dict[Hit, str] = {
    "rise": "Your pain rose from {rest}/10 before you started to {pain}/10: {may}.",
    "ceiling": "Your pain reached {pain}/10: it should never go above {ceiling}/10.",
    "absolute": (
        "Your pain reached {pain}/10, above your limit of {limit}/10. This session has no "
        "pain recorded before it, so it was judged by the older rule: pain during at most "
        "the limit."
    ),
}
REST_ABOVE_CEILING = (
    "Your pain was already {rest}/10 before you started: do not start a session while your "
    "pain at rest is above {ceiling}/10, and if it stays there, see a physiotherapist or a "
    "doctor."
)
REVIEW = (
    "Your pain today is {next_day}/10, up by {rise} points or more on {against}: pause this "
    f"technique and ask {HELP} to review it before you go on."
)
AGAINST = {
    "rest": "your pain before that session ({baseline}/10)",
    "during": ("your pain during that session ({baseline}/10; it has no pain recorded before it)"),
}


@dataclass(frozen=True)
class PainRule:
    limit: int
    """How many points pain may rise above the pain at rest during the technique."""
    ceiling: int
    """The most pain during the technique, whatever the pain at rest."""
    next_day_rise: int
    during: str
    next_day: str
    sources: list[str]


@dataclass(frozen=True)
class PainCheck:
    """Pain during a session judged by the rule. `allowed` is the most pain during that
    stays within it; `hits` the parts of the rule it broke (empty when within)."""

    over_limit: bool
    guidance: str | None
    basis: Basis
    allowed: int
    hits: tuple[Hit, ...] = ()


@dataclass(frozen=True)
class NextDayCheck:
    """Next-day pain against `baseline`: the pain at rest before the session (`rest`), or,
    for a session without one, the pain during it (`during`)."""

    review: bool
    guidance: str | None
    basis: Literal["rest", "during"]
    baseline: int


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
    pain = policy.pain
    rise = "not rise above it" if chosen == 0 else f"rise at most {_points(chosen)} above it"
    during = (
        "Before you start, note your pain now, at rest (0–10). During the technique it may "
        f"{rise}, and never go above {pain.ceiling}/10; a mild stretch is fine. Beyond that, "
        f"stop: use the easier version, or ask {HELP}."
    )
    next_day = (
        f"If your pain the next day is up by {pain.next_day_rise} or more points on your pain "
        f"before the session, pause and ask {HELP} to review."
    )
    sources = list(dict.fromkeys([pain.source, pain.ceiling_source, pain.next_day_source]))
    return PainRule(chosen, pain.ceiling, pain.next_day_rise, during, next_day, sources)


def check_during(
    policy: Policy, pain: int, limit: int | None = None, *, rest: int | None = None
) -> PainCheck:
    """Pain during against the pain at rest before the session, the limit and the ceiling;
    without `rest` (a session logged before it was asked for), against the limit alone."""
    pain = checked_pain(pain, field_name="pain_during")
    chosen = checked_limit(policy, limit)
    if rest is not None:
        rest = checked_pain(rest, field_name="pain_rest")
    hits, allowed, basis = _judge(policy, pain, chosen, rest)
    guidance = _guidance(policy, hits, pain=pain, limit=chosen, rest=rest) if hits else None
    return PainCheck(bool(hits), guidance, basis, allowed, hits)


def stored_during(
    policy: Policy, *, pain: int, limit: int, rest: int | None, over_limit: bool
) -> PainCheck:
    """A logged session's stored verdict, with the words of the rule that explains it. The
    verdict is never judged again: a later policy or rule does not rewrite the past, and a
    session stored as within the limit gets no guidance."""
    hits, allowed, basis = _judge(policy, pain, limit, rest)
    if not over_limit:
        return PainCheck(False, None, basis, allowed)
    guidance = _guidance(policy, hits, pain=pain, limit=limit, rest=rest)
    return PainCheck(True, guidance, basis, allowed, hits)


def _judge(
    policy: Policy, pain: int, limit: int, rest: int | None
) -> tuple[tuple[Hit, ...], int, Basis]:
    if rest is None:
        return (("absolute",) if pain > limit else ()), limit, "absolute"
    ceiling = policy.pain.ceiling
    hits: list[Hit] = []
    if pain - rest > limit:
        hits.append("rise")
    if pain > ceiling:
        hits.append("ceiling")
    return tuple(hits), min(rest + limit, ceiling), "rest"


def _guidance(
    policy: Policy, hits: tuple[Hit, ...], *, pain: int, limit: int, rest: int | None
) -> str:
    ceiling = policy.pain.ceiling
    may = "it should not rise at all" if limit == 0 else f"it may rise {_points(limit)} at most"
    values = {"pain": pain, "limit": limit, "may": may, "rest": rest, "ceiling": ceiling}
    said = [HIT_WORDS[hit].format(**values) for hit in hits]
    if rest is not None and rest > ceiling:
        said.append(REST_ABOVE_CEILING.format(rest=rest, ceiling=ceiling))
    return " ".join([STOP, *said, NEXT_TIME])


def next_day_baseline(*, rest: int | None, during: int) -> tuple[Literal["rest", "during"], int]:
    """What next-day pain is compared with: the pain at rest before the session, else (a
    session logged without one) the pain during it."""
    return ("rest", rest) if rest is not None else ("during", during)


def next_day_review(policy: Policy, *, rest: int | None, during: int, next_day: int) -> bool:
    """Next-day pain up by `next_day_rise` points or more on the baseline. No range checks:
    for stored values (the flags); `check_next_day` checks new ones."""
    _, baseline = next_day_baseline(rest=rest, during=during)
    return next_day - baseline >= policy.pain.next_day_rise


def check_next_day(policy: Policy, *, rest: int | None, during: int, next_day: int) -> NextDayCheck:
    next_day = checked_pain(next_day, field_name="pain_next_day")
    basis, baseline = next_day_baseline(rest=rest, during=during)
    review = next_day_review(policy, rest=rest, during=during, next_day=next_day)
    if not review:
        return NextDayCheck(False, None, basis, baseline)
    against = AGAINST[basis].format(baseline=baseline)
    rise = policy.pain.next_day_rise
    guidance = REVIEW.format(next_day=next_day, rise=rise, against=against)
    return NextDayCheck(True, guidance, basis, baseline)


def _points(n: int) -> str:
    return f"{n} point" if n == 1 else f"{n} points"
