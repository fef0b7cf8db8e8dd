"""Bring the database up to date from any number of processes at once.

Instances started together on an empty database would each run `migrate` and collide on the
first CREATE TABLE. Here one runs it while the others wait on a lock, then find nothing left
to do: a PostgreSQL advisory lock (shared by every host on that database), or a file lock
beside the SQLite file (SQLite is one host's anyway)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
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
    if static and not settings.LOCAL:
        with _file_lock(Path(settings.STATIC_ROOT).parent / ".collectstatic-lock"):
            _collect_static()


def _collect_static() -> None:
    """Collect (and compress) the static files, unless this folder already holds exactly
    these sources: collecting takes 10-16 s of CPU even when nothing changed, which a restart
    after a crash should not wait for."""
    stamp = Path(settings.STATIC_ROOT) / ".selfmob-sources"
    sources = _static_sources()
    if stamp.exists() and stamp.read_text() == sources:
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(sources)


def _static_sources() -> str:
    """A digest of every static source file (path, size, modification time) and of the
    settings that shape what is collected."""
    digest = hashlib.sha256(repr(settings.STORAGES["staticfiles"]).encode())
    digest.update(repr(settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS).encode())
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            info = os.stat(storage.path(path))
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()
