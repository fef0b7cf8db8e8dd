"""A client's plan as an iCalendar feed (RFC 5545).

One all-day recurring event per current plan item, whose RRULE says exactly what
`knowledge.rules.schedule.Schedule` says: `FREQ=DAILY;INTERVAL=N` from the plan's start for
every N days, `FREQ=WEEKLY;BYDAY=…` for weekdays, `UNTIL` the plan's last day. The first
occurrence (DTSTART) is the first due day, as RFC 5545 asks. Re-test days are two more
events per plan: every N days from the start (until the day before the end), and the last
day itself. A red-flag hold replaces all of it with one event that says why.

UIDs are stable (`<item uuid>@selfmob`), so a calendar that refreshes the feed updates the
events it already shows instead of adding copies.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone
from icalendar.prop import vDuration, vText

from selfmob.clinic.exports.plan_words import (
    CurrentItem,
    Hold,
    current_items,
    dose_words,
    hold_of,
    measure_words,
    pain_words,
    plan_dates,
    plans_of,
    retest_schedule,
    retest_words,
    schedule_words,
    technique_title,
)
from selfmob.clinic.models import Client, Plan
from selfmob.clinic.selectors import schedule_of
from selfmob.clinic.text import printable
from selfmob.knowledge.schema import RomTest

PRODID = "-//selfmob//Self-mobilization plan//EN"
REFRESH = timedelta(hours=6)
"""How often calendar apps are asked to fetch the feed again (they may take longer)."""
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # ISO weekday 1 is MO


def plan_calendar(
    client: Client, *, today: date, base_url: str, stamp: datetime | None = None
) -> bytes:
    """The feed's body. `base_url` is the site's address (scheme and host); `stamp` is the
    DTSTAMP of every event (now by default)."""
    stamp = (stamp or timezone.now()).astimezone(UTC)
    url = base_url.rstrip("/") + reverse("today")
    calendar = _calendar(client)
    hold = hold_of(client)
    events = (
        [_hold_event(client, hold, today=today, stamp=stamp, url=url)]
        if hold
        else _plan_events(current_items(client, today), stamp=stamp, url=url)
    )
    for event in events:
        calendar.add_component(event)
    if not events:  # RFC 5545 wants at least one component: an unused time zone shows nothing
        calendar.add_component(Timezone.from_tzid(settings.TIME_ZONE))
    return bytes(calendar.to_ical())


def _calendar(client: Client) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _text(f"Self-mobilization: {client.name}")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


def _plan_events(items: list[CurrentItem], *, stamp: datetime, url: str) -> list[Event]:
    events = [e for e in (_item_event(c, stamp=stamp, url=url) for c in items) if e]
    for plan in plans_of(items):
        tests = [c.test for c in items if c.item.plan_id == plan.id]
        events += _retest_events(plan, tests, stamp=stamp, url=url)
    return events


def _item_event(current: CurrentItem, *, stamp: datetime, url: str) -> Event | None:
    item, plan = current.item, current.item.plan
    first_week = schedule_of(item).due_days(plan.starts_on, plan.starts_on + timedelta(days=6))
    if not first_week:  # no chosen weekday falls inside a short plan
        return None
    rule: dict[str, object] = (
        {"freq": "daily", "interval": item.every_days}
        if item.every_days
        else {"freq": "weekly", "byday": [BYDAY[d - 1] for d in sorted(item.weekdays)]}
    )
    if plan.ends_on:
        rule["until"] = plan.ends_on
    description = [
        f"Dose: {dose_words(item.dose)}.",
        f"When: {schedule_words(item)}, {plan_dates(plan)}.",
        f"Pain: {pain_words(item.pain_limit)}",
        f"Test: {measure_words(current.test)}.",
        f"Log the session on your Today page: {url}",
    ]
    title = f"Self-mobilization: {technique_title(current)}"
    uid = f"{item.id}@selfmob"
    event = _day_event(uid, first_week[0], title, description=description, stamp=stamp, url=url)
    event.add("rrule", rule)
    return event


def _retest_events(plan: Plan, tests: list[RomTest], *, stamp: datetime, url: str) -> list[Event]:
    every = retest_schedule(plan).every_days
    first = plan.starts_on + timedelta(days=every)
    before_end = plan.ends_on - timedelta(days=1) if plan.ends_on else None
    description = [retest_words(plan, tests), f"selfmob: {url}"]
    events = []
    if before_end is None or first <= before_end:
        title = "Re-test day: both sides, before the technique"
        uid = f"{plan.id}-retest@selfmob"
        event = _day_event(uid, first, title, description=description, stamp=stamp, url=url)
        rule: dict[str, object] = {"freq": "daily", "interval": every}
        if before_end:
            rule["until"] = before_end
        event.add("rrule", rule)
        events.append(event)
    if plan.ends_on:
        title = "Re-test day: the plan's last day, both sides"
        uid = f"{plan.id}-end@selfmob"
        events.append(
            _day_event(uid, plan.ends_on, title, description=description, stamp=stamp, url=url)
        )
    return events


def _hold_event(client: Client, hold: Hold, *, today: date, stamp: datetime, url: str) -> Event:
    description = [hold.body, f"selfmob: {url}"]
    uid = f"{client.id}-hold@selfmob"
    return _day_event(uid, today, hold.title, description=description, stamp=stamp, url=url)


def _text(value: str, *, multiline: bool = False) -> vText:
    """A TEXT value escaped as RFC 5545 says (backslash, comma, semicolon, line breaks), with
    the control characters it does not allow replaced. Passed as vText, since icalendar
    writes properties it has no type for (NAME, X-WR-CALNAME) unescaped, and a line break
    in a client's name then breaks the feed."""
    return vText(printable(value, multiline=multiline))


def _day_event(
    uid: str, day: date, summary: str, *, description: list[str], stamp: datetime, url: str
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", _text(summary))
    event.add("description", _text("\n".join(description), multiline=True))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
    return event
