from __future__ import annotations

from datetime import date, timedelta

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.retest import RetestSchedule

MONDAY = date(2026, 11, 2)


def test_the_default_interval_is_a_graded_default() -> None:
    retest = load_catalogue().policy.retest
    assert (retest.source, retest.grade) == ("selfmob-defaults", "M")
    assert retest.every_days >= 1


def test_re_tests_fall_every_n_days_after_the_start_and_on_the_last_day() -> None:
    days = RetestSchedule(MONDAY, date(2026, 11, 30), every_days=14)
    assert days.due_days(MONDAY - timedelta(days=7), date(2026, 12, 31)) == [
        date(2026, 11, 16),
        date(2026, 11, 30),
    ]


def test_the_last_day_counts_once_when_the_interval_lands_on_it() -> None:
    days = RetestSchedule(MONDAY, MONDAY + timedelta(days=20), every_days=10)
    assert days.due_days(MONDAY, MONDAY + timedelta(days=30)) == [
        MONDAY + timedelta(days=10),
        MONDAY + timedelta(days=20),
    ]


def test_the_start_is_not_a_re_test_day() -> None:
    assert not RetestSchedule(MONDAY, None, every_days=7).is_due(MONDAY)


def test_a_plan_without_an_end_re_tests_on_and_on() -> None:
    days = RetestSchedule(MONDAY, None, every_days=7)
    assert len(days.due_days(MONDAY, MONDAY + timedelta(days=70))) == 10


def test_a_one_day_plan_re_tests_on_that_day() -> None:
    assert RetestSchedule(MONDAY, MONDAY, every_days=14).due_days(MONDAY, MONDAY) == [MONDAY]
