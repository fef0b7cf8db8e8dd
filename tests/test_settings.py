"""Settings work with no environment, switch to PostgreSQL by URL, and fail closed."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from selfmob.settings import database_from_url, env_bool, sqlite_database

SELFMOB = Path(sys.executable).with_name("selfmob")
PRODUCTION = {
    "SELFMOB_LOCAL": "0",
    "SELFMOB_SECRET_KEY": secrets.token_urlsafe(50),
    "SELFMOB_ALLOWED_HOSTS": "selfmob.example",
}


def test_a_database_url_selects_postgresql() -> None:
    db = database_from_url("postgres://u:p%40ss@db.example:6543/selfmob")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u", "p@ss", "db.example", "6543", "selfmob",
    )  # fmt: skip


def test_each_test_process_gets_its_own_postgresql_test_database() -> None:
    db = database_from_url("postgres://u@h/selfmob")
    assert db["TEST"] == {"NAME": f"test_selfmob_{os.getpid()}"}


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgres://u@h/"])
def test_bad_database_urls_are_refused(url: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url)


def test_sqlite_is_immediate_and_wal(tmp_path: Path) -> None:
    options = sqlite_database(tmp_path / "x.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"  # type: ignore[index]
    assert "journal_mode=WAL" in options["init_command"]  # type: ignore[index]


def test_malformed_booleans_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFMOB_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SELFMOB_X must be 0 or 1"):
        env_bool("SELFMOB_X", True)


def manage(*argv: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    prefixes = ("SELFMOB_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the browser tests set it
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    clean |= {"SELFMOB_DATA_DIR": str(tmp_path)} | env
    return subprocess.run(
        [str(SELFMOB), "manage", *argv], capture_output=True, text=True, env=clean, check=False
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SELFMOB_SECRET_KEY": ""}, "selfmob.E001"),
        ({"SELFMOB_ALLOWED_HOSTS": ""}, "selfmob.E002"),
        ({"SELFMOB_ALLOWED_HOSTS": "*"}, "selfmob.E003"),
    ],
)
def test_production_fails_closed(tmp_path: Path, env: dict[str, str], message: str) -> None:
    result = manage("check", env=PRODUCTION | env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_works_with_no_environment(tmp_path: Path) -> None:
    result = manage("check", env={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def settings_in(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    code = (
        "import json; from selfmob import settings as s; "
        "print(json.dumps([s.LOCAL, s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT]))"
    )
    prefixes = ("SELFMOB_", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    clean |= {"SELFMOB_DATA_DIR": str(tmp_path)} | env
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean, check=True
    )
    local, debug, hosts, redirect = json.loads(out.stdout)
    return {"local": local, "debug": debug, "hosts": hosts, "redirect": redirect}


@pytest.mark.parametrize(
    ("env", "local", "debug"),
    [
        ({}, True, False),  # make run, a bare selfmob serve: the app's own error pages
        ({"SELFMOB_DEBUG_PAGES": "1"}, True, True),
        ({"SELFMOB_LOCAL": "0", "SELFMOB_DEBUG_PAGES": "1"}, False, False),  # never in production
        ({"SELFMOB_DEBUG": "0"}, False, False),  # the older name of SELFMOB_LOCAL
    ],
)
def test_debug_pages_show_only_when_asked_and_never_in_production(
    tmp_path: Path, env: dict[str, str], local: bool, debug: bool
) -> None:
    found = settings_in(env, tmp_path)
    assert (found["local"], found["debug"]) == (local, debug)
    assert found["redirect"] is not local
    assert (found["hosts"] == ["127.0.0.1", "localhost"]) is local
