"""`selfmob import` reads its document as it goes: from a file, a pipe or standard input,
with the size limit (SELFMOB_IMPORT_MAX_MIB) applied to each."""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from selfmob.clinic.exports.document import document_json, practice_document
from selfmob.clinic.models import Client, Session
from tests.support.commands import Run
from tests.support.factories import Practice, empty_database

Runner = Callable[..., Run]


@pytest.fixture
def document(practice: Practice) -> bytes:
    text = document_json(practice_document(practice.coach))
    empty_database()
    return text.encode()


@pytest.fixture
def pipe(document: bytes) -> Iterator[str]:
    """The document behind a pipe's path (as `<(zcat practice.json.gz)` gives one)."""
    read, write = os.pipe()

    def send() -> None:
        with os.fdopen(write, "wb") as out:
            out.write(document)

    sender = threading.Thread(target=send)
    sender.start()
    yield f"/dev/fd/{read}"
    sender.join()
    os.close(read)


def test_a_pipe_is_read_once_and_imported(pipe: str, run: Runner) -> None:
    result = run("import", pipe)
    assert (result.code, result.err) == (0, "")
    assert Session.objects.count() == 4


def test_standard_input_over_the_limit_is_refused(
    document: bytes, run: Runner, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.IMPORT_MAX_MIB = 0
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(document)))
    result = run("import", "-")
    assert (result.code, result.err) == (
        2,
        "selfmob: error: - is larger than 0 MiB: too large to import\n",
    )
    assert not Client.objects.exists()


def test_a_document_cut_short_exits_2_and_writes_nothing(
    document: bytes, run: Runner, tmp_path: Path
) -> None:
    file = tmp_path / "cut.json"
    file.write_bytes(document[:-40])
    result = run("import", str(file))
    assert result.code == 2
    assert result.err.startswith("selfmob: error: document: not valid JSON: ")
    assert result.err.count("\n") == 1
    assert not Client.objects.exists()
