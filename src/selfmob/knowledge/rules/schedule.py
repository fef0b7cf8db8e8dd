"""When a plan item is due: on chosen weekdays, or every N days from the plan's start."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Schedule:
    starts_on: date
    ends_on: date | None
    weekdays: Sequence[int]  # ISO: 1 = Monday
    every_days: int | None
    removed_on: date | None = None

    def is_due(self, day: date) -> bool:
        if day < self.starts_on or (self.ends_on and day > self.ends_on):
            return False
        if self.removed_on and day >= self.removed_on:
            return False
        if self.every_days:
            return (day - self.starts_on).days % self.every_days == 0
        return day.isoweekday() in self.weekdays

    def due_days(self, first: date, last: date) -> list[date]:
        span = (last - first).days + 1
        return [d for d in (first + timedelta(days=i) for i in range(span)) if self.is_due(d)]
