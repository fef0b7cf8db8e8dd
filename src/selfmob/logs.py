"""Secrets in URLs stay out of the logs: the calendar feed, invite and password-reset links
carry their token in the path, and both gunicorn's access log and Django's request log write
paths."""

from __future__ import annotations

import logging
import re

# Everything after these prefixes up to a space, quote or query is secret, except the reset
# pages that carry none ("sent", "done"). A reset link has two segments (user id and token),
# and Django's reset page moves on to /password-reset/<user id>/set-password.
SECRET_PATH = re.compile(
    r"/(calendar|invite|password-reset)/(?!(?:sent|done)(?:[\s?\"]|$))[^\s?\"]+"
)


def redact(text: str) -> str:
    """`/calendar/abc.ics` becomes `/calendar/[secret]`; so do a reset link's both parts."""
    return SECRET_PATH.sub(r"/\1/[secret]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(str(record.msg))
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        return True
