"""Is a before/after change real, or within the test's measurement error?

A change is real when its size exceeds the MDC (a change exactly at the MDC is within error).
Swapping before and after turns a gain into a loss of the same size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from selfmob.knowledge.rules.measures import PRECISION, checked_mdc, checked_value, fmt
from selfmob.knowledge.schema import RomTest

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


def classify_change(
    test: RomTest, *, before: float, after: float, mdc: float | None = None
) -> Change:
    before = checked_value(test, before, field_name="before")
    after = checked_value(test, after, field_name="after")
    limit = checked_mdc(mdc) or test.error.mdc
    delta = round(after - before, PRECISION)
    gain = delta if test.better == "higher" else -delta
    verdict: Verdict = "within_error"
    if gain > round(limit, PRECISION):
        verdict = "real_gain"
    elif gain < -round(limit, PRECISION):
        verdict = "real_loss"
    reason = _reason(test, delta, limit, verdict, overridden=mdc is not None)
    source = None if mdc is not None else test.error.source
    grade = "coach" if mdc is not None else test.error.grade
    return Change(test.id, test.unit, before, after, delta, limit, verdict, source, grade, [reason])


def _reason(test: RomTest, delta: float, mdc: float, verdict: Verdict, *, overridden: bool) -> str:
    size = fmt(abs(delta), test.unit)
    limit = fmt(mdc, test.unit)
    basis = (
        "set by the coach"
        if overridden
        else f"{test.error.context.rstrip('.')} ({test.error.source})"
    )
    if verdict == "real_gain":
        head = f"A gain of {size} is more than the MDC of {limit}: a real improvement."
    elif verdict == "real_loss":
        head = f"A loss of {size} is more than the MDC of {limit}: a real loss of range."
    else:
        head = (
            f"A change of {fmt(delta, test.unit)} is within the MDC of {limit}: "
            "it cannot be told apart from measurement error."
        )
    return f"{head} MDC: {basis}."
