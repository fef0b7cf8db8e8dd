"""Two real app instances (`selfmob serve`, gunicorn with 2 workers each) started together on
one fresh PostgreSQL database, as a practice runs them behind a load balancer: once with the
shared state in the database, once in Redis (Debian's redis-server, started here).

They run in the PostgreSQL pass of `make test` (DATABASE_URL or SELFMOB_TEST_DATABASE_URL
names a server whose role may create databases). Without one they skip, except under CI=true.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.support.multi import (
    Cluster,
    environment,
    free_port,
    seed_database,
    start,
    wait_for_port,
    wait_healthy,
)

SERVER_URL = os.environ.get("SELFMOB_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true needs the multi-instance tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server_url() -> str:
    if not SERVER_URL:
        _missing("no PostgreSQL server: set SELFMOB_TEST_DATABASE_URL (make test does)")
    return SERVER_URL


@contextlib.contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """An empty database of its own on the server, dropped after."""
    name = f"selfmob_multi_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(urlsplit(server)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if not Path(REDIS_SERVER).exists():
        _missing("redis-server not found: install Debian's redis-server (make test does)")
    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="module", params=["database", "redis"])
def cluster(
    request: pytest.FixtureRequest, server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    """Both instances started at the same moment on an empty database: each migrates under
    the lock, and both must come up."""
    store = str(request.param)
    redis = request.getfixturevalue("redis_url") if store == "redis" else ""
    tmp = tmp_path_factory.mktemp(f"cluster-{store}")
    with fresh_database(server_url) as database_url:
        env = environment(database_url, tmp, redis)
        a, b = start(env, tmp / "a"), start(env, tmp / "b")
        try:
            for instance in (a, b):
                wait_healthy(instance)
            yield Cluster(a, b, seed_database(env), tmp / "mail", store)
        finally:
            for instance in (a, b):
                instance.process.terminate()
            for instance in (a, b):
                instance.process.wait(20)
