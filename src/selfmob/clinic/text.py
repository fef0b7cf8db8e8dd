"""Which characters names and free text may hold: one rule for every entrance (the pages'
forms, the API's schemas, `selfmob import`), and the same rule for what the exports write.

A single-line value (a name, who measured, where the phone sat, a token's name) holds no
control character, i.e. nothing of Unicode category Cc (U+0000-U+001F and U+007F-U+009F:
NUL, tab, line feed, carriage return, escape, delete, the C1 controls), and no line or
paragraph separator (U+2028, U+2029). Free text over several lines (a clearance note) may
also hold line feeds and tabs; its CRLF line ends, as browsers send a text area, become LF
before the check. Nothing here imports Django or pydantic: each entrance wraps
`checked_line` and `checked_text` in its own kind of error.

    >>> checked_line("Ana Zoë")
    'Ana Zoë'
    >>> checked_line("Ana\\r\\nX-EVIL:1")
    Traceback (most recent call last):
    ...
    selfmob.clinic.text.TextRefused: must be one line without control characters (found U+000D)
    >>> checked_text("seen by Dr Who\\r\\n\\tgo ahead")
    'seen by Dr Who\\n\\tgo ahead'
    >>> printable("Ana\\r\\nX")
    'Ana��X'
"""

from __future__ import annotations

import re

LINE_REFUSED = "must be one line without control characters (found {char})"
TEXT_REFUSED = "must not hold control characters other than line breaks and tabs (found {char})"
REPLACEMENT = "\ufffd"
"""What an export writes in place of a character the rule refuses (a value stored before the
rule, or written straight into the database)."""

_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Category Cc is exactly these two ranges (fixed since Unicode 1.1; a test checks it)."""


class TextRefused(ValueError):
    """A value the rule refuses; the message says which character, e.g. U+000D."""


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """The message for the first character `value` may not hold, or None when it is fine."""
    found = (_TEXT if multiline else _LINE).search(value)
    if found is None:
        return None
    template = TEXT_REFUSED if multiline else LINE_REFUSED
    return template.format(char=f"U+{ord(found.group()):04X}")


def checked_line(value: str) -> str:
    """`value` unchanged, or `TextRefused` (a ValueError, which pydantic reports as such)."""
    problem = text_problem(value)
    if problem is not None:
        raise TextRefused(problem)
    return value


def checked_text(value: str) -> str:
    """`value` with CRLF line ends made LF, or `TextRefused`."""
    value = value.replace("\r\n", "\n")
    problem = text_problem(value, multiline=True)
    if problem is not None:
        raise TextRefused(problem)
    return value


def printable(value: str, *, multiline: bool = False) -> str:
    """`value` with every character the rule refuses replaced by U+FFFD, for an export: a
    stored value can then never break the format's own line structure."""
    if multiline:
        value = value.replace("\r\n", "\n")
    return (_TEXT if multiline else _LINE).sub(REPLACEMENT, value)
