"""Back up the whole installation while it serves, and restore it into an empty one, on
SQLite or PostgreSQL in any combination. The file format is in selfmob.clinic.backup.

Consistency: on SQLite the rows are read from a copy made by the online backup API in one
step (WAL lets writers go on meanwhile); on PostgreSQL from one REPEATABLE READ transaction,
whose snapshot pg_dump shares (`--snapshot`). Either way the backup holds exactly what was
committed when it started.

Rows are read and written through the models of the schema the backup was made at (the
migration state, not today's models), so a backup made before a migration restores: the
empty database is migrated to the backup's state, filled in one transaction, checked against
the manifest, then migrated to today's state.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Field, JSONField, Model
from django.db.utils import load_backend

from selfmob import __version__
from selfmob.clinic.backup import (
    FILES,
    NATIVE,
    Archive,
    ArchiveWriter,
    Manifest,
    RowDigest,
    Schema,
    Source,
    Table,
    encode_row,
    open_archive,
    refused,
    schema_at,
)
from selfmob.clinic.migrating import migrate_locked

NOTHING_TO_BACK_UP = "the database is not set up yet (no migrations applied): nothing to back up"
DATABASE_NEWER = (
    "the database has migrations this selfmob does not know ({names}): back it up with the "
    "selfmob that serves it"
)
NEWER_SCHEMA = (
    "this backup comes from a newer selfmob: its database has migrations this one does not "
    "know ({names}); upgrade selfmob, then restore"
)
SCHEMA_MISMATCH = "the backup does not match its own schema: {reason}"
UNSUPPORTED = "backups need SQLite or PostgreSQL, not {vendor}"
NO_PG_DUMP = (
    "pg_dump is not installed: install the PostgreSQL client (Debian: postgresql-client-15), "
    "or give --portable-only"
)
PG_DUMP_FAILED = "pg_dump failed: {reason}; or give --portable-only to leave its copy out"
CANNOT_WRITE = "cannot write {path}: {reason}"
NOT_EMPTY = (
    "the database is not empty ({table} has rows): a backup restores only into an empty "
    "database; nothing was changed"
)
FILES_NOT_EMPTY = (
    "the uploads folder {path} is not empty: a backup restores only into an empty "
    "installation; nothing was changed"
)
BAD_VALUE = "the backup is damaged: {table}.{column} holds {value!r}"
LOAD_FAILED = "the database refused the backup's rows ({reason}); nothing was restored"
CHECK_FAILED = (
    "after loading, {table} holds {rows} rows whose checksum is not the manifest's "
    "({expected} rows); nothing was restored"
)

MADE_BY_MIGRATE = ("django_content_type", "auth_permission")
"""Filled by `migrate` itself: replaced by the backup's rows, which keep their ids."""
BATCH = 500


@dataclass(frozen=True)
class Snapshot:
    alias: str
    source: Source
    native: str | None


def uploads_root() -> Path:
    """Where the app keeps stored files: MEDIA_ROOT, or `media` in the data folder."""
    media = str(settings.MEDIA_ROOT or "")
    return Path(media) if media else Path(settings.DATA_DIR) / "media"


# --- backup ----------------------------------------------------------------------------------


def backup_create(*, out: Path, native: bool = True) -> Manifest:
    """Write a backup of the database and the stored files to `out`, replacing it only once
    the backup is complete. `native` adds the database's own copy (SQLite file, pg_dump)."""
    out = out.absolute()
    if out.is_dir() or not out.parent.is_dir():
        raise refused(CANNOT_WRITE.format(path=out, reason="no such folder, or a folder"))
    try:
        work = tempfile.TemporaryDirectory(dir=out.parent, prefix=".selfmob-backup-")
    except OSError as exc:
        raise refused(CANNOT_WRITE.format(path=out, reason=exc.strerror or exc)) from None
    with work as folder:
        part = Path(folder) / "backup.zip"
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
            manifest = _write(ArchiveWriter(archive), Path(folder), native)
        with part.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(part, out)
    return manifest


def _write(writer: ArchiveWriter, work: Path, native: bool) -> Manifest:
    with _snapshot(writer, work, native) as snapshot:
        recorder = MigrationRecorder(connections[snapshot.alias])
        applied = sorted(recorder.applied_migrations())
        if not applied:
            raise refused(NOTHING_TO_BACK_UP)
        schema = schema_at(applied, unknown=DATABASE_NEWER)
        tables = [_dump(writer, model, snapshot.alias) for model in schema.models]
    files = _dump_files(writer, uploads_root(), skip=work)
    manifest = Manifest(
        selfmob_version=__version__,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        source=snapshot.source,
        migrations=applied,
        tables=tables,
        files=files,
        native=snapshot.native,
        members=writer.members,
    )
    writer.finish(manifest)
    return manifest


