from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selfmob.clinic.dashboard import coach_dashboard
from selfmob.clinic.models import Client, PlanItem, Session, User
from selfmob.clinic.selectors import client_person, due_items, screening_gate
from selfmob.clinic.services.accounts import client_create
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import clearance_record, screening_record
from selfmob.clinic.services.sessions import next_day_pain_record, session_log
from tests.support.factories import logged_before_rest_pain, plan_starts
from tests.support.knowledge import all_no
from tests.support.personas import TODAY, Personas


def log(item: PlanItem, days_ago: int, **values: Any) -> None:
    fields: dict[str, Any] = {"pre": 7.0, "post": 7.5, "pain_rest": 0, "pain_during": 1} | values
    session_log(
        plan_item=item,
        idempotency_key=uuid.uuid4(),
        performed_on=TODAY - timedelta(days=days_ago),
        today=TODAY,
        **fields,
    )


def test_due_items_say_what_is_done_today(ankle_item: PlanItem, screened: Personas) -> None:
    [due] = due_items(screened.client, TODAY)
    assert due.item == ankle_item
    assert not due.done
    log(ankle_item, 0)
    assert due_items(screened.client, TODAY)[0].done


def test_the_dashboard_shows_adherence_and_change(ankle_item: PlanItem, screened: Personas) -> None:
    plan_starts(ankle_item, TODAY - timedelta(days=1))
    log(ankle_item, 1, pre=7.0, post=7.5)
    log(ankle_item, 0, pre=9.5, post=9.5)
    log(ankle_item, 0, pre=10.0, post=11.0)  # a same-day repeat: not carry-over
    [row] = [r for r in coach_dashboard(screened.coach, TODAY) if r.client.id == screened.client.id]
    assert row.adherence.done == 2
    assert row.adherence.planned == 2
    assert row.last_session == TODAY
    assert row.latest_change == pytest.approx(2.5), "today's first pre-test minus the first"
    assert row.unit == "cm"


def test_the_most_urgent_client_comes_first(ankle_item: PlanItem, screened: Personas) -> None:
    log(ankle_item, 0, pain_during=ankle_item.pain_limit + 1)
    rows = coach_dashboard(screened.coach, TODAY)
    assert rows[0].client.id == screened.client.id
    assert rows[0].flags[0].kind == "pain_over_limit"


def flag_kinds(coach: User, client: Client) -> list[str]:
    [row] = [r for r in coach_dashboard(coach, TODAY) if r.client.id == client.id]
    return [f.kind for f in row.flags]


def test_the_dashboard_compares_next_day_pain_with_the_pain_at_rest(
    ankle_item: PlanItem, screened: Personas
) -> None:
    """Rest 0, during 2 (within), next day 2: no higher than during, but 2 up on the rest."""
    plan_starts(ankle_item, TODAY - timedelta(days=1))
    log(ankle_item, 1, pain_rest=0, pain_during=2)
    next_day_pain_record(session=Session.objects.get(), pain=2, today=TODAY)
    assert flag_kinds(screened.coach, screened.client) == ["next_day_pain"]


def test_the_dashboard_reads_an_older_session_against_its_pain_during(
    ankle_item: PlanItem, screened: Personas
) -> None:
    plan_starts(ankle_item, TODAY - timedelta(days=1))
    log(ankle_item, 1, pain_rest=0, pain_during=2)
    old = logged_before_rest_pain(Session.objects.get())
    next_day_pain_record(session=old, pain=3, today=TODAY)
    assert flag_kinds(screened.coach, screened.client) == []


def test_the_dashboard_keeps_the_stored_pain_verdict(
    ankle_item: PlanItem, screened: Personas
) -> None:
    log(ankle_item, 0, pain_rest=3, pain_during=5)  # within: 2 above a rest of 3
    assert flag_kinds(screened.coach, screened.client) == []
    Session.objects.update(over_limit=True)  # a verdict stored by another rule stays
    assert flag_kinds(screened.coach, screened.client) == ["pain_over_limit"]


def test_a_coach_sees_only_their_clients(people: Personas) -> None:
    names = {r.client.name for r in coach_dashboard(people.coach, TODAY)}
    assert names == {"Ana"}


def _add_client(people: Personas, n: int) -> None:
    client = client_create(coach=people.coach, name=f"C{n}", email=f"c{n}@example.test")
    screening_record(client=client, answers=all_no(), neck=False, recorded_by=people.coach)
    item = ItemInput("wrist-hand-volar-glide", "wrist-extension", "left", weekdays=(1, 4))
    plan = plan_create(
        client=client,
        created_by=people.coach,
        starts_on=TODAY - timedelta(days=20),
        ends_on=None,
        items=[item],
    )
    for days_ago in (1, 4, 8):
        log(plan.items.get(), days_ago, pre=50.0, post=52.0)


def test_dashboard_queries_do_not_grow_with_clients(people: Personas) -> None:
    _add_client(people, 1)
    with CaptureQueriesContext(connection) as few:
        coach_dashboard(people.coach, TODAY)
    for n in range(2, 7):
        _add_client(people, n)
    with CaptureQueriesContext(connection) as many:
        rows = coach_dashboard(people.coach, TODAY)
    assert len(rows) == 7
    assert len(many) == len(few) <= 6


def test_the_core_gets_the_screen_in_force(people: Personas) -> None:
    client, coach = people.client, people.coach
    assert screening_gate(client).result is None
    refer = screening_record(
        client=client,
        answers=all_no() | {"fever-hot-joint": True, "loose-joints": True},
        neck=False,
        recorded_by=coach,
    )
    later = screening_record(client=client, answers=all_no(), neck=False, recorded_by=coach)
    held = screening_gate(client).result
    assert held is not None and held.verdict == "refer", "an uncleared refer holds"
    clearance_record(
        screening=refer, cleared_by=coach, note="Seen by Dr Lee, GP: no infection, may go on."
    )
    cleared = screening_gate(client).result
    assert cleared is not None and cleared.verdict == "clear", "the later screen now counts"
    assert later.verdict == "clear"
    screening_record(
        client=client,
        answers=all_no() | {"fever-hot-joint": True, "loose-joints": True},
        neck=False,
        recorded_by=coach,
    )
    clearance_record(
        screening=client.screenings.latest("created_at"),
        cleared_by=coach,
        note="Seen by Dr Lee, GP: fever gone, may go on.",
    )
    kept = screening_gate(client).result
    assert kept is not None
    assert (kept.verdict, kept.neck) == ("caution", False)
    assert kept.cautions == ["loose-joints"], "a clearance keeps the caution codes"


def test_a_birth_year_gives_the_younger_possible_age(people: Personas) -> None:
    people.client.birth_year = TODAY.year - 16
    assert client_person(people.client, TODAY).age == 15
