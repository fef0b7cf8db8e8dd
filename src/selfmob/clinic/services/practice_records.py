"""A `selfmob.practice` document read from a file one record at a time (lib/json_stream), each
checked on its own (practice_schema), so that a file of any size needs a few MiB of memory.

The records are the screenings, assessments, plans and sessions of each client, then the
client's own fields (`ClientIn`, its lists empty), and, last, the document's own fields
(`PracticeIn`, with the coach; its clients empty). The keys of an object may come in any
order; a key that the schema does not know is passed over, however large, and named.
`document_passes` reads a document from its start once per pass of the import.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.services.practice_schema import (
    KEY_TWICE,
    NOT_AN_OBJECT,
    NOT_JSON,
    NOT_UTF8,
    AssessmentIn,
    ClientIn,
    PlanIn,
    PracticeIn,
    Problem,
    Record,
    ScreeningIn,
    SessionIn,
    check_header,
    parse_record,
)
from selfmob.lib.json_stream import JsonError, JsonStream, KeyTwice, Readable, ValueTooLarge

TOO_LARGE = "{error}: larger than any record of a selfmob document"
Document = bytes | str | Mapping[str, object] | Readable
LISTS: dict[str, type[Record]] = {
    "screenings": ScreeningIn,
    "assessments": AssessmentIn,
    "plans": PlanIn,
    "sessions": SessionIn,
}
DOCUMENT_KEYS = {field.alias or name for name, field in PracticeIn.model_fields.items()}
CLIENT_KEYS = set(ClientIn.model_fields)


@dataclass(frozen=True)
class Found:
    """One record: checked (`record`) or not (`problems`, each under its path)."""

    seq: int  # where the record starts, counted in records: problems are listed in this order
    path: str
    client: int  # the index of its client; -1 for the document's own fields
    record: Record | None
    problems: list[Problem]
    size: int  # in characters of JSON


def practice_records(file: Readable) -> Iterator[Found]:
    """Every record, in the order above; `InvalidInput` for a file that is not a document:
    not UTF-8, not JSON, a key twice in an object, another schema or a newer version."""
    stream = JsonStream(file)
    try:
        yield from _Walk(stream).document()
        stream.end()
    except UnicodeDecodeError:
        raise InvalidInput.one("document", NOT_UTF8) from None
    except KeyTwice as exc:
        raise InvalidInput.one("document", KEY_TWICE.format(key=exc.key)) from None
    except (JsonError, RecursionError) as exc:
        raise InvalidInput.one("document", NOT_JSON.format(error=exc)) from None
    except ValueTooLarge as exc:
        raise InvalidInput.one("document", TOO_LARGE.format(error=exc)) from None


class Reading:
    """A file read from a place (`at`), with a checksum of what was read (the import makes
    sure that both its passes read the same)."""

    def __init__(self, file: Readable, *, at: int | None = None) -> None:
        if at is not None and isinstance(file, io.IOBase):
            file.seek(at)
        self.file = file
        self.hash = hashlib.blake2b()

    def read(self, size: int, /) -> bytes:
        data = self.file.read(size)
        self.hash.update(data)
        return data

    def digest(self) -> bytes:
        return self.hash.digest()


@contextmanager
def document_passes(document: Document) -> Iterator[Callable[[], Reading]]:
    """A way to read the document from its start, once per pass. What can be read only once
    (standard input, a pipe) is copied to a temporary file as the first pass reads it."""
    if isinstance(document, Mapping):
        try:
            document = json.dumps(dict(document))
        except (TypeError, ValueError, RecursionError) as exc:
            raise InvalidInput.one("document", NOT_JSON.format(error=exc)) from None
    if isinstance(document, str):
        document = document.encode("utf-8", "surrogatepass")  # lone surrogates: not UTF-8
    file = io.BytesIO(document) if isinstance(document, bytes) else document
    if isinstance(file, io.IOBase) and file.seekable():
        start = file.tell()
        yield lambda: Reading(file, at=start)
        return
    with tempfile.TemporaryFile() as copy:
        yield lambda: Reading(copy, at=0) if copy.tell() else Reading(_Copied(file, copy))


class _Copied:
    def __init__(self, source: Readable, copy: IO[bytes]) -> None:
        self.source, self.copy = source, copy

    def read(self, size: int, /) -> bytes:
        data = self.source.read(size)
        self.copy.write(data)
        return data


class _Walk:
    def __init__(self, stream: JsonStream) -> None:
        self.stream = stream
        self.count = itertools.count()

    def document(self) -> Iterator[Found]:
        seq = next(self.count)
        if self.stream.peek() != "{":
            self.stream.skip()  # what is not JSON at all is named so first
            raise InvalidInput.one("document", NOT_AN_OBJECT)
        fields: dict[str, object] = {}
        for key in self.stream.members():
            if key == "clients" and self.stream.peek() == "[":
                if "schema" in fields and "version" in fields:  # as early as the file allows
                    check_header(fields)
                fields[key] = []
                for i in self.stream.elements():
                    yield from self.client(i)
            else:
                fields[key] = self.known(key, DOCUMENT_KEYS)
        check_header(fields)
        yield self.found(PracticeIn, fields, "", seq, -1)

    def client(self, index: int) -> Iterator[Found]:
        path, seq = f"clients[{index}]", next(self.count)
        if self.stream.peek() != "{":
            yield self.found(ClientIn, self.stream.value(), path, seq, index)
            return
        fields: dict[str, object] = {}
        for key in self.stream.members():
            model = LISTS.get(key)
            if model is not None and self.stream.peek() == "[":
                fields[key] = []
                for i in self.stream.elements():
                    at = f"{path}.{key}[{i}]"
                    yield self.found(model, self.stream.value(), at, next(self.count), index)
            else:
                fields[key] = self.known(key, CLIENT_KEYS)
        yield self.found(ClientIn, fields, path, seq, index)

    def known(self, key: str, keys: set[str]) -> object:
        """The value of a key the schema knows; an unknown key's is passed over (and named)."""
        if key in keys:
            return self.stream.value()
        self.stream.skip()
        return None

    def found(self, model: type[Record], value: object, path: str, seq: int, client: int) -> Found:
        text = json.dumps(value)
        record, problems = parse_record(model, text, path)
        return Found(seq, path, client, record, problems, len(text))