def _dump(writer: ArchiveWriter, model: type[Model], alias: str) -> Table:
    fields = list(model._meta.concrete_fields)
    with writer.table(model._meta.db_table) as sink:
        for values in _rows(model, [f.attname for f in fields], alias):
            sink.write(encode_row(values))
    return Table(
        name=model._meta.db_table,
        model=model._meta.label_lower,
        columns=[str(f.column) for f in fields],
        rows=sink.digest.rows,
        digest=sink.digest.hexdigest,
    )


def _rows(model: type[Model], attnames: list[str], alias: str) -> Iterator[Sequence[Any]]:
    query = model._base_manager.using(alias).order_by().values_list(*attnames)
    return query.iterator(chunk_size=2000)


def _dump_files(writer: ArchiveWriter, root: Path, *, skip: Path) -> list[str]:
    """Every file under the uploads folder but the backup's own work folder (a backup
    written into the uploads folder would hold itself, half written)."""
    if not root.is_dir():
        return []
    names = []
    for path in sorted(root.absolute().rglob("*")):
        if path.is_file() and not path.is_symlink() and skip not in path.parents:
            name = path.relative_to(root.absolute()).as_posix()
            writer.add_file(FILES + name, path)
            names.append(name)
    return names


@contextlib.contextmanager
def _snapshot(writer: ArchiveWriter, work: Path, native: bool) -> Iterator[Snapshot]:
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor == "sqlite":
        with _sqlite_snapshot(writer, work, native) as snapshot:
            yield snapshot
    elif vendor == "postgresql":
        with _postgresql_snapshot(writer, work, native) as snapshot:
            yield snapshot
    else:
        raise refused(UNSUPPORTED.format(vendor=vendor))


