"""Bring the database up to date from any number of processes at once.

Instances started together on an empty database would each run `migrate` and collide on the
first CREATE TABLE. Here one runs it while the others wait on a lock, then find nothing left
to do: a PostgreSQL advisory lock (shared by every host on that database), or a file lock
beside the SQLite file (SQLite is one host's anyway)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

# Any fixed 64-bit number, the same in every process: it names the lock, nothing else.
ADVISORY_LOCK = 0x5E1F_0B00_0001


@contextlib.contextmanager
def _migration_lock() -> Iterator[None]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
            try:
                yield
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])
        return
    with _file_lock(Path(str(connection.settings_dict["NAME"])).with_suffix(".migrate-lock")):
        yield


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate_locked(*, static: bool = False) -> None:
    """Migrate and make the cache table the shared state needs, under the database's lock;
    then (for a production server) collect the static files under a lock of the data folder
    they go to, so hosts with folders of their own collect at the same time."""
    with _migration_lock():
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
    connection.close()  # gunicorn's workers open their own
    if static and not settings.DEBUG:
        with _file_lock(Path(settings.STATIC_ROOT).parent / ".collectstatic-lock"):
            call_command("collectstatic", interactive=False, verbosity=0)
