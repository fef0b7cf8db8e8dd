"""The plan as an iCalendar feed: valid RFC 5545, and the same days the schedule rule says."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Component

from selfmob.clinic.exports.ical import plan_calendar
from selfmob.clinic.models import Plan, PlanItem
from selfmob.clinic.selectors import schedule_of
from selfmob.clinic.services.plans import ItemInput, plan_create, plan_item_remove
from selfmob.clinic.services.screening import screening_record
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.pain import pain_rule
from selfmob.knowledge.rules.retest import RetestSchedule
from tests.support.knowledge import all_no
from tests.support.personas import TODAY, Personas

BASE = "https://selfmob.example"
STAMP = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
HORIZON = timedelta(weeks=6)


def feed(people: Personas, today: date = TODAY) -> Calendar:
    body = plan_calendar(people.client, today=today, base_url=BASE, stamp=STAMP)
    return Calendar.from_ical(body)


def events(calendar: Calendar) -> list[Component]:
    return list(calendar.walk("VEVENT"))


def start_of(event: Component) -> date:
    value = event.decoded("dtstart")
    assert isinstance(value, date) and not isinstance(value, datetime), "an all-day event"
    return value


def occurrences(event: Component, first: date, last: date) -> list[date]:
    """The event's days between first and last, expanded by dateutil (not by our code)."""
    start = start_of(event)
    if "RRULE" not in event:
        return [start] if first <= start <= last else []
    raw = event["RRULE"].to_ical()
    rule = raw.decode() if isinstance(raw, bytes) else raw
    expanded = rrulestr(rule, dtstart=datetime.combine(start, time()))
    window = expanded.between(
        datetime.combine(first, time()), datetime.combine(last, time()), inc=True
    )
    return [d.date() for d in window]


def make_plan(
    people: Personas,
    *,
    starts_on: date = TODAY,
    ends_on: date | None = None,
    weekdays: Sequence[int] = (),
    every_days: int | None = None,
) -> PlanItem:
    item = ItemInput(
        "ankle-banded-posterior-glide",
        "wblt-distance",
        "right",
        weekdays=weekdays,
        every_days=every_days,
    )
    plan = plan_create(
        client=people.client,
        created_by=people.coach,
        starts_on=starts_on,
        ends_on=ends_on,
        items=[item],
    )
    return plan.items.get()


def item_event(calendar: Calendar, item: PlanItem) -> Component:
    (found,) = [e for e in events(calendar) if str(e["UID"]) == f"{item.id}@selfmob"]
    return found


def test_the_calendar_has_the_required_properties(ankle_item: PlanItem, screened: Personas) -> None:
    calendar = feed(screened)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//selfmob//")
    assert screened.client.name in str(calendar["X-WR-CALNAME"])
    assert "REFRESH-INTERVAL" in calendar
    assert "X-PUBLISHED-TTL" in calendar
    for event in events(calendar):
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "DESCRIPTION", "URL"):
            assert required in event, required
        assert event.decoded("dtstamp") == STAMP


