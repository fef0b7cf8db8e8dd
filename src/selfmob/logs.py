"""Secrets in URLs stay out of the logs: the calendar feed, invite and password-reset links
carry their token in the path, and both gunicorn's access log and Django's request log write
paths."""

from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"/(calendar|invite|password-reset)/[^/\s?\"]+")


def redact(text: str) -> str:
    """`/calendar/abc.ics` becomes `/calendar/[secret]`."""
    return SECRET_PATH.sub(r"/\1/[secret]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(str(record.msg))
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        return True
