"""The backup archive: one zip file that any selfmob database can be restored from.

    manifest.json                 what is inside, written last (see `Manifest`)
    tables/<table>.jsonl          every row of a table, one JSON array a line, in the
                                  manifest's column order: the portable copy restore reads
    native/selfmob.sqlite3        the source's own copy, for a same-database restore by hand:
    native/postgresql.dump        the SQLite online-backup file, or `pg_dump --format=custom`
    files/<path>                  the stored files (uploads), relative to the uploads folder

Every member has a SHA-256 checksum and size in the manifest, so a damaged or edited file is
refused before anything is written. Each table also has a row count and a digest of its
rows' canonical JSON, summed so that it does not depend on row order (SQLite and PostgreSQL
sort text keys differently): restore recomputes both from the database it filled.

The rows belong to the schema of the migrations the manifest lists: `schema_at` gives the
models of that state, in the order a restore fills their tables.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import zipfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from graphlib import CycleError, TopologicalSorter
from pathlib import Path, PurePosixPath
from typing import IO, Any
from uuid import UUID

import msgspec
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model

from selfmob.clinic.errors import InvalidInput

FORMAT = "selfmob-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES = "tables/"
NATIVE = "native/"
FILES = "files/"
CHUNK = 1 << 20
MAX_MANIFEST_BYTES = 64 << 20

NOT_A_ZIP = "not a selfmob backup: the file is not a zip archive"
NO_MANIFEST = "not a selfmob backup: it has no manifest.json"
NOT_OURS = "not a selfmob backup: its manifest is of format {found!r}"
BAD_MANIFEST = "the backup's manifest is damaged: {reason}"
NEWER_FORMAT = (
    "this backup is in format {found}, newer than this selfmob reads ({known}): "
    "upgrade selfmob to restore it"
)
MISSING_MEMBER = "the backup is incomplete: {member} is missing"
EXTRA_MEMBER = "the backup was changed: it holds {member}, which its manifest does not list"
DAMAGED = "the backup is damaged or was changed: {member} does not match its checksum"
UNREADABLE = "the backup is damaged: {member} cannot be read ({reason})"
BAD_ROWS = "the backup is damaged: {member}, line {line}: {reason}"
ROW_COUNT = "the backup is damaged or was changed: {member} holds {found} rows, not {expected}"
BAD_NAME = "the backup is damaged: {member} is not a safe file name"
CANNOT_READ = "cannot read {path}: {reason}"


def refused(message: str) -> InvalidInput:
    return InvalidInput.one("backup", message)


class Member(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    sha256: str
    bytes: int


class Table(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    model: str
    columns: list[str]
    rows: int
    digest: str


class Source(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    vendor: str
    version: str


class Manifest(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    selfmob_version: str
    created_at: str
    source: Source
    migrations: list[tuple[str, str]]
    """Every applied migration, (app, name): the schema the rows belong to."""
    tables: list[Table]
    """In dependency order: a table comes after the tables it refers to."""
    files: list[str]
    native: str | None
    members: dict[str, Member]


class _Header(msgspec.Struct):
    format: str = ""
    format_version: int = 0


# --- rows ------------------------------------------------------------------------------------


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal | timedelta):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot store a {type(value).__name__} in a backup")


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_jsonable
)


def encode_row(values: Sequence[object]) -> bytes:
    """A row as canonical JSON, the same bytes whichever database it was read from."""
    return _ENCODER.encode(list(values)).encode()


@dataclass
class RowDigest:
    """A row count and the sum of the rows' SHA-256 digests modulo 2**256: the same for the
    same rows in any order."""

    rows: int = 0
    total: int = 0

    def add(self, line: bytes) -> None:
        self.rows += 1
        self.total = (self.total + int.from_bytes(hashlib.sha256(line).digest())) % (1 << 256)

    @property
    def hexdigest(self) -> str:
        return f"{self.total:064x}"


# --- writing ---------------------------------------------------------------------------------


@dataclass
class TableSink:
    """Rows going into one member, written in chunks (one zip write per row costs more
    than encoding the row)."""

    handle: IO[bytes]
    digest: RowDigest = field(default_factory=RowDigest)
    sha256: Any = field(default_factory=hashlib.sha256)
    size: int = 0
    buffer: bytearray = field(default_factory=bytearray)

    def write(self, line: bytes) -> None:
        self.digest.add(line)
        self.buffer += line
        self.buffer += b"\n"
        if len(self.buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        self.handle.write(self.buffer)
        self.sha256.update(self.buffer)
        self.size += len(self.buffer)
        self.buffer.clear()


class ArchiveWriter:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.members: dict[str, Member] = {}

    @contextlib.contextmanager
    def table(self, name: str) -> Iterator[TableSink]:
        member = f"{TABLES}{name}.jsonl"
        info = zipfile.ZipInfo(member, date_time=datetime.now().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with self.archive.open(info, "w", force_zip64=True) as handle:
            sink = TableSink(handle)
            yield sink
            sink.flush()
        self.members[member] = Member(sink.sha256.hexdigest(), sink.size)

    def add_file(self, member: str, path: Path, *, compress: bool = True) -> None:
        sha256, size = hashlib.sha256(), 0
        with path.open("rb") as source:
            while chunk := source.read(CHUNK):
                sha256.update(chunk)
                size += len(chunk)
        kind = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        self.archive.write(path, member, compress_type=kind)
        self.members[member] = Member(sha256.hexdigest(), size)

    def finish(self, manifest: Manifest) -> None:
        self.archive.writestr(MANIFEST, msgspec.json.format(msgspec.json.encode(manifest)))


# --- reading ---------------------------------------------------------------------------------


class Archive:
    """A backup whose every member was checked against the manifest when it was opened."""

    def __init__(self, archive: zipfile.ZipFile, manifest: Manifest) -> None:
        self.archive = archive
        self.manifest = manifest

    def rows(self, table: Table) -> Generator[list[Any]]:
        """The table's rows as JSON arrays of its columns; the count is the manifest's."""
        member = f"{TABLES}{table.name}.jsonl"
        count = 0
        with self.archive.open(member) as handle:
            for count, line in enumerate(handle, 1):
                yield _row(member, count, line, len(table.columns))
        if count != table.rows:
            raise refused(ROW_COUNT.format(member=member, found=count, expected=table.rows))

    def extract(self, member: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        with self.archive.open(member) as source, target.open("wb") as out:
            while chunk := source.read(CHUNK):
                out.write(chunk)


def _row(member: str, number: int, line: bytes, width: int) -> list[Any]:
    try:
        values = json.loads(line)
    except ValueError as exc:
        raise refused(BAD_ROWS.format(member=member, line=number, reason=exc)) from None
    if not isinstance(values, list) or len(values) != width:
        reason = f"not an array of {width} values"
        raise refused(BAD_ROWS.format(member=member, line=number, reason=reason))
    return values


@contextlib.contextmanager
def open_archive(path: Path) -> Iterator[Archive]:
    """Open a backup and check it whole: a zip, a manifest of a format this code reads, the
    members it lists and no others, each matching its size and checksum."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise refused(NOT_A_ZIP) from None
    except OSError as exc:
        raise refused(CANNOT_READ.format(path=path, reason=exc.strerror or exc)) from None
    with archive:
        manifest = _manifest(archive)
        _check_members(archive, manifest)
        yield Archive(archive, manifest)


