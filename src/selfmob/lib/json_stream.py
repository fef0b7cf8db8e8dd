"""Read one large JSON document a piece at a time, never the whole text in memory.

The caller walks into the objects and arrays it expects to be large (`members`, `elements`);
every other value is decoded whole by the standard library's decoder (`value`), or passed
over (`skip`), so numbers, strings, `NaN` and `Infinity`, and the error messages are those of
`json.loads`. A key twice in one object is refused (`KeyTwice`). A value decoded whole may be
at most `max_value` characters long (`ValueTooLarge`), which bounds the memory a reader needs
(the buffer holds one chunk and the value being decoded):

    stream = JsonStream(file)
    for key in stream.members():              # the top-level object, key by key
        if key == "rows":
            for i in stream.elements():       # a large array, element by element
                handle(i, stream.value())     # each element decoded whole
        else:
            other[key] = stream.value()
    stream.end()                              # nothing but whitespace after it

Why not `ijson` (yajl, from PyPI): it refuses `NaN` and `Infinity`, which `json.loads` reads
and a strict schema then names by their path (`clients[0].sessions[3].pre: not a finite
number`), and its messages span several lines and quote the file.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any, Protocol

CHUNK = 1 << 16
MAX_VALUE = 1 << 20
WHITESPACE = " \t\n\r"
LOOKAHEAD = 16  # longer than a token cut short may look (`-Infinit`, `\\u00`, `1.5e`)


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class JsonError(ValueError):
    """Not valid JSON; the message is `json.loads`'s, with the line, column and character."""


class KeyTwice(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class ValueTooLarge(ValueError):
    """A value read whole is longer than `max_value` characters; the message says where."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise KeyTwice(key)
        result[key] = value
    return result


class JsonStream:
    """UTF-8 JSON (a byte-order mark is skipped) read from `file` in chunks; a decoding error
    raises `UnicodeDecodeError`."""

    def __init__(self, file: Readable, *, max_value: int = MAX_VALUE, chunk: int = CHUNK) -> None:
        self._file = file
        self._chunk = chunk
        self._utf8 = codecs.getincrementaldecoder("utf-8-sig")()
        self._decoder = json.JSONDecoder(object_pairs_hook=_unique_keys)
        self._max_value = max_value
        self._buffer = ""
        self._pos = 0  # in the buffer
        self._dropped = 0  # characters read and dropped before the buffer
        self._line = 1  # the line number at the buffer's start
        self._line_start = 0  # where that line starts (as a count of characters)
        self._eof = False

    def peek(self) -> str:
        """The next character that is not whitespace, not consumed; "" at the end."""
        while True:
            while self._pos < len(self._buffer) and self._buffer[self._pos] in WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buffer) or not self._fill():
                return self._buffer[self._pos : self._pos + 1]

    def members(self) -> Iterator[str]:
        """Each key of the object that starts here; the caller reads its value before the next."""
        self._expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        seen: set[str] = set()
        while True:
            if self.peek() != '"':
                raise self._error("Expecting property name enclosed in double quotes")
            key = self._string()
            if key in seen:
                raise KeyTwice(key)
            seen.add(key)
            if self.peek() != ":":
                raise self._error("Expecting ':' delimiter")
            self._pos += 1
            yield key
            if not self._next_or_end("}"):
                return

    def elements(self) -> Iterator[int]:
        """The index of each element of the array that starts here; the caller reads it."""
        self._expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if not self._next_or_end("]"):
                return

    def value(self) -> Any:
        """The value that starts here, decoded whole."""
        if self.peek() == "":
            raise self._error("Expecting value")
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as exc:
                if self._eof or not self._cut_short(exc):
                    raise self._error(exc.msg, exc.pos) from None
            else:  # a number may go on past the buffer (`-2` of `-2.5`): decode it again
                if self._eof or end + LOOKAHEAD <= len(self._buffer):
                    self._pos = end
                    return value
            self._read_more()

    def skip(self) -> None:
        """Pass over the value that starts here, however large its objects and arrays."""
        char = self.peek()
        if char == "{":
            for _ in self.members():
                self.skip()
        elif char == "[":
            for _ in self.elements():
                self.skip()
        else:
            self.value()

    def end(self) -> None:
        """Only whitespace is left."""
        if self.peek() != "":
            raise self._error("Extra data")

    def _expect(self, char: str) -> None:
        if self.peek() != char:
            raise self._error("Expecting value")
        self._pos += 1

    def _next_or_end(self, closing: str) -> bool:
        """After a member or element: True at a comma, False at the closing bracket."""
        char = self.peek()
        self._pos += 1
        if char == ",":
            return True
        if char == closing:
            return False
        self._pos -= 1
        raise self._error("Expecting ',' delimiter")

    def _string(self) -> str:
        while True:
            try:
                text, end = json.decoder.scanstring(self._buffer, self._pos + 1)  # type: ignore[attr-defined]
            except json.JSONDecodeError as exc:
                if self._eof or not self._cut_short(exc):
                    raise self._error(exc.msg, exc.pos) from None
                self._read_more()
                continue
            self._pos = end
            return str(text)

    def _cut_short(self, exc: json.JSONDecodeError) -> bool:
        """Whether the error may come from the buffer ending mid-value: at a string that does
        not end, or at most a token's length before the end (`-Infinit`, `tru`, `\\u00`)."""
        return exc.msg.startswith("Unterminated string") or exc.pos + LOOKAHEAD >= len(self._buffer)

    def _read_more(self) -> None:
        """Read more of the value that starts at the current position (which moves to the
        buffer's start); `ValueTooLarge` once it is longer than `max_value`."""
        if len(self._buffer) - self._pos > self._max_value + LOOKAHEAD:
            where = self._where(self._pos)
            raise ValueTooLarge(f"a value of more than {self._max_value:,} characters at {where}")
        self._fill()

    def _fill(self) -> bool:
        """Append the next chunk to the buffer, first dropping what was read; False at the end."""
        if self._eof:
            return False
        self._drop_read()
        data = self._file.read(self._chunk)
        self._eof = not data
        self._buffer += self._utf8.decode(data, final=self._eof)
        return not self._eof

    def _drop_read(self) -> None:
        read = self._buffer[: self._pos]
        newlines = read.count("\n")
        if newlines:
            self._line += newlines
            self._line_start = self._dropped + read.rindex("\n") + 1
        self._dropped += self._pos
        self._buffer = self._buffer[self._pos :]
        self._pos = 0

    def _where(self, pos: int) -> str:
        before = self._buffer[:pos]
        line = self._line + before.count("\n")
        line_start = self._dropped + before.rindex("\n") + 1 if "\n" in before else self._line_start
        char = self._dropped + pos
        return f"line {line} column {char - line_start + 1} (char {char})"

    def _error(self, message: str, pos: int | None = None) -> JsonError:
        return JsonError(f"{message}: {self._where(self._pos if pos is None else pos)}")
