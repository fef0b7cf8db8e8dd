"""Tokens in calendar, invite and password-reset paths never reach a log."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest

from selfmob.gunicorn_conf import RedactingLogger
from selfmob.logs import RedactSecrets, redact


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("GET /calendar/Zx9_secret-token.ics HTTP/1.1", "GET /calendar/[secret] HTTP/1.1"),
        ("/invite/abcDEF123", "/invite/[secret]"),
        ("/password-reset/MQ/c2v-abc", "/password-reset/[secret]"),
        (
            '"GET /password-reset/MQ/c2v-abc?x=1 HTTP/1.1"',
            '"GET /password-reset/[secret]?x=1 HTTP/1.1"',
        ),
        ("/password-reset/MQ/set-password", "/password-reset/[secret]"),
        ("/password-reset/sent", "/password-reset/sent"),
        ("GET /password-reset/done HTTP/1.1", "GET /password-reset/done HTTP/1.1"),
        ("/password-reset/doner", "/password-reset/[secret]"),
        ("http://h/invite/tok", "http://h/invite/[secret]"),
        ("GET /invite%2Ftok HTTP/1.1", "GET /invite/[secret] HTTP/1.1"),
        ("/%63alendar/tok.ics", "/calendar/[secret]"),
        ("/password-reset%2FMQ%2Ftok", "/password-reset/[secret]"),
        ("/login?next=%2Finvite%2Ftok", "/login?next=/invite/[secret]"),
        ("/invite%2Ftok%0AFAKE", "/invite/[secret]?FAKE"),  # no forged line
        ("/search?q=a%20b", "/search?q=a%20b"),  # nothing secret: left as it came
        ("/clients/1f0e/progress", "/clients/1f0e/progress"),
    ],
)
def test_paths_lose_their_secret(path: str, kept: str) -> None:
    assert redact(path) == kept


def test_the_request_log_filter_redacts_message_and_arguments() -> None:
    args = ("/calendar/abc.ics",)
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1,
                               "Internal Server Error: %s", args, None)  # fmt: skip
    assert RedactSecrets().filter(record)
    assert record.getMessage() == "Internal Server Error: /calendar/[secret]"


def test_the_access_log_redacts_the_request_line_and_referer() -> None:
    logger = RedactingLogger(SimpleNamespace(  # the few settings Logger reads
        errorlog="-", accesslog=None, loglevel="info", syslog=False, capture_output=False,
        logconfig=None, logconfig_dict=None, logconfig_json=None, access_log_format="%(r)s",
        disable_redirect_access_to_syslog=False, user=0, group=0, dogstatsd_tags="",
        statsd_host=None,
    ))  # fmt: skip
    path = "/calendar/abc.ics"
    request = SimpleNamespace(method="GET", path=path, query="", uri=path, version=(1, 1),
                              headers=[])  # fmt: skip
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": path, "QUERY_STRING": "",
               "HTTP_REFERER": "http://127.0.0.1/invite/abc"}  # fmt: skip
    atoms = logger.atoms(response, request, environ, timedelta(seconds=0.01))
    assert atoms["r"] == "GET /calendar/[secret] HTTP/1.1"
    assert "abc" not in atoms["U"]
    assert atoms["f"] == "http://127.0.0.1/invite/[secret]"


def test_the_filter_redacts_mapping_arguments() -> None:
    record = logging.LogRecord("django.security.csrf", logging.WARNING, __file__, 1,
                               "Forbidden: %(path)s", ({"path": "/invite/abc"},), None)  # fmt: skip
    assert RedactSecrets().filter(record)
    assert record.getMessage() == "Forbidden: /invite/[secret]"
