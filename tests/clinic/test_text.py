"""The one rule for names and free text (clinic/text.py)."""

from __future__ import annotations

import doctest
import unicodedata

import pytest

from selfmob.clinic import text
from selfmob.clinic.text import (
    LINE_REFUSED,
    REPLACEMENT,
    TEXT_REFUSED,
    TextRefused,
    checked_line,
    checked_text,
    printable,
    text_problem,
)

BMP = [chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
CONTROLS = {c for c in BMP if unicodedata.category(c) == "Cc"}
SEPARATORS = {"\u2028", "\u2029"}


def test_a_line_refuses_every_control_character_and_the_line_separators() -> None:
    refused = {c for c in BMP if text_problem(c) is not None}
    assert refused == CONTROLS | SEPARATORS


def test_text_over_lines_refuses_the_controls_but_line_feed_and_tab() -> None:
    refused = {c for c in BMP if text_problem(c, multiline=True) is not None}
    assert refused == CONTROLS - {"\n", "\t"}


def test_the_control_characters_are_those_of_the_bmp_only() -> None:
    beyond = (chr(cp) for cp in range(0x10000, 0x110000, 97))
    assert not any(unicodedata.category(c) == "Cc" for c in beyond)


@pytest.mark.parametrize(
    "value", ["Ana Zoë", "O'Brien-Łukasz", "=HYPERLINK()", "李小龍", "", "a\u00a0b", "🙂"]
)
def test_names_without_controls_pass_unchanged(value: str) -> None:
    assert checked_line(value) == value


@pytest.mark.parametrize(
    ("value", "char"),
    [
        ("Ana\r\nX-EVIL:1", "U+000D"),
        ("Ana\nBen", "U+000A"),
        ("Ana\tBen", "U+0009"),
        ("Ana\x00", "U+0000"),
        ("\x1b[31mAna", "U+001B"),
        ("Ana\x7f", "U+007F"),
        ("Ana\x85", "U+0085"),
        ("Ana\u2028Ben", "U+2028"),
        ("Ana\u2029Ben", "U+2029"),
    ],
)
def test_a_line_names_the_first_character_it_refuses(value: str, char: str) -> None:
    with pytest.raises(TextRefused) as refused:
        checked_line(value)
    assert str(refused.value) == LINE_REFUSED.format(char=char)


def test_a_refusal_is_a_value_error_for_pydantic() -> None:
    assert issubclass(TextRefused, ValueError)


def test_text_keeps_line_feeds_and_tabs_and_makes_crlf_lf() -> None:
    assert checked_text("seen by Dr Who\r\n\tgo ahead\nok") == "seen by Dr Who\n\tgo ahead\nok"


@pytest.mark.parametrize(("value", "char"), [("a\rb", "U+000D"), ("a\x00b", "U+0000")])
def test_text_refuses_a_lone_carriage_return_and_other_controls(value: str, char: str) -> None:
    with pytest.raises(TextRefused) as refused:
        checked_text(value)
    assert str(refused.value) == TEXT_REFUSED.format(char=char)


def test_text_allows_line_separators() -> None:
    assert checked_text("a\u2028b") == "a\u2028b"


def test_printable_replaces_what_a_line_refuses() -> None:
    assert printable("Ana\r\nX\x00\u2028") == "Ana" + REPLACEMENT * 2 + "X" + REPLACEMENT * 2


def test_printable_text_keeps_its_lines() -> None:
    assert printable("a\r\nb\tc\x07", multiline=True) == "a\nb\tc" + REPLACEMENT


def test_printable_values_pass_the_rule() -> None:
    every = "".join(BMP[:0x3000])
    assert text_problem(printable(every)) is None
    assert text_problem(printable(every, multiline=True), multiline=True) is None


def test_the_examples_in_the_module_docstring_hold() -> None:
    assert doctest.testmod(text).failed == 0
