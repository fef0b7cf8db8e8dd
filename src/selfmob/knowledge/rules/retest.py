"""Re-test days: the plan's tests on both sides, before that day's technique, every N days
from the plan's start and on its last day, to see whether the gain carries over.

The interval is `policy.retest.every_days` (a configurable default, grade M). The start
itself is not a re-test day: the assessment that led to the plan is the baseline.

>>> days = RetestSchedule(date(2026, 11, 2), date(2026, 11, 30), every_days=14)
>>> [d.isoformat() for d in days.due_days(date(2026, 11, 1), date(2026, 12, 31))]
['2026-11-16', '2026-11-30']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class RetestSchedule:
    starts_on: date
    ends_on: date | None
    every_days: int

    def is_due(self, day: date) -> bool:
        if self.ends_on is not None and day == self.ends_on:
            return True
        if day <= self.starts_on or (self.ends_on is not None and day > self.ends_on):
            return False
        return (day - self.starts_on).days % self.every_days == 0

    def due_days(self, first: date, last: date) -> list[date]:
        span = (last - first).days + 1
        return [d for d in (first + timedelta(days=i) for i in range(span)) if self.is_due(d)]
