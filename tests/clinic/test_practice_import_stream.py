"""`practice_import` of documents too large to hold: read a record at a time, checked to the
last record, written all or nothing, in a few MiB of memory (tests/support/documents.py)."""

from __future__ import annotations

import io
import json
import re
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.exports.document import practice_document
from selfmob.clinic.models import Clearance, Client, Session, User
from selfmob.clinic.services import practice_import as importer
from selfmob.clinic.services.practice_import import practice_import
from tests.support.documents import write_practice
from tests.support.factories import Practice, build_practice, empty_database

Doc = dict[str, Any]
CLIENTS, SESSIONS = 20, 200  # about 2 MB
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def template(practice: Practice) -> Doc:
    doc = practice_document(practice.coach)
    empty_database()
    return doc


def big(template: Doc, path: Path, *, clients: int = CLIENTS, sessions: int = SESSIONS) -> Path:
    with path.open("w", encoding="utf-8") as out:
        write_practice(template, out, clients=clients, sessions=sessions)
    return path


def refused(document: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        practice_import(document)
    assert not User.objects.exists()
    assert not Session.objects.exists()
    return caught.value.fields


def change_last(path: Path, key: str, value: str) -> str:
    """Give `key` of the document's last record this value; the path of that key."""
    text = path.read_text(encoding="utf-8")
    at = text.rindex(f'"{key}": ')
    end = min(text.index(",", at), text.index("}", at))
    path.write_text(text[:at] + f'"{key}": {value}' + text[end:], encoding="utf-8")
    return f"clients[{CLIENTS - 1}].sessions[{SESSIONS - 1}].{key}"


def test_a_big_document_imports_whole(template: Doc, tmp_path: Path) -> None:
    with big(template, tmp_path / "big.json").open("rb") as file:
        summary = practice_import(file)
    assert (summary.clients, summary.sessions) == (CLIENTS, CLIENTS * SESSIONS)
    assert Session.objects.count() == CLIENTS * SESSIONS
    assert set(Client.objects.values_list("screening_status", flat=True)) == {"clear"}


def test_a_document_cut_short_near_its_end_writes_nothing(template: Doc, tmp_path: Path) -> None:
    path = big(template, tmp_path / "big.json")
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(size - 200)  # inside the last session
    with path.open("rb") as file:
        message = refused(file)["document"]
    assert message.startswith("not valid JSON: ")
    where = int(re.findall(r"\(char (\d+)\)", message)[0])
    assert where > size - 1000  # read to the end before refusing


def test_an_error_in_the_last_record_is_found(template: Doc, tmp_path: Path) -> None:
    path = big(template, tmp_path / "big.json")
    where = change_last(path, "pain_during", "11")
    with path.open("rb") as file:
        assert refused(file) == {where: "must be 10 or less"}


def test_a_reference_in_the_last_record_is_checked(template: Doc, tmp_path: Path) -> None:
    path = big(template, tmp_path / "big.json")
    where = change_last(path, "plan_item", f'"{UNKNOWN}"')
    with path.open("rb") as file:
        assert refused(file) == {where: "names no plan item of this client"}


def test_an_id_taken_in_the_database_by_the_last_record(template: Doc, tmp_path: Path) -> None:
    path = big(template, tmp_path / "big.json")
    build_practice(tag="-2")
    taken = str(Session.objects.values_list("id", flat=True).first())
    text = path.read_text(encoding="utf-8")
    last = re.findall(r'\{"id": "([0-9a-f-]+)", "idempotency_key"', text)[-1]
    path.write_text(text.replace(last, taken), encoding="utf-8")
    before = Session.objects.count()
    with pytest.raises(InvalidInput) as caught, path.open("rb") as file:
        practice_import(file)
    assert caught.value.fields == {
        f"clients[{CLIENTS - 1}].sessions[{SESSIONS - 1}].id": (
            "a record with this id already exists in this database"
        )
    }
    assert Session.objects.count() == before


def test_the_keys_may_come_in_any_order(template: Doc) -> None:
    """`jq -S` puts `clients` before `coach` and a client's `account` and lists before its
    `id`: the checks and the rows wait for what comes later."""
    summary = practice_import(json.dumps(template, sort_keys=True))
    assert (summary.accounts, summary.clients, summary.sessions) == (2, 2, 4)
    assert Client.objects.get(email="ben@example.test").screening_status == "clear"


def test_an_unknown_key_is_named_however_large(template: Doc) -> None:
    template["attachments"] = [{"blob": "x" * 1000} for _ in range(2000)]  # 2 MB
    assert refused(template) == {"attachments": "unknown key"}


def test_a_document_changed_between_the_passes_writes_nothing(
    template: Doc, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = io.BytesIO(json.dumps(template).encode())
    checked = importer._collisions

    def then_changed(index: Any) -> None:  # runs between the two passes
        checked(index)
        file.getbuffer()[file.getvalue().index(b"Ana")] = ord("B")

    monkeypatch.setattr(importer, "_collisions", then_changed)
    assert refused(file) == {
        "document": "the document changed while it was imported: nothing was written"
    }


def test_the_document_is_never_held_whole(template: Doc, tmp_path: Path) -> None:
    """Python's own allocations while a 20 MB document is checked and written stay within a
    few MiB (reading it whole took about five times its size). Long clearance notes make up
    most of the file, so that the test is quick under tracemalloc."""
    ben = template["clients"][1]
    ben["screenings"][0]["clearance"]["note"] = "seen and cleared; " * 22_000  # 396 KB
    path = big(template, tmp_path / "big.json", clients=100, sessions=10)
    assert path.stat().st_size > 18_000_000
    tracemalloc.start()
    try:
        with path.open("rb") as file:
            practice_import(file)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert Clearance.objects.count() == 50
    assert peak < 4 * 2**20
