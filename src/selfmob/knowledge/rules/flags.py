"""Flags a coach should act on, most urgent first. Each carries a plain reason.

Order: a red-flag screen without clearance; pain above the limit during a session (its
stored verdict); pain the next day up by the review threshold on the pain at rest before
that session (rules/pain.py); range falling by more than the MDC from one session day to the
next, twice in a row; no real gain over the baseline after N sessions; no log for N days.

Trends read carry-over, not the immediate effect: the pre-test of the first session of each
day, compared across different days. A post-test, or a pre-test after an earlier session the
same day, still holds that session's acute gain (Alkhawajah 2019 and Marrón-Gómez 2015 found
one session's gain still present 48 h later), so it says nothing about what lasts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal, Protocol, TypeVar

from selfmob.knowledge.rules.measures import PRECISION
from selfmob.knowledge.rules.pain import next_day_review
from selfmob.knowledge.schema import Policy

Kind = Literal["red_flag", "pain_over_limit", "next_day_pain", "rom_falling", "no_gain", "silent"]
URGENCY: tuple[Kind, ...] = (
    "red_flag", "pain_over_limit", "next_day_pain", "rom_falling", "no_gain", "silent",
)  # fmt: skip
RECENT_DAYS = 7


@dataclass(frozen=True)
class SessionFacts:
    """What the flags need to know of one logged session (oldest first in sequences).
    `verdict` is the within-session verdict (post against pre): the immediate effect;
    `mdc` the between-days MDC of the way it was measured, which judges its pre-test
    against other days' (rules/mdc.py); `over_limit` the pain verdict stored when it was
    logged (never judged again)."""

    item: str
    performed_on: date
    pre: float
    post: float
    mdc: float
    verdict: str
    pain_rest: int | None
    """Pain at rest before the session; None for a session logged before it was asked."""
    pain_during: int
    over_limit: bool
    pain_next_day: int | None


class PreTest(Protocol):
    """A session as the carry-over rule reads it: its day and its pre-session value."""

    @property
    def performed_on(self) -> date: ...

    @property
    def pre(self) -> float: ...


S = TypeVar("S", bound=PreTest)


def day_openers(sessions: Iterable[S]) -> list[S]:
    """The first session of each day, oldest first (`sessions` oldest first). Its pre-test
    is the day's only one not raised by an earlier session that day."""
    openers: dict[date, S] = {}
    for s in sessions:
        openers.setdefault(s.performed_on, s)
    return list(openers.values())


def carried_over(sessions: Iterable[S], *, baseline_on: date) -> S | None:
    """The session whose pre-test shows what carried over from the baseline: the first one
    of the latest day, if that day is later than the baseline's. None when every pre-test
    is from the baseline's day (or earlier): same-day repeats never count as carry-over."""
    openers = day_openers(sessions)
    if openers and openers[-1].performed_on > baseline_on:
        return openers[-1]
    return None


def beyond(change: float, mdc: float) -> bool:
    """A change bigger than the MDC (one exactly at the MDC is within error)."""
    return round(change, PRECISION) > round(mdc, PRECISION)


@dataclass(frozen=True)
class Flag:
    kind: Kind
    reason: str

    @property
    def urgency(self) -> int:
        return URGENCY.index(self.kind)


def client_flags(
    policy: Policy,
    *,
    today: date,
    refer_uncleared: bool,
    sessions: Sequence[SessionFacts],
    plan_started: date | None,
    baselines: Mapping[str, tuple[float, int]] | None = None,
    last_session_on: date | None = None,
) -> list[Flag]:
    """`sessions` may be a recent window of whole days (every session on or after some day);
    `baselines` gives, per plan item, its baseline (its first pre-test ever) and its total
    number of sessions; `last_session_on` the client's last session day, when it may fall
    outside the window."""
    flags = []
    if refer_uncleared:
        flags.append(Flag("red_flag", "The red-flag screen says to see a professional."))
    recent = [s for s in sessions if (today - s.performed_on).days < RECENT_DAYS]
    if any(s.over_limit for s in recent):
        flags.append(Flag("pain_over_limit", "Pain went above the limit during a session."))
    flags += _next_day_flag(policy, recent)
    flags += _trend_flags(policy, sessions, baselines or {})
    silent = _silent(policy, today, sessions, plan_started, last_session_on)
    return sorted(flags + silent, key=lambda f: f.urgency)


