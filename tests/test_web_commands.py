"""`selfmob demo` and `selfmob serve` as a user runs them: real processes, a real server."""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.support.commands import SELFMOB, env_for, selfmob


def test_demo_loads_once(tmp_path: Path) -> None:
    first = selfmob("demo", env=env_for(tmp_path))
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded: coach@demo.test" in first.stdout
    again = selfmob("demo", env=env_for(tmp_path))
    assert "already present" in again.stdout


def test_demo_refuses_in_production(tmp_path: Path) -> None:
    production = env_for(
        tmp_path,
        SELFMOB_LOCAL="0",
        SELFMOB_SECRET_KEY=secrets.token_urlsafe(50),
        SELFMOB_ALLOWED_HOSTS="selfmob.example",
    )
    result = selfmob("demo", env=production)
    assert result.returncode == 2
    assert (
        result.stderr
        == "selfmob: error: refusing to load demo data in production (SELFMOB_LOCAL=0)\n"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_the_given_port(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(SELFMOB), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env_for(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/healthz", seconds=30)
        assert json.loads(body) == {"ok": True}
        assert (tmp_path / "selfmob.sqlite3").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get_when_up(url: str, *, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_migrations_started_together_on_an_empty_database_all_succeed(tmp_path: Path) -> None:
    """`selfmob migrate` takes a lock (a file beside SQLite, an advisory lock on PostgreSQL):
    three started at the same moment all finish, one doing the work."""
    runs = [
        subprocess.Popen([str(SELFMOB), "migrate"], env=env_for(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]  # fmt: skip
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert all("the database is up to date" in err for _, err in outputs)
    with contextlib.closing(sqlite3.connect(tmp_path / "selfmob.sqlite3")) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"selfmob_cache", "clinic_ratecount", "django_session"} <= tables
