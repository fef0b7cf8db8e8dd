"""The API refuses control characters in names and free text (clinic/text.py) with 400 in
the error shape, naming the field, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from selfmob.clinic.models import Assessment, Clearance, Client
from selfmob.clinic.services.screening import screening_record
from selfmob.clinic.text import LINE_REFUSED, TEXT_REFUSED
from tests.support.api import Api
from tests.support.factories import answers
from tests.support.personas import Personas


def refused(response: Any, field: str) -> str:
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == f"{field}: {error['fields'][field]}"
    return str(error["fields"][field])


@pytest.mark.parametrize(
    ("field", "value", "char"),
    [
        ("name", "Ana\r\nX-EVIL:1", "U+000D"),
        ("name", "Ana\nZoë", "U+000A"),
        ("name", "Ana\u2028Zoë", "U+2028"),
        ("name", "Ana\x00", "U+0000"),
        ("name", "\x1b[31mAna", "U+001B"),
        ("name", "Ana\x85Zoë", "U+0085"),
        ("email", "ana\r\n@example.test", "U+000D"),
        ("email", "ana\u2029@example.test", "U+2029"),
    ],
)
def test_a_client_with_a_control_character_is_refused(
    people: Personas, coach_api: Api, field: str, value: str, char: str
) -> None:
    before = Client.objects.count()
    body = {"name": "Cleo", "email": "cleo@example.test"} | {field: value}
    response = coach_api.post("/clients", body)
    assert refused(response, field) == LINE_REFUSED.format(char=char)
    assert Client.objects.count() == before


def test_a_line_break_at_either_end_of_a_name_is_trimmed(people: Personas, coach_api: Api) -> None:
    response = coach_api.post("/clients", {"name": "\r\nCleo\n", "email": "cleo@example.test"})
    assert response.status_code == 201
    assert response.json()["name"] == "Cleo"


@pytest.fixture
def referred(people: Personas) -> Personas:
    screening_record(
        client=people.client, answers=answers(refer=True), neck=False, recorded_by=people.coach
    )
    return people


def test_a_clearance_note_with_a_control_character_is_refused(
    referred: Personas, coach_api: Api
) -> None:
    response = coach_api.post(f"/clients/{referred.client.id}/clearance", {"note": "ok\x07 go"})
    assert refused(response, "note") == TEXT_REFUSED.format(char="U+0007")
    assert not Clearance.objects.exists()


def test_a_clearance_note_keeps_its_lines(referred: Personas, coach_api: Api) -> None:
    note = "Seen by Dr Who.\r\n\tGo ahead."
    response = coach_api.post(f"/clients/{referred.client.id}/clearance", {"note": note})
    assert response.status_code == 201
    assert response.json()["clearance"]["note"] == "Seen by Dr Who.\n\tGo ahead."


def assessment(**changes: Any) -> dict[str, Any]:
    measurement = {
        "test_id": "wblt-distance",
        "side": "right",
        "trials": [7.0],
        "instrument": "tape-measure",
        "position": "knee to wall",
    }
    measurement |= changes.pop("measurement", {})
    return {"measured_on": "2026-11-20", "measured_by": "Coach", "measurements": [measurement]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (assessment() | {"measured_by": "Coach\rCarter"}, "measured_by"),
        (assessment(measurement={"position": "knee\nto wall"}), "measurements[0].position"),
    ],
    ids=["measured_by", "position"],
)
def test_an_assessment_with_a_line_break_is_refused(
    screened: Personas, coach_api: Api, body: dict[str, Any], field: str
) -> None:
    response = coach_api.post(f"/clients/{screened.client.id}/assessments", body)
    assert refused(response, field).startswith("must be one line without control characters")
    assert not Assessment.objects.exists()


def test_a_position_longer_than_the_column_is_refused(screened: Personas, coach_api: Api) -> None:
    body = assessment(measurement={"position": "x" * 201})
    response = coach_api.post(f"/clients/{screened.client.id}/assessments", body)
    assert refused(response, "measurements[0].position")
    assert not Assessment.objects.exists()
