"""The coach's client list: adherence, last session, change against baseline and flags,
most urgent first. Four queries, whatever the number of clients, all read as plain tuples:
building model instances and parsing thousands of UUIDs cost more than the rest together."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast

from selfmob.clinic import selectors
from selfmob.clinic.models import Client, PlanItem, Session, User
from selfmob.clinic.selectors import Adherence, adherence_of, held_by_refer
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.flags import Flag, SessionFacts, client_flags
from selfmob.knowledge.rules.schedule import Schedule

WINDOW_DAYS = 14  # sessions read for flags and adherence; baselines and last days from subqueries


@dataclass(frozen=True)
class ClientRef:
    id: uuid.UUID
    name: str
    email: str


@dataclass(frozen=True)
class ItemFacts:
    key: str
    retest_id: str
    schedule: Schedule
    first_pre: float | None
    first_on: date | None
    sessions: int
    last_on: date | None
    last_day_pre: float | None  # the pre-test of the latest day's first session


@dataclass(frozen=True)
class DashboardRow:
    client: ClientRef
    adherence: Adherence
    last_session: date | None
    latest_change: float | None
    unit: str | None
    flags: list[Flag]


def coach_dashboard(coach: User, today: date) -> list[DashboardRow]:
    found = Client.objects.filter(coach=coach, archived_at__isnull=True).values_list(
        "id", "name", "email", "screening_status"
    )  # archived clients are off the dashboard (services/clients.py)
    clients = [
        (ClientRef(pk, name, email), held_by_refer(status)) for pk, name, email, status in found
    ]
    items = _items(coach)
    sessions = _sessions(coach, today - timedelta(days=WINDOW_DAYS))
    rows = [
        _row(c, items[c.id.hex], sessions[c.id.hex], today, refer=refer) for c, refer in clients
    ]
    return sorted(
        rows, key=lambda r: (min((f.urgency for f in r.flags), default=99), r.client.name)
    )


def _hex(value: str) -> str:
    """A UUID read as text: 32 hex digits on SQLite, hyphenated on PostgreSQL."""
    return value.replace("-", "")


def _items(coach: User) -> defaultdict[str, list[ItemFacts]]:
    own = Session.objects.filter(plan_item=OuterRef("pk"))
    first = own.order_by("performed_on", "created_at")
    first_pre, first_on = first.values("pre")[:1], first.values("performed_on")[:1]
    last_day = own.order_by("-performed_on", "created_at")  # the latest day's first session
    last_on, last_day_pre = last_day.values("performed_on")[:1], last_day.values("pre")[:1]
    count = own.values("plan_item").annotate(n=Count("id")).values("n")[:1]
    rows = (
        PlanItem.objects.filter(plan__client__coach=coach)
        .annotate(
            first_pre=Subquery(first_pre),
            first_on=Subquery(first_on),
            n=Subquery(count),
            last_on=Subquery(last_on),
            last_day_pre=Subquery(last_day_pre),
        )
        .values_list(
            Cast("plan__client_id", CharField()),
            Cast("id", CharField()),
            "retest_id",
            "weekdays",
            "every_days",
            "removed_at",
            "plan__starts_on",
            "plan__ends_on",
            "first_pre",
            "first_on",
            "n",
            "last_on",
            "last_day_pre",
        )
    )
    found: defaultdict[str, list[ItemFacts]] = defaultdict(list)
    for (
        client_id,
        key,
        retest,
        weekdays,
        every,
        removed,
        starts,
        ends,
        first,
        first_on,
        n,
        last,
        last_pre,
    ) in rows:
        removed_on = removed.date() if isinstance(removed, datetime) else None
        schedule = Schedule(starts, ends, weekdays, every, removed_on)
        found[_hex(client_id)].append(
            ItemFacts(
                _hex(key), retest, schedule, first, _day(first_on), n or 0, _day(last), last_pre
            )
        )
    return found


def _day(value: date | str | None) -> date | None:
    """A date from a subquery: SQLite gives it as ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _sessions(coach: User, since: date) -> defaultdict[str, list[SessionFacts]]:
    rows = (
        Session.objects.filter(client__coach=coach, performed_on__gte=since)
        .order_by("performed_on", "created_at")
        .values_list(
            Cast("client_id", CharField()),
            Cast("plan_item_id", CharField()),
            "performed_on",
            "pre",
            "post",
            "test_id",
            "instrument",
            "measured_by",
            "readings",
            "verdict",
            "pain_rest",
            "pain_during",
            "over_limit",
            "pain_next_day",
        )
    )
    found: defaultdict[str, list[SessionFacts]] = defaultdict(list)
    for client_id, item_id, day, pre, post, test_id, instrument, by, readings, *rest in rows:
        mdc = selectors.day_mdc(test_id, instrument, by, readings)
        facts = SessionFacts(_hex(item_id), day, pre, post, mdc, *rest)
        found[_hex(client_id)].append(facts)
    return found


def _row(
    client: ClientRef,
    items: list[ItemFacts],
    sessions: list[SessionFacts],
    today: date,
    *,
    refer: bool,
) -> DashboardRow:
    flags = client_flags(
        load_catalogue().policy,
        today=today,
        refer_uncleared=refer,
        sessions=sessions,
        plan_started=min((i.schedule.starts_on for i in items), default=None),
        baselines={i.key: (i.first_pre, i.sessions) for i in items if i.first_pre is not None},
        last_session_on=max((i.last_on for i in items if i.last_on), default=None),
    )
    adherence = adherence_of([(i.key, i.schedule) for i in items], sessions, today)
    change, unit = _latest_change(items)
    last = max((i.last_on for i in items if i.last_on), default=None)
    return DashboardRow(client, adherence, last, change, unit, flags)


def _latest_change(items: list[ItemFacts]) -> tuple[float | None, str | None]:
    """What carried over, for the most recently used item where it can be measured: the
    pre-test of its latest day's first session against its first pre-test ever, when those
    are on different days. Post-tests and same-day repeats hold a session's immediate effect,
    so they never count (the carry-over rule of knowledge/rules/flags.py)."""
    measurable = [i for i in items if i.first_on and i.last_on and i.last_on > i.first_on]
    if not measurable:
        return None, None
    item = max(measurable, key=lambda i: i.last_on or date.min)
    assert item.first_pre is not None and item.last_day_pre is not None
    change = round(item.last_day_pre - item.first_pre, 2)
    return change, load_catalogue().test(item.retest_id).unit
