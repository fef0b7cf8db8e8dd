from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selfmob.clinic.exports.tables import COLUMNS, cell, client_csv, practice_csv
from selfmob.clinic.models import Measurement, Session
from selfmob.clinic.services.accounts import client_create
from tests.support.factories import Practice


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_header_names_every_column_in_order(practice: Practice) -> None:
    text = practice_csv(practice.coach)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert text.endswith("\r\n")


def test_one_row_per_measurement_and_per_session(practice: Practice) -> None:
    table = rows(practice_csv(practice.coach))
    coach = practice.coach
    assert (
        sum(r["record"] == "measurement" for r in table)
        == Measurement.objects.filter(assessment__client__coach=coach).count()
    )
    assert (
        sum(r["record"] == "session" for r in table)
        == Session.objects.filter(client__coach=coach).count()
    )


def test_a_client_table_holds_only_that_client(practice: Practice) -> None:
    table = rows(client_csv(practice.solo))
    assert {r["client_id"] for r in table} == {str(practice.solo.id)}
    assert [r["record"] for r in table] == ["session"]


def test_rows_go_client_by_client_then_by_day(practice: Practice) -> None:
    table = rows(practice_csv(practice.coach))
    clients = [r["client_id"] for r in table]
    assert clients == sorted(clients, key=[str(practice.ana.id), str(practice.ben.id)].index)
    ana_days = [r["date"] for r in table if r["client_id"] == str(practice.ana.id)]
    assert ana_days == sorted(ana_days)


def test_a_measurement_row(practice: Practice) -> None:
    table = rows(client_csv(practice.ana))
    right = next(r for r in table if r["record"] == "measurement" and r["side"] == "right")
    assert (right["value"], right["trial_1"], right["trial_2"], right["trial_3"]) == (
        "7.25",
        "7.0",
        "7.5",
        "",
    )
    assert (right["instrument"], right["position"], right["measured_by"]) == (
        "tape-measure",
        "knee to wall",
        "Coach Carter",
    )
    assert right["pre"] == right["verdict"] == ""


def test_a_session_row(practice: Practice) -> None:
    table = rows(client_csv(practice.ana))
    over = next(r for r in table if r["over_limit"] == "true")
    session = Session.objects.get(id=over["id"])
    assert over["record"] == "session"
    assert over["technique_id"] == session.technique_id == "ankle-belt-self-mwm"
    assert (over["pain_during"], over["pain_limit"], over["pain_next_day"]) == ("3", "1", "")
    assert (over["pre"], over["post"], over["change"]) == ("7.5", "7.5", "0.0")
    assert over["mdc"] == repr(session.mdc)
    assert over["verdict"] == "within_error"
    assert over["value"] == ""
    assert (over["measured_by"], over["readings"]) == ("self", "1")
    assert (over["mdc_level"], over["mdc_source"]) == (session.mdc_level, session.mdc_source)
    assert over["mdc_source"]


def test_the_pain_at_rest_is_in_its_column(practice: Practice) -> None:
    ana = rows(client_csv(practice.ana))
    assert [r["pain_rest"] for r in ana if r["record"] == "session"] == ["0", "0", "0"]
    [older] = [r for r in rows(client_csv(practice.ben)) if r["record"] == "session"]
    assert older["pain_rest"] == ""


def test_next_day_pain_is_in_its_column(practice: Practice) -> None:
    table = rows(client_csv(practice.ana))
    assert [r["pain_next_day"] for r in table if r["record"] == "session"] == ["", "", "4"]


def test_free_text_cannot_start_a_formula(practice: Practice) -> None:
    table = rows(client_csv(practice.ben))
    measurement = next(r for r in table if r["record"] == "measurement")
    assert measurement["client_name"] == '\'=HYPERLINK("http://x")'
    assert measurement["measured_by"] == "'@coach"
    assert measurement["position"] == "'-prone"


def test_negative_numbers_stay_numbers(practice: Practice) -> None:
    table = rows(client_csv(practice.ben))
    measurement = next(r for r in table if r["record"] == "measurement")
    session = next(r for r in table if r["record"] == "session")
    assert (measurement["trial_1"], measurement["value"]) == ("-5.0", "-5.0")
    assert session["pre"] == "-5.0"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "\ufffdx"),
        ("\rx", "\ufffdx"),
        ("a=b", "a=b"),
        ("", ""),
        (-1.5, "-1.5"),
        (0, "0"),
        (True, "true"),
        (None, ""),
    ],
)
def test_cells(value: str | float | bool | None, text: str) -> None:
    assert cell(value) == text


def test_names_in_any_script_survive(practice: Practice) -> None:
    table = rows(client_csv(practice.ana))
    assert {r["client_name"] for r in table} == {"Ana Zoë"}


def test_an_empty_practice_has_only_the_header(practice: Practice) -> None:
    client_create(coach=practice.coach, name="New", email="new@example.test")
    text = client_csv(practice.coach.clients.get(email="new@example.test"))
    assert text == ",".join(COLUMNS) + "\r\n"


def test_the_query_count_does_not_grow_with_clients(practice: Practice) -> None:
    with CaptureQueriesContext(connection) as few:
        practice_csv(practice.coach)
    for n in range(3):
        client_create(coach=practice.coach, name=f"Extra {n}", email=f"x{n}@example.test")
    with CaptureQueriesContext(connection) as more:
        practice_csv(practice.coach)
    assert len(more) == len(few)
