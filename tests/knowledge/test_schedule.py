from __future__ import annotations

from datetime import date

from selfmob.knowledge.rules.schedule import Schedule

MONDAY = date(2026, 11, 2)


def test_weekdays_are_iso_numbers() -> None:
    plan = Schedule(MONDAY, None, weekdays=(1, 3, 5), every_days=None)
    days = plan.due_days(MONDAY, date(2026, 11, 8))
    assert [d.isoweekday() for d in days] == [1, 3, 5]


def test_every_n_days_counts_from_the_start() -> None:
    plan = Schedule(MONDAY, None, weekdays=(), every_days=2)
    assert plan.due_days(MONDAY, date(2026, 11, 7)) == [
        date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 6),
    ]  # fmt: skip


def test_nothing_is_due_outside_the_plan_or_after_removal() -> None:
    plan = Schedule(MONDAY, date(2026, 11, 4), weekdays=(), every_days=1)
    assert not plan.is_due(date(2026, 11, 1))
    assert not plan.is_due(date(2026, 11, 5))
    removed = Schedule(MONDAY, None, weekdays=(), every_days=1, removed_on=date(2026, 11, 3))
    assert removed.due_days(MONDAY, date(2026, 11, 6)) == [date(2026, 11, 2)]