def _manifest(archive: zipfile.ZipFile) -> Manifest:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise refused(NO_MANIFEST) from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise refused(BAD_MANIFEST.format(reason="it is too large"))
    raw = _read(archive, MANIFEST)
    try:
        header = msgspec.json.decode(raw, type=_Header)
    except msgspec.DecodeError as exc:
        raise refused(BAD_MANIFEST.format(reason=exc)) from None
    if header.format != FORMAT:
        raise refused(NOT_OURS.format(found=header.format))
    if header.format_version > FORMAT_VERSION:
        known = FORMAT_VERSION
        raise refused(NEWER_FORMAT.format(found=header.format_version, known=known))
    try:
        return msgspec.json.decode(raw, type=Manifest)
    except msgspec.DecodeError as exc:
        raise refused(BAD_MANIFEST.format(reason=exc)) from None


def _read(archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise refused(UNREADABLE.format(member=member, reason=exc)) from None


def _check_members(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    present = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    listed = set(manifest.members) | {MANIFEST}
    extra = sorted(present.keys() - listed)
    if extra:
        raise refused(EXTRA_MEMBER.format(member=extra[0]))
    expected = {f"{TABLES}{table.name}.jsonl" for table in manifest.tables}
    expected |= {f"{FILES}{name}" for name in manifest.files}
    for name in sorted(expected | manifest.members.keys()):
        _check_member(archive, present.get(name), name, manifest.members.get(name))


def _check_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo | None, name: str, member: Member | None
) -> None:
    if info is None or member is None:
        raise refused(MISSING_MEMBER.format(member=name))
    if not safe_name(name):
        raise refused(BAD_NAME.format(member=name))
    if info.file_size != member.bytes:
        raise refused(DAMAGED.format(member=name))
    sha256 = hashlib.sha256()
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                sha256.update(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise refused(UNREADABLE.format(member=name, reason=exc)) from None
    if sha256.hexdigest() != member.sha256:
        raise refused(DAMAGED.format(member=name))


def safe_name(name: str) -> bool:
    """A relative path that stays inside the folder it is extracted to."""
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and "\\" not in name
        and all(part not in ("", ".", "..") for part in name.split("/"))
    )


# --- the schema a backup belongs to -----------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    leaves: list[tuple[str, str]]
    models: list[type[Model]]
    """Every table's model at that state, a table after the tables it refers to."""


def schema_at(applied: Iterable[tuple[str, str]], *, unknown: str) -> Schema:
    """The models of the tables as they were with these migrations applied."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    done = _squashed(set(applied), loader)
    strange = sorted(done - set(loader.graph.nodes))
    if strange:
        raise refused(unknown.format(names=", ".join(f"{a}.{n}" for a, n in strange)))
    leaves = sorted(
        key for key in done if not any(c.key in done for c in loader.graph.node_map[key].children)
    )
    state = loader.project_state(leaves, at_end=True)
    models = [
        model
        for model in state.apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    return Schema(leaves, _dependency_order(models))


def _squashed(applied: set[tuple[str, str]], loader: MigrationLoader) -> set[tuple[str, str]]:
    """Migrations squashed since the backup count as the squashed one."""
    for key, migration in loader.replacements.items():
        replaced = set(migration.replaces)
        if replaced <= applied:
            applied = (applied - replaced) | {key}
    return applied


def _dependency_order(models: list[type[Model]]) -> list[type[Model]]:
    by_table = {model._meta.db_table: model for model in models}
    graph: dict[str, set[str]] = {}
    for table, model in sorted(by_table.items()):
        graph[table] = {
            target._meta.db_table
            for f in model._meta.concrete_fields
            if isinstance(target := f.related_model, type) and target is not model
        } & by_table.keys()
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError:  # foreign keys are checked at commit on both databases: any order
        order = sorted(by_table)
    return [by_table[table] for table in order]