def _next_day_flag(policy: Policy, recent: Sequence[SessionFacts]) -> list[Flag]:
    """Next-day pain up by the review threshold on the pain at rest before that session (on
    the pain during it, for a session logged without one): pain/next_day_review."""
    for s in recent:
        if s.pain_next_day is None:
            continue
        if next_day_review(
            policy, rest=s.pain_rest, during=s.pain_during, next_day=s.pain_next_day
        ):
            against = (
                "the pain before that session"
                if s.pain_rest is not None
                else "the pain during that session (logged without a pain before it)"
            )
            rise = policy.pain.next_day_rise
            reason = f"Pain the next day was up by {rise} or more points on {against}."
            return [Flag("next_day_pain", reason)]
    return []


def _trend_flags(
    policy: Policy, sessions: Sequence[SessionFacts], baselines: Mapping[str, tuple[float, int]]
) -> list[Flag]:
    """One flag of each kind at most, from the first plan item that shows it."""
    found: dict[Kind, Flag] = {}
    for item in dict.fromkeys(s.item for s in sessions):
        for flag in _item_flags(policy, [s for s in sessions if s.item == item], baselines):
            found.setdefault(flag.kind, flag)
    return list(found.values())


def _item_flags(
    policy: Policy, mine: Sequence[SessionFacts], baselines: Mapping[str, tuple[float, int]]
) -> Iterator[Flag]:
    falling = policy.flags.falling_in_a_row
    if _falls(day_openers(mine), falling):
        yield Flag(
            "rom_falling",
            f"The range before a session fell by more than the MDC from one session day to "
            f"the next, {falling} times in a row.",
        )
    total = _no_gain(mine, baselines, policy.flags.no_gain_sessions)
    if total is not None:
        yield Flag(
            "no_gain",
            f"No real gain after {total} sessions: the range before the latest day's first "
            "session is within the MDC of the baseline.",
        )


def _falls(openers: Sequence[SessionFacts], times: int) -> bool:
    """The last `times` steps from one session day's pre-test to the next all lose more
    than the MDC; losses within a session do not count."""
    steps = list(pairwise(openers))[-times:]
    return len(steps) == times and all(beyond(a.pre - b.pre, b.mdc) for a, b in steps)


def _no_gain(
    mine: Sequence[SessionFacts], baselines: Mapping[str, tuple[float, int]], enough: int
) -> int | None:
    """The item's number of sessions when, after `enough` of them on two days or more, the
    latest day's first pre-test is not more than the MDC above the baseline; else None.
    Every test in the catalogue is higher-is-better. The baseline is the item's first
    pre-test ever when known, else the first one in the sessions given."""
    baseline, total = baselines.get(mine[0].item, (mine[0].pre, len(mine)))
    # A window holds whole days: sessions left out of it come from earlier days.
    first_day = date.min if total > len(mine) else mine[0].performed_on
    latest = carried_over(mine, baseline_on=first_day)
    if total < enough or latest is None or beyond(latest.pre - baseline, latest.mdc):
        return None
    return total


def _silent(
    policy: Policy,
    today: date,
    sessions: Sequence[SessionFacts],
    plan_started: date | None,
    last_session_on: date | None,
) -> list[Flag]:
    if plan_started is None:
        return []
    known = [d for d in (last_session_on, *(s.performed_on for s in sessions)) if d]
    last = max(known, default=plan_started)
    days = (today - last).days
    if days >= policy.flags.silent_days:
        return [Flag("silent", f"No session logged for {days} days.")]
    return []
