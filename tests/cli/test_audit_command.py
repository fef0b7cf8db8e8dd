"""`selfmob audit`: the whole trail as text or JSON, its filters and the purge of old
addresses; and what `selfmob export` and `selfmob import` leave in it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from selfmob.clinic.models import AuditEntry
from selfmob.clinic.services.audit import Interface, Origin, audit_read
from tests.support.commands import Run
from tests.support.factories import Practice, empty_database

Runner = Callable[..., Run]
COACH = "coach@example.test"
PAGE = Origin(Interface.PAGE, "192.0.2.10")


def seen(practice: Practice) -> None:
    """The coach read Ana's and Ben's records; Ana read her own."""
    audit_read(via=PAGE, user=practice.coach, client=[practice.ana, practice.ben], what="progress")
    assert practice.ana.user is not None
    audit_read(via=PAGE, user=practice.ana.user, client=practice.ana, what="today")


def rows(result: Run) -> list[list[str]]:
    assert (result.code, result.err) == (0, ""), result.err
    return [line.split("\t") for line in result.out.splitlines()]


def test_the_trail_as_text(practice: Practice, run: Runner) -> None:
    seen(practice)
    header, *lines = rows(run("audit"))
    assert header == ["when", "kind", "via", "what", "client", "client_id", "who", "who_id",
                      "address"]  # fmt: skip
    assert len(lines) == 3
    ana = practice.ana
    ana_by_coach = next(line for line in lines if line[5] == str(ana.id) and line[3] == "progress")
    assert ana_by_coach[1:5] == ["read", "page", "progress", ana.name]
    assert ana_by_coach[6:] == [practice.coach.name, str(practice.coach.id), "192.0.2.10"]


def test_the_trail_as_json(practice: Practice, run: Runner) -> None:
    seen(practice)
    entries = run("audit", "--json").json()
    assert len(entries) == 3
    assert set(entries[0]) == {"id", "at", "user_id", "user_name", "client_id", "client_name",
                               "kind", "interface", "what", "record_id", "address"}  # fmt: skip
    assert {e["client_name"] for e in entries} == {practice.ana.name, practice.ben.name}


def test_an_empty_trail_is_an_empty_array(practice: Practice, run: Runner) -> None:
    assert run("audit", "--json").json() == []


@pytest.mark.parametrize(
    ("filters", "count"),
    [(["--client", "ana@example.test"], 2), (["--client", "BEN@example.test"], 1),
     (["--user", COACH], 2), (["--kind", "read"], 3), (["--kind", "export"], 0),
     (["--since", "2000-01-01", "--until", "2099-12-31"], 3), (["--until", "2000-01-01"], 0)],
)  # fmt: skip
def test_the_filters(practice: Practice, run: Runner, filters: list[str], count: int) -> None:
    seen(practice)
    assert len(run("audit", "--json", *filters).json()) == count


def test_an_id_filters_too_even_once_its_owner_is_gone(practice: Practice, run: Runner) -> None:
    seen(practice)
    ben = practice.ben.id
    empty_database()
    entries = run("audit", "--json", "--client", str(ben)).json()
    assert [(e["client_id"], e["client_name"]) for e in entries] == [(str(ben), None)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--client", "nobody@example.test"], "no client has the e-mail or id nobody@example.test"),
     (["--user", "nobody@example.test"], "no user has the e-mail nobody@example.test"),
     (["--since", "yesterday"], "invalid day value: 'yesterday'"),
     (["--kind", "peek"], "invalid choice: 'peek'"),
     (["--purge-addresses", "--kind", "read"], "--purge-addresses takes no filters")],
)  # fmt: skip
def test_bad_input_exits_2(practice: Practice, run: Runner, argv: list[str], message: str) -> None:
    result = run("audit", *argv)
    assert (result.code, result.out) == (2, "")
    assert message in result.err


def test_the_purge_blanks_old_addresses(practice: Practice, run: Runner) -> None:
    with time_machine.travel(datetime.now(UTC) - timedelta(days=91), tick=False):
        seen(practice)
    audit_read(via=PAGE, user=practice.coach, client=practice.ana, what="client")
    result = run("audit", "--purge-addresses")
    assert (result.code, result.out) == (
        0,
        "blanked the addresses of 3 entries older than 90 days\n",
    )
    addresses = AuditEntry.objects.values_list("address", flat=True)
    assert sorted(addresses, key=str) == ["192.0.2.10", None, None, None]


# what the export and import commands record


def test_an_export_of_one_client_is_recorded(practice: Practice, run: Runner) -> None:
    assert run("export", "--client", "ana@example.test", "--format", "ics").code == 0
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.interface, entry.what) == ("export", "cli", "ics")
    assert (entry.client_id, entry.user_id, entry.address) == (practice.ana.id, None, None)


def test_an_export_of_a_practice_is_recorded_per_client(practice: Practice, run: Runner) -> None:
    assert run("export", "--coach", COACH, "--format", "csv").code == 0
    exported = AuditEntry.objects.values_list("client_id", "what")
    assert set(exported) == {(practice.ana.id, "csv"), (practice.ben.id, "csv")}


def test_a_refused_export_is_not_recorded(practice: Practice, run: Runner) -> None:
    assert run("export", "--client", "nobody@example.test", "--format", "json").code == 2
    assert not AuditEntry.objects.exists()


def test_an_import_is_recorded_per_client(practice: Practice, run: Runner, tmp_path: Path) -> None:
    file = tmp_path / "practice.json"
    assert run("export", "--coach", COACH, "--format", "json", "--out", str(file)).code == 0
    ids = {practice.ana.id, practice.ben.id}
    empty_database()
    assert run("import", str(file)).code == 0
    imported = AuditEntry.objects.filter(kind="change")
    assert set(imported.values_list("client_id", flat=True)) == ids
    assert set(imported.values_list("interface", "what", "user_id")) == {("cli", "import", None)}


def test_a_refused_import_is_not_recorded(practice: Practice, run: Runner, tmp_path: Path) -> None:
    file = tmp_path / "practice.json"
    file.write_text(json.dumps({"schema": "selfmob.practice", "version": 1}))
    assert run("import", str(file)).code == 2
    assert not AuditEntry.objects.exists()