@contextlib.contextmanager
def _sqlite_snapshot(writer: ArchiveWriter, work: Path, native: bool) -> Iterator[Snapshot]:
    """A copy by the online backup API in one step: one read transaction, so a consistent
    copy of everything committed before it began, while writers go on (WAL)."""
    base = connections[DEFAULT_DB_ALIAS].settings_dict
    source = Path(str(base["NAME"]))
    if not source.is_file():
        raise refused(NOTHING_TO_BACK_UP)
    copy = work / "selfmob.sqlite3"
    with (
        contextlib.closing(sqlite3.connect(source, timeout=30)) as live,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        live.backup(target)
    member = None
    if native:
        member = NATIVE + "selfmob.sqlite3"
        writer.add_file(member, copy)
    with _connection_alias({**base, "NAME": copy, "OPTIONS": {}}) as alias:
        yield Snapshot(alias, Source("sqlite", sqlite3.sqlite_version), member)


@contextlib.contextmanager
def _postgresql_snapshot(writer: ArchiveWriter, work: Path, native: bool) -> Iterator[Snapshot]:
    """One REPEATABLE READ transaction for every table; pg_dump imports its snapshot."""
    from psycopg import IsolationLevel

    base = connections[DEFAULT_DB_ALIAS].settings_dict
    options = {**base["OPTIONS"], "isolation_level": IsolationLevel.REPEATABLE_READ}
    with _connection_alias({**base, "OPTIONS": options}) as alias, transaction.atomic(alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot_id, version = cursor.fetchone() or ("", "")
        member = None
        if native:
            member = NATIVE + "postgresql.dump"
            writer.add_file(member, _pg_dump(base, snapshot_id, work), compress=False)
        yield Snapshot(alias, Source("postgresql", version), member)


def _pg_dump(database: dict[str, Any], snapshot_id: str, work: Path) -> Path:
    binary = shutil.which("pg_dump")
    if binary is None:
        raise refused(NO_PG_DUMP)
    out = work / "postgresql.dump"
    argv = [binary, "--format=custom", f"--snapshot={snapshot_id}", f"--file={out}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            argv.append(f"{flag}={database[key]}")
    argv.append(f"--dbname={database['NAME']}")
    env = {**os.environ, "PGPASSWORD": str(database.get("PASSWORD") or "")}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise refused(PG_DUMP_FAILED.format(reason=reason))
    return out


@contextlib.contextmanager
def _connection_alias(database: dict[str, Any]) -> Iterator[str]:
    """A connection of its own for the snapshot, known to this thread only and closed after
    (settings.DATABASES is left alone)."""
    alias = f"backup-{uuid.uuid4().hex[:8]}"
    backend = load_backend(database["ENGINE"])
    wrapper = backend.DatabaseWrapper({**database, "CONN_MAX_AGE": 0}, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


# --- restore ---------------------------------------------------------------------------------


def backup_restore(*, path: Path) -> Manifest:
    """Restore a backup into this installation, which must hold no data; everything in the
    file is checked first, and the loaded rows are checked against the manifest after."""
    with open_archive(path) as archive:
        manifest = archive.manifest
        schema = schema_at(manifest.migrations, unknown=NEWER_SCHEMA)
        tables = _matched(manifest, schema)
        root = uploads_root()
        _check_empty(root)
        MigrationExecutor(connections[DEFAULT_DB_ALIAS]).migrate(schema.leaves)
        staging = _stage_files(archive, root)
        try:
            _load(archive, tables)
        except BaseException:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            raise
        _place_files(staging, root)
    migrate_locked()  # today's migrations, the cache table, new content types
    return manifest


def _matched(manifest: Manifest, schema: Schema) -> list[tuple[Table, type[Model]]]:
    by_name = {table.name: table for table in manifest.tables}
    by_table = {model._meta.db_table: model for model in schema.models}
    if by_name.keys() != by_table.keys():
        odd = sorted(by_name.keys() ^ by_table.keys())
        raise refused(SCHEMA_MISMATCH.format(reason=f"tables {', '.join(odd)}"))
    for name, model in by_table.items():
        columns = {f.column for f in model._meta.concrete_fields}
        if set(by_name[name].columns) != columns or len(by_name[name].columns) != len(columns):
            raise refused(SCHEMA_MISMATCH.format(reason=f"the columns of {name}"))
    return [(by_name[model._meta.db_table], model) for model in schema.models]


def _check_empty(root: Path) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    skip = {*MADE_BY_MIGRATE, "django_migrations", *_cache_tables()}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(set(connection.introspection.table_names(cursor)) - skip):
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                raise refused(NOT_EMPTY.format(table=table))
    if root.is_dir() and any(path.is_file() for path in root.rglob("*")):
        raise refused(FILES_NOT_EMPTY.format(path=root))


def _cache_tables() -> set[str]:
    return {
        str(cache["LOCATION"])
        for cache in settings.CACHES.values()
        if str(cache["BACKEND"]).endswith("DatabaseCache")
    }


def _load(archive: Archive, tables: list[tuple[Table, type[Model]]]) -> None:
    """Every table in one transaction, then each one's count and checksum read back."""
    connection = connections[DEFAULT_DB_ALIAS]
    models = [model for _, model in tables]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table, _ in reversed(tables):
                if table.name in MADE_BY_MIGRATE:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table.name)}")
            for table, model in tables:
                with contextlib.closing(archive.rows(table)) as rows:
                    _insert(cursor, connection, rows, table, model)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            for table, model in tables:
                _verify(table, model)
    except DatabaseError as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise refused(LOAD_FAILED.format(reason=reason)) from exc


def _insert(
    cursor: CursorWrapper,
    connection: BaseDatabaseWrapper,
    rows: Iterable[list[Any]],
    table: Table,
    model: type[Model],
) -> None:
    """COPY on PostgreSQL (4x faster than INSERTs there), batched INSERTs on SQLite; through
    the driver's own cursor, as the DEBUG wrapper would format and keep every statement."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    ordered = [fields[column] for column in table.columns]
    prepared = (
        [_prepared(table, f, v, connection) for f, v in zip(ordered, values, strict=True)]
        for values in rows
    )
    quote = connection.ops.quote_name
    target = f"{quote(table.name)} ({', '.join(quote(c) for c in table.columns)})"
    with connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(ordered))})"
        for batch in iter(lambda: list(itertools.islice(prepared, BATCH)), []):
            cursor.cursor.executemany(sql, batch)


def _prepared(
    table: Table, field: Field[Any, Any], raw: Any, connection: BaseDatabaseWrapper
) -> Any:
    if raw is None or isinstance(field, JSONField):
        value = raw
    else:
        try:
            value = field.to_python(raw)
        except ValidationError:
            message = BAD_VALUE.format(table=table.name, column=field.column, value=raw)
            raise refused(message) from None
    return field.get_db_prep_save(value, connection)


def _verify(table: Table, model: type[Model]) -> None:
    fields = {f.column: f for f in model._meta.concrete_fields}
    attnames = [fields[column].attname for column in table.columns]
    digest = RowDigest()
    for values in _rows(model, attnames, DEFAULT_DB_ALIAS):
        digest.add(encode_row(values))
    if (digest.rows, digest.hexdigest) != (table.rows, table.digest):
        message = CHECK_FAILED.format(table=table.name, rows=digest.rows, expected=table.rows)
        raise refused(message)


def _stage_files(archive: Archive, root: Path) -> Path | None:
    """The stored files, unpacked beside the uploads folder until the rows are in."""
    if not archive.manifest.files:
        return None
    staging = root.with_name(f".{root.name}-restoring-{uuid.uuid4().hex[:8]}")
    for name in archive.manifest.files:
        archive.extract(FILES + name, staging / name)
    return staging


def _place_files(staging: Path | None, root: Path) -> None:
    if staging is None:
        return
    if root.is_dir():  # empty but for folders: checked before
        for folder in sorted(root.rglob("*"), reverse=True):
            folder.rmdir()
        root.rmdir()
    os.replace(staging, root)
