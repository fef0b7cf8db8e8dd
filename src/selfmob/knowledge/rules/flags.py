"""Flags a coach should act on, most urgent first. Each carries a plain reason.

Order: a red-flag screen without clearance; pain above the limit during a session; pain
the next day up by the review threshold; range falling by more than the MDC in two sessions
in a row; no real gain over the baseline after N sessions; no log for N days.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from selfmob.knowledge.schema import Policy

Kind = Literal["red_flag", "pain_over_limit", "next_day_pain", "rom_falling", "no_gain", "silent"]
URGENCY: tuple[Kind, ...] = (
    "red_flag", "pain_over_limit", "next_day_pain", "rom_falling", "no_gain", "silent",
)  # fmt: skip
RECENT_DAYS = 7


@dataclass(frozen=True)
class SessionFacts:
    """What the flags need to know of one logged session (oldest first in sequences)."""

    item: str
    performed_on: date
    pre: float
    post: float
    mdc: float
    verdict: str
    pain_during: int
    over_limit: bool
    pain_next_day: int | None


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
    """`sessions` may be a recent window; `baselines` gives, per plan item, its first
    pre-test ever and its total number of sessions; `last_session_on` the client's last
    session day, when it may fall outside the window."""
    flags = []
    if refer_uncleared:
        flags.append(Flag("red_flag", "The red-flag screen says to see a professional."))
    recent = [s for s in sessions if (today - s.performed_on).days < RECENT_DAYS]
    if any(s.over_limit for s in recent):
        flags.append(Flag("pain_over_limit", "Pain went above the limit during a session."))
    rise = policy.pain.next_day_rise
    if any(s.pain_next_day is not None and s.pain_next_day - s.pain_during >= rise for s in recent):
        flags.append(Flag("next_day_pain", f"Pain the next day rose by {rise} or more points."))
    flags += _trend_flags(policy, sessions, baselines or {})
    silent = _silent(policy, today, sessions, plan_started, last_session_on)
    return sorted(flags + silent, key=lambda f: f.urgency)


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
    if len(mine) >= falling and all(s.verdict == "real_loss" for s in mine[-falling:]):
        yield Flag(
            "rom_falling", f"Range fell by more than the MDC in {falling} sessions in a row."
        )
    enough = policy.flags.no_gain_sessions
    # Every test in the catalogue is higher-is-better. The baseline is the item's first
    # pre-test ever when known, else the first one in the sessions given.
    baseline, total = baselines.get(mine[0].item, (mine[0].pre, len(mine)))
    if total >= enough and mine[-1].post - baseline <= mine[-1].mdc:
        yield Flag("no_gain", f"No real gain over the first pre-test after {total} sessions.")


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
