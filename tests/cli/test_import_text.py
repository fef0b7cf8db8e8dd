"""`selfmob import` of a file whose names hold control characters: exit 2, the rule's
message under the field's path, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from selfmob.clinic.exports.document import document_json, practice_document
from selfmob.clinic.models import Client, User
from selfmob.clinic.text import LINE_REFUSED
from tests.support.commands import Run
from tests.support.factories import Practice, empty_database


def test_a_name_with_a_line_break_exits_2_and_writes_nothing(
    practice: Practice, run: Callable[..., Run], tmp_path: Path
) -> None:
    doc = practice_document(practice.coach)
    doc["clients"][0]["name"] = "Ana\r\nX-EVIL:1"
    file = tmp_path / "practice.json"
    file.write_text(document_json(doc), encoding="utf-8")
    empty_database()
    result = run("import", str(file))
    message = LINE_REFUSED.format(char="U+000D")
    assert (result.code, result.out) == (2, "")
    assert result.err == f"selfmob: error: clients[0].name: {message}\n"
    assert not User.objects.exists()
    assert not Client.objects.exists()
