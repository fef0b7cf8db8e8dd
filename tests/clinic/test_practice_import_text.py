"""`selfmob import` refuses control characters in names and free text (clinic/text.py),
naming the path of each, and writes nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.exports.document import practice_document
from selfmob.clinic.models import Clearance, Client, User
from selfmob.clinic.services.practice_import import practice_import
from selfmob.clinic.text import LINE_REFUSED, TEXT_REFUSED
from tests.support.factories import Practice, empty_database

Doc = dict[str, Any]


@pytest.fixture
def doc(practice: Practice) -> Doc:
    """The practice's document, taken before the database is emptied."""
    exported = practice_document(practice.coach)
    empty_database()
    return copy.deepcopy(exported)


def refused(doc: Doc) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        practice_import(doc)
    assert not User.objects.exists()
    assert not Client.objects.exists()
    return caught.value.fields


def cleared(doc: Doc) -> tuple[int, int]:
    """Where the clearance is: the client's index and its screening's."""
    for i, client in enumerate(doc["clients"]):
        for j, screening in enumerate(client["screenings"]):
            if screening["clearance"] is not None:
                return i, j
    raise AssertionError("the practice has a clearance")


def set_coach_name(doc: Doc, value: str) -> str:
    doc["coach"]["name"] = value
    return "coach.name"


def set_client_name(doc: Doc, value: str) -> str:
    doc["clients"][0]["name"] = value
    return "clients[0].name"


def set_client_email(doc: Doc, value: str) -> str:
    doc["clients"][0]["email"] = "ana" + value + "@example.test"
    return "clients[0].email"


def set_account_name(doc: Doc, value: str) -> str:
    doc["clients"][0]["account"]["name"] = value
    return "clients[0].account.name"


def set_measured_by(doc: Doc, value: str) -> str:
    doc["clients"][0]["assessments"][0]["measured_by"] = value
    return "clients[0].assessments[0].measured_by"


def set_position(doc: Doc, value: str) -> str:
    doc["clients"][0]["assessments"][0]["measurements"][0]["position"] = value
    return "clients[0].assessments[0].measurements[0].position"


SETTERS = [
    set_coach_name,
    set_client_name,
    set_client_email,
    set_account_name,
    set_measured_by,
    set_position,
]


@pytest.mark.parametrize("where", SETTERS, ids=lambda f: f.__name__[4:])
@pytest.mark.parametrize(
    ("value", "char"),
    [("Ana\r\nX-EVIL:1", "U+000D"), ("A\u2028Z", "U+2028"), ("Ana\x00", "U+0000")],
)
def test_a_line_with_a_control_character_is_refused(
    doc: Doc, where: Callable[[Doc, str], str], value: str, char: str
) -> None:
    path = where(doc, value)
    assert refused(doc) == {path: LINE_REFUSED.format(char=char)}


def test_a_clearance_note_with_a_control_character_is_refused(doc: Doc) -> None:
    i, j = cleared(doc)
    doc["clients"][i]["screenings"][j]["clearance"]["note"] = "seen\x1b[2J by Dr Who"
    path = f"clients[{i}].screenings[{j}].clearance.note"
    assert refused(doc) == {path: TEXT_REFUSED.format(char="U+001B")}


def test_a_clearance_note_keeps_its_lines(doc: Doc) -> None:
    i, j = cleared(doc)
    doc["clients"][i]["screenings"][j]["clearance"]["note"] = "Seen by Dr Who.\r\n\tGo ahead."
    practice_import(doc)
    assert Clearance.objects.get().note == "Seen by Dr Who.\n\tGo ahead."
