"""Secrets in URLs stay out of the logs: the calendar feed, invite and password-reset links
carry their token in the path, and both gunicorn's access log and Django's request log write
paths."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from urllib.parse import unquote

# Everything after these prefixes up to a space, quote or query is secret, except the reset
# pages that carry none ("sent", "done"). A reset link has two segments (user id and token),
# and Django's reset page moves on to /password-reset/<user id>/set-password.
SECRET_PATH = re.compile(
    r"/(calendar|invite|password-reset)/(?!(?:sent|done)(?:[\s?\"]|$))[^\s?\"]+"
)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def redact(text: str) -> str:
    """`/calendar/abc.ics` becomes `/calendar/[secret]`; so do a reset link's both parts, and
    the same paths written with percent-escapes (`/invite%2Fabc`, `/%63alendar/...`), which
    the server decodes and serves alike: such text is logged decoded, then redacted, with
    control characters shown as `?` so a decoded line break cannot forge a log line."""
    plain = SECRET_PATH.sub(r"/\1/[secret]", text)
    decoded = unquote(plain)
    if decoded == plain or not SECRET_PATH.search(decoded):
        return plain
    return _CONTROL.sub("?", SECRET_PATH.sub(r"/\1/[secret]", decoded))


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(str(record.msg))
        if isinstance(record.args, Mapping):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_redacted(a) for a in record.args)
        return True


def _redacted(value: object) -> object:
    return redact(value) if isinstance(value, str) else value
