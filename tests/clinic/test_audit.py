"""The audit trail's store: reads once per person, client, interface and hour (kept by the
database), writes every time in the write's own transaction, ids only, append-only, and the
purge of old addresses."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import AuditEntry, Client, User
from selfmob.clinic.services.accounts import client_create
from selfmob.clinic.services.audit import (
    CLI,
    Interface,
    Kind,
    Origin,
    What,
    audit_addresses_purge,
    audit_export,
    audit_read,
    audit_write,
)
from selfmob.clinic.trail import TrailFilter, trail_all, trail_for
from tests.support.personas import Personas

PAGE = Origin(Interface.PAGE, "192.0.2.10")
API = Origin(Interface.API, "192.0.2.11")
TEN = datetime(2026, 11, 23, 10, 5, tzinfo=UTC)


def read(people: Personas, via: Origin = PAGE, what: str = What.PROGRESS) -> None:
    audit_read(via=via, user=people.coach, client=people.client, what=what)


def test_two_reads_in_an_hour_keep_one_entry(people: Personas) -> None:
    with time_machine.travel(TEN, tick=False):
        read(people)
    with time_machine.travel(TEN + timedelta(minutes=50), tick=False):
        read(people, what=What.SESSION)
    entry = AuditEntry.objects.get()
    assert (entry.at, entry.what, entry.kind) == (TEN, What.PROGRESS, Kind.READ)
    assert entry.hour == datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_a_read_in_the_next_hour_is_a_new_entry(people: Personas) -> None:
    with time_machine.travel(TEN, tick=False):
        read(people)
    with time_machine.travel(TEN + timedelta(minutes=56), tick=False):
        read(people)
    hours = AuditEntry.objects.order_by("at").values_list("hour", flat=True)
    assert [h.hour for h in hours if h is not None] == [10, 11]


def test_reads_through_another_interface_are_kept_apart(people: Personas) -> None:
    with time_machine.travel(TEN, tick=False):
        read(people, PAGE)
        read(people, API)
        read(people, API)
    assert sorted(AuditEntry.objects.values_list("interface", flat=True)) == ["api", "page"]


def test_each_reader_and_client_has_their_own_entry(people: Personas) -> None:
    read(people)
    audit_read(via=PAGE, user=people.client_user, client=people.client, what=What.TODAY)
    audit_read(via=PAGE, user=people.coach, client=people.other_client, what=What.CLIENT)
    assert AuditEntry.objects.count() == 3


def test_a_read_of_many_clients_is_one_statement(people: Personas) -> None:
    more = [client_create(coach=people.coach, name=f"C{i}", email=f"c{i}@x.test") for i in range(3)]
    with CaptureQueriesContext(connection) as queries:
        audit_read(via=PAGE, user=people.coach, client=more, what=What.CLIENT_LIST)
        audit_read(via=PAGE, user=people.coach, client=more, what=What.CLIENT_LIST)
    assert len(queries.captured_queries) == 2
    assert AuditEntry.objects.count() == 3


def test_exports_are_kept_every_time(people: Personas) -> None:
    for _ in range(2):
        audit_export(via=PAGE, user=people.coach, client=people.client, what=What.FHIR)
    assert AuditEntry.objects.filter(kind=Kind.EXPORT).count() == 2


def test_a_write_and_its_entry_are_kept_together(people: Personas) -> None:
    with audit_write(
        via=API, user=people.coach, client=None, kind=Kind.CHANGE, what=What.CLIENT
    ) as entry:
        made = client_create(coach=people.coach, name="Cai", email="cai@example.test")
        entry.client_id = made.id
    stored = AuditEntry.objects.get()
    assert (stored.client_id, stored.user_id, stored.kind) == (made.id, people.coach.id, "change")
    assert (stored.interface, stored.address, stored.hour) == ("api", "192.0.2.11", None)


def test_a_failing_write_leaves_no_entry(people: Personas) -> None:
    with (
        pytest.raises(InvalidInput),
        audit_write(via=PAGE, user=people.coach, client=None, kind="change", what="client"),
    ):
        client_create(coach=people.coach, name="Ana", email="ana@example.test")  # taken
    assert AuditEntry.objects.count() == 0


def test_an_entry_that_cannot_be_stored_undoes_the_write(people: Personas) -> None:
    with (
        pytest.raises(IntegrityError),
        audit_write(via=PAGE, user=people.coach, client=None, kind="change", what="client"),
    ):
        client_create(coach=people.coach, name="Cai", email="cai@example.test")
        # client_id left empty: the entry is refused, and the client with it
    assert not Client.objects.filter(email="cai@example.test").exists()


def test_entries_hold_ids_not_names_or_e_mails(people: Personas) -> None:
    read(people)
    audit_export(via=CLI, user=None, client=people.client, what=What.JSON)
    with audit_write(via=PAGE, user=people.client_user, client=people.client, kind="change",
                     what="session", record_id=uuid.uuid4()):  # fmt: skip
        pass
    stored = " ".join(str(v) for row in AuditEntry.objects.values_list() for v in row)
    for person in (people.coach, people.client_user):
        assert person.email not in stored
    for name in (people.coach.name, people.client.name, "@"):
        assert name not in stored


def test_an_address_is_stored_only_as_an_address(rf: RequestFactory) -> None:
    addresses = {"198.51.100.7": "198.51.100.7", "fe80::1%eth0": "fe80::1",
                 "2001:DB8::1": "2001:db8::1", "<b>Ana</b>": None, "": None}  # fmt: skip
    for given, kept in addresses.items():
        assert Origin.of(rf.get("/today", REMOTE_ADDR=given)).address == kept


def test_the_api_is_told_apart_by_its_path(rf: RequestFactory) -> None:
    assert Origin.of(rf.get("/api/v1/clients")).interface == "api"
    assert Origin.of(rf.get("/clients/x")).interface == "page"
    assert Origin.of(rf.get("/calendar/x.ics"), Interface.FEED).interface == "feed"


# append-only


def refused(change: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        change()


def test_the_database_refuses_to_change_an_entry(people: Personas) -> None:
    read(people)
    entries = AuditEntry.objects.all()
    refused(lambda: entries.update(kind=Kind.CHANGE, hour=None))
    refused(lambda: entries.update(user_id=people.other_coach.id))
    refused(lambda: entries.update(address="203.0.113.9"))
    entry = entries.get()
    entry.what = What.CLIENT
    refused(entry.save)
    assert entries.get().what == What.PROGRESS


def test_the_database_refuses_to_delete_an_entry(people: Personas) -> None:
    read(people)
    refused(AuditEntry.objects.all().delete)
    refused(AuditEntry.objects.get().delete)
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_test_teardown_empties_the_trail_and_keeps_its_guard(people: Personas) -> None:
    """Django's flush (the teardown of transactional tests) empties every table; on SQLite
    with DELETE, which tests/support/audit.py lets through then and only then."""
    read(people)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    read(people)
    refused(AuditEntry.objects.all().delete)


def test_deleting_a_person_or_a_client_keeps_their_entries(people: Personas) -> None:
    ben = people.other_client_user.id
    audit_read(via=PAGE, user=people.other_client_user, client=people.other_client, what="today")
    people.other_client.delete()
    people.other_client_user.delete()
    entry = trail_all(TrailFilter()).get()
    assert entry.user_id == ben
    assert (entry.user_name, entry.client_name) == (None, None)  # type: ignore[attr-defined]


# the purge of addresses


def test_the_purge_blanks_only_addresses_past_their_days(people: Personas) -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    for days in (91, 89):
        with time_machine.travel(now - timedelta(days=days), tick=False):
            read(people)
    assert audit_addresses_purge(now=now, days=90) == 1
    assert audit_addresses_purge(now=now, days=90) == 0
    kept = dict(AuditEntry.objects.values_list("at", "address"))
    assert kept == {now - timedelta(days=91): None, now - timedelta(days=89): "192.0.2.10"}


def test_the_purge_takes_its_days_from_the_settings(people: Personas, settings: object) -> None:
    read(people)
    settings.AUDIT_ADDRESS_DAYS = 0  # type: ignore[attr-defined]
    assert audit_addresses_purge() == 1
    assert AuditEntry.objects.get().address is None


def test_the_purge_refuses_negative_days(db: None) -> None:
    with pytest.raises(ValueError, match="0 days or more"):
        audit_addresses_purge(days=-1)


# who sees what


def test_a_coach_sees_their_clients_entries_only(people: Personas) -> None:
    read(people)
    audit_read(via=PAGE, user=people.other_coach, client=people.other_client, what="client")
    assert [e.client_id for e in trail_for(people.coach)] == [people.client.id]
    assert [e.client_id for e in trail_for(people.other_coach)] == [people.other_client.id]


def test_a_client_sees_the_entries_about_them(people: Personas) -> None:
    read(people)
    audit_read(via=PAGE, user=people.coach, client=people.other_client, what="client")
    mine = trail_for(people.client_user)
    assert [(e.user_id, e.user_name) for e in mine] == [(people.coach.id, "Coach")]  # type: ignore[attr-defined]
    assert list(trail_for(people.solo)) == []


def test_the_address_is_shown_for_ones_own_accesses_only(people: Personas) -> None:
    read(people)
    audit_read(via=API, user=people.client_user, client=people.client, what="today")
    for viewer, own in ((people.coach, "192.0.2.10"), (people.client_user, "192.0.2.11")):
        shown = {e.shown_address for e in trail_for(viewer)}  # type: ignore[attr-defined]
        assert shown == {own, None}


def test_names_are_looked_up_now(people: Personas) -> None:
    read(people)
    User.objects.filter(id=people.coach.id).update(name="Coach Carter")
    Client.objects.filter(id=people.client.id).update(name="Ana Zoë")
    entry = trail_for(people.coach).get()
    assert (entry.user_name, entry.client_name) == ("Coach Carter", "Ana Zoë")  # type: ignore[attr-defined]


def test_days_filter_in_the_sites_time_zone(people: Personas) -> None:
    for day in (21, 22, 23):
        with time_machine.travel(datetime(2026, 11, day, 23, 59, tzinfo=UTC), tick=False):
            read(people)
    wanted = TrailFilter(since=datetime(2026, 11, 22).date(), until=datetime(2026, 11, 22).date())
    assert [e.at.day for e in trail_for(people.coach, wanted)] == [22]
    far = TrailFilter(since=datetime(1, 1, 1).date(), until=datetime(9999, 12, 31).date())
    assert trail_for(people.coach, far).count() == 3
