"""Backups in tests: a PostgreSQL database of a test's own, reading what a backup holds,
changing one as a bad disk or a careless hand would, and a process that keeps writing.

The PostgreSQL server is SELFMOB_TEST_DATABASE_URL or DATABASE_URL (the PostgreSQL pass of
`make test` sets the latter). With neither, the tests that need one skip: they run in that
pass. A server that is named but cannot be reached fails them under CI=true.

Run as a script (`python -m tests.support.backups`), it is the writer: it makes a practice
through the services, then logs sessions one after another and prints each session's id
once it is committed, until it is stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.support.commands import env_for

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("SELFMOB_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL", "")


def postgres_server() -> str:
    """The PostgreSQL server's URL, or skip (fail under CI=true when it cannot be reached)."""
    if not SERVER_URL:
        pytest.skip("no PostgreSQL server: set SELFMOB_TEST_DATABASE_URL (make test does)")
    try:
        psycopg.connect(_admin(SERVER_URL), connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL at {urlsplit(SERVER_URL).hostname} cannot be reached: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs the PostgreSQL backup tests: {reason}")
        pytest.skip(reason)
    return SERVER_URL


def _admin(server: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path="/postgres"))


@contextlib.contextmanager
def fresh_postgres(server: str) -> Iterator[str]:
    """The URL of an empty database of its own on the server, dropped after."""
    name = f"selfmob_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(_admin(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def installation(data_dir: Path, database_url: str = "") -> dict[str, str]:
    """The environment of a `selfmob` process: SQLite in `data_dir`, or PostgreSQL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return env_for(data_dir, DATABASE_URL=database_url) if database_url else env_for(data_dir)


def manifest(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        found: dict[str, Any] = json.loads(archive.read("manifest.json"))
        return found


def digests(path: Path) -> dict[str, tuple[int, str]]:
    """Each table's row count and checksum, as the manifest gives them."""
    return {t["name"]: (t["rows"], t["digest"]) for t in manifest(path)["tables"]}


def rows(path: Path, table: str) -> list[list[Any]]:
    with zipfile.ZipFile(path) as archive:
        lines = archive.read(f"tables/{table}.jsonl").splitlines()
    return [json.loads(line) for line in lines]


def column(path: Path, table: str, name: str) -> list[Any]:
    columns: list[str] = next(t for t in manifest(path)["tables"] if t["name"] == table)["columns"]
    index = columns.index(name)
    return [row[index] for row in rows(path, table)]


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of a zip with each member passed through `change` (None leaves it out)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
    return target


def with_manifest(source: Path, target: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        found = json.loads(data)
        edit(found)
        return json.dumps(found).encode()

    return rewrite(source, target, change)


def forged(source: Path, target: Path, table: str, edit: Callable[[list[Any]], None]) -> Path:
    """A backup whose rows of `table` were edited, and whose manifest was made to match:
    every checksum agrees, so only the database can refuse it."""
    from selfmob.clinic.backup import RowDigest, encode_row

    member = f"tables/{table}.jsonl"
    edited = rows(source, table)
    for row in edited:
        edit(row)
    lines = [encode_row(row) for row in edited]
    data = b"".join(line + b"\n" for line in lines)
    digest = RowDigest()
    for line in lines:
        digest.add(line)

    def change(name: str, old: bytes) -> bytes:
        if name == member:
            return data
        if name != "manifest.json":
            return old
        found = json.loads(old)
        found["members"][member] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        entry = next(t for t in found["tables"] if t["name"] == table)
        entry["digest"] = digest.hexdigest
        return json.dumps(found).encode()

    return rewrite(source, target, change)


def start_writer(env: dict[str, str]) -> subprocess.Popen[str]:
    """The writer (see the module's docstring) as a process of `selfmob`'s environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.backups"],
        cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def acknowledged(writer: subprocess.Popen[str], count: int) -> list[str]:
    """The next `count` session ids the writer reports as committed."""
    assert writer.stdout is not None
    ids = [writer.stdout.readline().strip() for _ in range(count)]
    if "" in ids:
        raise RuntimeError(f"the writer stopped (exit status {writer.wait(10)})")
    return ids


def _write_forever() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfmob.settings")
    django.setup()
    from selfmob.clinic.migrating import migrate_locked

    migrate_locked()
    from selfmob.clinic.models import PlanItem
    from tests.support.factories import build_practice, log
    from tests.support.personas import TODAY

    practice = build_practice()
    item = PlanItem.objects.filter(plan__client=practice.ana, removed_at=None).first()
    assert item is not None
    while True:
        print(log(item, TODAY, 7.0, 8.0, 1).id, flush=True)


if __name__ == "__main__":
    _write_forever()