def test_lines_end_in_crlf_and_fold_at_75_octets(ankle_item: PlanItem, screened: Personas) -> None:
    body = plan_calendar(screened.client, today=TODAY, base_url=BASE, stamp=STAMP)
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert not any(b"\n" in line or b"\r" in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "the long description is folded"
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    assert re.search(rb"DTSTAMP:20261123T093000Z", body)


WEDNESDAY = TODAY + timedelta(days=2)  # TODAY is a Monday: a start off the chosen weekdays


@pytest.mark.parametrize(
    ("weekdays", "every_days", "ends_on"),
    [
        ((), 1, None),
        ((), 2, None),
        ((), 3, WEDNESDAY + timedelta(days=20)),
        ((1, 3, 5), None, None),
        ((2,), None, WEDNESDAY + timedelta(days=24)),
        ((6, 7), None, WEDNESDAY + timedelta(days=31)),
        ((1, 2, 3, 4, 5, 6, 7), None, None),
    ],
)
def test_recurrence_yields_the_days_the_schedule_rule_says_are_due(
    screened: Personas, weekdays: tuple[int, ...], every_days: int | None, ends_on: date | None
) -> None:
    item = make_plan(
        screened, starts_on=WEDNESDAY, ends_on=ends_on, weekdays=weekdays, every_days=every_days
    )
    first, last = WEDNESDAY - timedelta(days=7), WEDNESDAY + HORIZON
    expected = schedule_of(item).due_days(first, last)
    assert expected, "the case must have due days"
    assert occurrences(item_event(feed(screened), item), first, last) == expected


def test_the_first_occurrence_is_the_first_due_day(screened: Personas) -> None:
    item = make_plan(screened, starts_on=WEDNESDAY, weekdays=(1, 5))
    assert start_of(item_event(feed(screened), item)) == WEDNESDAY + timedelta(days=2)


def test_an_item_never_due_inside_its_plan_has_no_event(screened: Personas) -> None:
    item = make_plan(
        screened, starts_on=WEDNESDAY, ends_on=WEDNESDAY + timedelta(days=1), weekdays=(1,)
    )
    assert schedule_of(item).due_days(WEDNESDAY, WEDNESDAY + timedelta(days=7)) == []
    assert not any(str(item.id) in str(e["UID"]) for e in events(feed(screened)))


def test_each_event_says_dose_pain_rule_test_and_where_to_log(
    ankle_item: PlanItem, screened: Personas
) -> None:
    catalogue = load_catalogue()
    event = item_event(feed(screened), ankle_item)
    technique = catalogue.technique(ankle_item.technique_id)
    assert str(event["SUMMARY"]) == f"Self-mobilization: {technique.name} (right)"
    text = str(event["DESCRIPTION"])
    assert str(ankle_item.dose["text"]) in text
    assert pain_rule(catalogue.policy, ankle_item.pain_limit).during in text
    assert catalogue.test(ankle_item.retest_id).name in text
    assert f"{BASE}/today" in text
    assert str(event["URL"]) == f"{BASE}/today"


def test_no_text_ever_says_to_push_through_pain(ankle_item: PlanItem, screened: Personas) -> None:
    text = " ".join(str(e["DESCRIPTION"]) for e in events(feed(screened))).lower()
    for match in re.finditer(r"push through pain", text):
        assert re.search(r"(never|not)\s+$", text[: match.start()]), text[match.start() - 20 :]


def test_uids_are_stable_from_one_fetch_to_the_next(
    ankle_item: PlanItem, screened: Personas
) -> None:
    def uids() -> list[str]:
        return sorted(str(e["UID"]) for e in events(feed(screened)))

    assert uids() == uids()
    assert f"{ankle_item.id}@selfmob" in uids()


def test_removed_items_and_ended_plans_are_left_out(screened: Personas) -> None:
    removed = make_plan(screened, every_days=1)
    plan_item_remove(item=removed, now=datetime.combine(TODAY, time(), tzinfo=UTC))
    ended = make_plan(
        screened, starts_on=TODAY - timedelta(days=30), ends_on=TODAY - timedelta(1), every_days=1
    )
    kept = make_plan(screened, weekdays=(2, 4))
    uids = {str(e["UID"]) for e in events(feed(screened))}
    assert f"{kept.id}@selfmob" in uids
    assert not any(str(i.id) in uid for i in (removed, ended) for uid in uids)
    assert not any(str(ended.plan_id) in uid for uid in uids)


@pytest.mark.parametrize("length", [None, 3, 14, 30, 41])
def test_re_test_days_are_the_days_the_rule_gives(screened: Personas, length: int | None) -> None:
    ends_on = None if length is None else TODAY + timedelta(days=length)
    item = make_plan(screened, ends_on=ends_on, every_days=2)
    plan: Plan = item.plan
    first, last = TODAY - timedelta(days=3), TODAY + timedelta(days=90)
    retests = [e for e in events(feed(screened)) if str(e["UID"]).startswith(f"{plan.id}-")]
    days = sorted(d for e in retests for d in occurrences(e, first, last))
    every = load_catalogue().policy.retest.every_days
    expected = RetestSchedule(plan.starts_on, plan.ends_on, every).due_days(first, last)
    assert days == expected
    assert all("both sides" in str(e["DESCRIPTION"]) for e in retests)


def test_a_red_flag_hold_shows_one_event_and_no_sessions(
    ankle_item: PlanItem, screened: Personas
) -> None:
    answers = all_no() | {"bleeding": True}
    screening_record(
        client=screened.client, answers=answers, neck=False, recorded_by=screened.coach
    )
    screened.client.refresh_from_db()
    (event,) = events(feed(screened))
    assert "see a professional" in str(event["SUMMARY"]).lower()
    assert "RRULE" not in event
    assert start_of(event) == TODAY


def test_a_client_without_a_plan_gets_a_valid_empty_calendar(screened: Personas) -> None:
    body = plan_calendar(screened.client, today=TODAY, base_url=BASE, stamp=STAMP)
    calendar = Calendar.from_ical(body)
    assert events(calendar) == []
    assert calendar.subcomponents, "RFC 5545 asks for at least one component"


def test_dates_are_all_day_values(ankle_item: PlanItem, screened: Personas) -> None:
    body = plan_calendar(screened.client, today=TODAY, base_url=BASE, stamp=STAMP)
    assert b"DTSTART;VALUE=DATE:20261123\r\n" in body
    assert start_of(item_event(Calendar.from_ical(body), ankle_item)) == TODAY
