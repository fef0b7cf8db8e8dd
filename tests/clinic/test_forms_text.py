"""The pages' forms refuse control characters in names and free text (clinic/text.py), show
the rule's message next to the field, and write nothing."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from selfmob.clinic.models import ApiToken, Assessment, Clearance, Client, User
from selfmob.clinic.services.screening import screening_record
from selfmob.clinic.text import LINE_REFUSED, TEXT_REFUSED
from tests.support.factories import answers, assessment_form
from tests.support.personas import PASSWORD, Personas, as_

CR = LINE_REFUSED.format(char="U+000D")


@pytest.mark.parametrize("page", ["signup", "signup_solo"])
@pytest.mark.parametrize(
    ("field", "value", "char"),
    [
        ("name", "Ana\r\nX-EVIL:1", "U+000D"),
        ("name", "Ana\u2028Zoë", "U+2028"),
        ("name", "Ana\x00", "U+0000"),
        ("email", "ana\u2028@example.test", "U+2028"),
    ],
)
def test_sign_up_refuses_a_control_character(
    db: None, page: str, field: str, value: str, char: str
) -> None:
    data = {"name": "Ana", "email": "ana@example.test", "password": PASSWORD, "consent": "on"}
    response = HttpClient().post(reverse(page), data | {field: value})
    assert response.status_code == 400
    assert LINE_REFUSED.format(char=char) in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["name", "email"])
def test_a_new_client_refuses_a_line_break(people: Personas, field: str) -> None:
    data = {"name": "Cleo", "email": "cleo@example.test"}
    data[field] = data[field] + "\r\nX"
    response = as_(people, "owner").post(reverse("client_new"), data)
    assert response.status_code == 400
    assert CR in response.content.decode()
    assert not Client.objects.filter(email__startswith="cleo").exists()


@pytest.fixture
def referred(people: Personas) -> Personas:
    screening_record(
        client=people.client, answers=answers(refer=True), neck=False, recorded_by=people.coach
    )
    return people


def test_a_clearance_note_refuses_control_characters(referred: Personas) -> None:
    url = reverse("clearance", args=[referred.client.id])
    response = as_(referred, "owner").post(url, {"note": "seen by Dr Who\x1b[2J, go ahead"})
    assert response.status_code == 400
    assert TEXT_REFUSED.format(char="U+001B") in response.content.decode()
    assert not Clearance.objects.exists()


def test_a_clearance_note_keeps_its_lines_as_line_feeds(referred: Personas) -> None:
    url = reverse("clearance", args=[referred.client.id])
    note = "Seen by Dr Who.\r\n\tNo fracture: go ahead."
    assert as_(referred, "owner").post(url, {"note": note}).status_code == 302
    assert Clearance.objects.get().note == "Seen by Dr Who.\n\tNo fracture: go ahead."


@pytest.mark.parametrize(
    ("data", "char"),
    [
        (assessment_form() | {"measured_by": "Coach\nCarter"}, "U+000A"),
        (assessment_form(position="knee\rto wall"), "U+000D"),
    ],
    ids=["measured_by", "position"],
)
def test_an_assessment_refuses_a_line_break(
    screened: Personas, data: dict[str, str], char: str
) -> None:
    url = reverse("assessment_new", args=[screened.client.id])
    response = as_(screened, "owner").post(url, data)
    assert response.status_code == 400
    assert LINE_REFUSED.format(char=char) in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_token_name_refuses_a_tab(people: Personas) -> None:
    response = as_(people, "owner").post(reverse("account"), {"name": "practice\tsoftware"})
    assert response.status_code == 400
    assert LINE_REFUSED.format(char="U+0009") in response.content.decode()
    assert not ApiToken.objects.exists()
