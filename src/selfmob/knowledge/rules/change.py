"""Is a before/after change real, or within the test's measurement error?

A change is real when its size exceeds the MDC of the context it was measured in
(rules/mdc.py); a change exactly at the MDC is within error. Swapping before and after turns
a gain into a loss of the same size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from selfmob.knowledge.rules.mdc import MeasuredIn, level_words, mdc_for
from selfmob.knowledge.rules.measures import PRECISION, checked_mdc, checked_value, fmt
from selfmob.knowledge.schema import ChangePolicy, RomTest

Verdict = Literal["real_gain", "within_error", "real_loss"]


@dataclass(frozen=True)
class Change:
    test: str
    unit: str
    before: float
    after: float
    change: float
    mdc: float
    verdict: Verdict
    source: str | None
    grade: str
    reasons: list[str]
    level: str = "unstated"
    fit: str = "exact"
    """How the MDC fits the context the change was measured in (rules/mdc.py `Fit`)."""


def classify_change(
    test: RomTest,
    *,
    before: float,
    after: float,
    policy: ChangePolicy,
    measured: MeasuredIn | None = None,
    mdc: float | None = None,
) -> Change:
    """`measured` defaults to between days, the same rater, a clinician; `mdc` is a coach's
    own MDC, which wins over the catalogue's."""
    before = checked_value(test, before, field_name="before")
    after = checked_value(test, after, field_name="after")
    used = mdc_for(test, measured or MeasuredIn(), policy, coach=checked_mdc(mdc))
    delta = round(after - before, PRECISION)
    gain = delta if test.better == "higher" else -delta
    verdict: Verdict = "within_error"
    if gain > round(used.value, PRECISION):
        verdict = "real_gain"
    elif gain < -round(used.value, PRECISION):
        verdict = "real_loss"
    size = fmt(abs(delta), test.unit)
    limit = (
        f"selfmob's widened MDC of {fmt(used.value, test.unit)}"
        if used.fit == "default"
        else f"the {level_words(used.level)} of {fmt(used.value, test.unit)}"
    )
    if verdict == "real_gain":
        head = f"A gain of {size} is more than {limit}: a real improvement."
    elif verdict == "real_loss":
        head = f"A loss of {size} is more than {limit}: a real loss of range."
    else:
        head = (
            f"A change of {fmt(delta, test.unit)} is within {limit}: "
            "it cannot be told apart from measurement error."
        )
    unstated = (
        ", its confidence level not stated"
        if used.level == "unstated" and used.fit not in ("default", "coach")
        else ""
    )
    reason = f"{head} MDC{unstated}: {used.why}."
    return Change(
        test.id, test.unit, before, after, delta, used.value, verdict, used.source,
        used.grade, [reason], used.level, used.fit,
    )  # fmt: skip
