"""lib/json_stream: the same values and errors as `json.loads`, whatever the chunk size."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest

from selfmob.lib.json_stream import JsonError, JsonStream, KeyTwice, ValueTooLarge

SAMPLE = {
    "text": 'a "quoted" \\ back\u00e9 \U0001f600 \\u0000',
    "numbers": [0, -1, 2.5e-10, 12345678901234567890, -0.0, 1e300],
    "odd": [float("inf"), float("-inf")],
    "nested": {"a": [[], {}, [{"b": None}], True, False]},
}
CHUNKS = [1, 2, 7, 65536]


def stream(text: str | bytes, **options: Any) -> JsonStream:
    data = text.encode() if isinstance(text, str) else text
    return JsonStream(io.BytesIO(data), **options)


def walk(reader: JsonStream) -> Any:
    """Every object and array streamed, every other value decoded whole."""
    char = reader.peek()
    if char == "{":
        return {key: walk(reader) for key in reader.members()}
    if char == "[":
        return [walk(reader) for _ in reader.elements()]
    return reader.value()


def read(text: str | bytes, **options: Any) -> Any:
    reader = stream(text, **options)
    value = walk(reader)
    reader.end()
    return value


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("indent", [None, 2])
def test_it_reads_what_json_loads_reads(chunk: int, indent: int | None) -> None:
    text = json.dumps(SAMPLE, indent=indent)
    assert json.dumps(read(text, chunk=chunk)) == json.dumps(json.loads(text))


@pytest.mark.parametrize("chunk", CHUNKS)
def test_values_read_whole_are_json_loads_values(chunk: int) -> None:
    reader = stream(json.dumps([SAMPLE, "NaN", math.pi]), chunk=chunk)
    assert [reader.value() for _ in reader.elements()] == [SAMPLE, "NaN", math.pi]


BROKEN = [
    "", "  ", "{", "{not json", "[1,]", '{"a": 1,}', '{"a" 1}', '{"a": 1 "b": 2}', "[1 2]",
    '{"a": tru}', '{"a": "x', "{} x", '{"a": [1, 2}', '"\\x"', '{"a": "\x01"}', "[-]",
    '{"a": 1e}', '[\n  1,\n  2\n  3\n]',
]  # fmt: skip


@pytest.mark.parametrize("chunk", [1, 3, 65536])
@pytest.mark.parametrize("text", BROKEN)
def test_errors_are_those_of_json_loads(text: str, chunk: int) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(JsonError) as caught:
        read(text, chunk=chunk)
    assert str(caught.value) == str(expected.value)


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '[{"b": {"a": 1, "a": 2}}]'])
def test_a_key_twice_in_one_object_is_refused(text: str) -> None:
    with pytest.raises(KeyTwice) as caught:
        read(text, chunk=2)
    assert caught.value.key == "a"


def test_a_value_longer_than_the_limit_is_refused_with_where_it_starts() -> None:
    reader = stream('[\n "' + "x" * 100 + '"]', max_value=50, chunk=8)
    next(reader.elements())
    with pytest.raises(
        ValueTooLarge, match=r"more than 50 characters at line 2 column 2 \(char 3\)"
    ):
        reader.value()


def test_skip_passes_over_objects_and_arrays_of_any_size() -> None:
    reader = stream(json.dumps({"big": [["x" * 40] * 100], "small": 1}), max_value=50, chunk=8)
    found = {}
    for key in reader.members():
        if key == "big":
            reader.skip()
        else:
            found[key] = reader.value()
    reader.end()
    assert found == {"small": 1}


def test_a_byte_order_mark_is_skipped() -> None:
    assert read(b"\xef\xbb\xbf" + b'{"a": 1}', chunk=1) == {"a": 1}


def test_text_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(UnicodeDecodeError):
        read(b'{"a": "\xff"}', chunk=3)
