"""Text stored with control characters (before the entrances refused them, or written into
the database directly) cannot break an export: each format encodes what it writes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from icalendar import Calendar

from selfmob.clinic.exports.ical import plan_calendar
from selfmob.clinic.models import Assessment, Clearance, Client, Measurement, User
from selfmob.clinic.services.calendar import calendar_feed_create
from selfmob.clinic.text import printable, text_problem
from tests.support.api import Api
from tests.support.factories import Practice
from tests.support.pdf import pdf_text
from tests.support.personas import TODAY

# No NUL: PostgreSQL cannot store one at all (the entrances refuse it; tests/clinic/test_text.py).
NAME = "Ana\r\nX-EVIL:1\x0b\x1b[2J\u2028\x7fZoë"
NOTE = "Seen by Dr Who.\r\n\tGo ahead.\x07"
FORMATS = ["ics", "csv", "fhir", "json", "pdf"]
CONTROL_BUT_TAB = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


@pytest.fixture
def stored(practice: Practice) -> Practice:
    """Every free text of the practice holds control characters, written past the rule."""
    Client.objects.update(name=NAME)
    User.objects.update(name=NAME)
    Clearance.objects.update(note=NOTE)
    Assessment.objects.update(measured_by=NAME)
    Measurement.objects.update(position=NAME)
    for client in (practice.ana, practice.ben, practice.solo):
        client.refresh_from_db()
    return practice


def content_lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    return body[:-2].split(b"\r\n")


@pytest.mark.parametrize("who", ["ana", "ben", "solo"])
def test_the_calendar_writes_the_name_escaped_on_its_own_line(stored: Practice, who: str) -> None:
    body = plan_calendar(getattr(stored, who), today=TODAY, base_url="http://testserver")
    lines = content_lines(body)
    assert not any(CONTROL_BUT_TAB.search(line) for line in lines)  # RFC 5545: only HTAB
    assert not any(line.startswith(b"X-EVIL") for line in lines)
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == f"Self-mobilization: {printable(NAME)}"
    assert str(calendar["NAME"]) == f"Self-mobilization: {printable(NAME)}"


def test_the_calendar_feed_answers(stored: Practice) -> None:
    _, token = calendar_feed_create(client=stored.ana, created_by=stored.coach)
    response = HttpClient().get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    assert "X-EVIL" not in [line[:6] for line in response.content.decode().split("\r\n")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_of_the_api_answers(stored: Practice, fmt: str) -> None:
    for who in ("ana", "ben", "solo"):
        client_id = getattr(stored, who).id
        response = Api(stored.coach).get(f"/clients/{client_id}/export?format={fmt}")
        if who == "solo":  # not the coach's client
            assert response.status_code == 404
        else:
            assert response.status_code == 200, response.content


def test_the_csv_keeps_one_line_per_record(stored: Practice) -> None:
    response = Api(stored.coach).get(f"/clients/{stored.ana.id}/export?format=csv")
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(text.split("\r\n")) == len(rows) + 2  # header, rows, the last line end
    assert {row["client_name"] for row in rows} == {printable(NAME)}
    assessments = [row for row in rows if row["record"] == "measurement"]
    assert {row["measured_by"] for row in assessments} == {printable(NAME)}


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_the_fhir_bundle_is_valid_and_its_strings_have_no_controls(stored: Practice) -> None:
    response = Api(stored.coach).get(f"/clients/{stored.ben.id}/export?format=fhir")
    Bundle.model_validate_json(response.content)
    data = json.loads(response.content)
    patient = next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert patient["name"][0]["text"] == printable(NAME)
    texts = strings(data)
    assert f"Clearance recorded: {printable(NOTE, multiline=True)}" in texts
    assert [t for t in texts if text_problem(t, multiline=True)] == []


def test_the_json_document_keeps_the_stored_text_exactly(stored: Practice) -> None:
    """It is the round-trip format: JSON escapes every control character."""
    response = Api(stored.coach).get(f"/clients/{stored.ana.id}/export?format=json")
    assert json.loads(response.content)["clients"][0]["name"] == NAME


@pytest.mark.parametrize("pdf", ["plan", "progress"])
def test_the_pdfs_render_the_name(stored: Practice, pdf: str, tmp_path: Path) -> None:
    response = Api(stored.coach).get(f"/clients/{stored.ana.id}/export?format=pdf&pdf={pdf}")
    assert response.status_code == 200
    assert "X-EVIL:1" in pdf_text(response.content, tmp_path)
