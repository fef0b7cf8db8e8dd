"""`selfmob export` and `selfmob import`: a client's or a practice's data in open formats, and
a practice document read back in. Django is set up only when one of them runs.

    selfmob export --coach coach@example.com --format json --out practice.json
    selfmob export --client ana@example.com --format pdf --pdf progress --out ana.pdf
    selfmob import practice.json
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from selfmob.cli.audit import record_export, recording_import
from selfmob.cli.web import setup_django

if TYPE_CHECKING:
    from selfmob.clinic.models import Client, User
    from selfmob.clinic.services.practice_rows import ImportSummary

FORMATS = ("csv", "json", "fhir", "ics", "pdf")
ONE_CLIENT = ("fhir", "ics", "pdf")
PAGE_SIZES = ("a4", "letter")

NO_WHO = "give --client EMAIL (one client) or --coach EMAIL (the whole practice)"
NEEDS_CLIENT = "--format {format} exports one client: give --client EMAIL"
PDF_ONLY = "--pdf and --page go with --format pdf"
JSON_ONLY = "--with-password-hashes goes with --format json"
PDF_TO_TERMINAL = "a PDF is binary: give --out FILE or redirect standard output"
NO_COACH = "no coach has the e-mail {email}"
NO_CLIENT = "no client has the e-mail {email}"
NO_CLIENT_OF = "{coach} has no client with the e-mail {email}"
TWO_COACHES = "{count} clients have the e-mail {email} (coaches: {coaches}): add --coach EMAIL"
NOT_MIGRATED = "the database is not ready: run `selfmob manage migrate` first"


class Refused(Exception):
    """Bad input to a command: one line on stderr, exit status 2."""


def register(commands: Any) -> None:
    p = commands.add_parser("export", help="write a client's or a practice's data to a file")
    p.add_argument("--client", metavar="EMAIL", help="one client (a solo user too)")
    p.add_argument(
        "--coach", metavar="EMAIL", help="the whole practice; with --client, that coach's client"
    )
    p.add_argument("--format", required=True, choices=FORMATS, help="csv, json, fhir, ics, pdf")
    p.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    p.add_argument(
        "--pdf", choices=("plan", "progress"), help="the plan handout (default) or progress report"
    )
    p.add_argument("--page", choices=PAGE_SIZES, help="PDF page size (default a4)")
    p.add_argument(
        "--with-password-hashes",
        action="store_true",
        help="json: keep password hashes, so logins work after a server move",
    )
    p.set_defaults(handler=run_export)

    p = commands.add_parser("import", help="read a practice document (JSON) into the database")
    p.add_argument("file", metavar="FILE", help="the document, or - for standard input")
    p.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace) -> int:
    try:
        _check_options(args)
        setup_django()
        _check_database()
        data = _export(args)
        record_export(args)  # the audit trail: before the file leaves
        _write(data, args.out)
    except Refused as exc:
        return _refused(exc)
    return 0


def run_import(args: argparse.Namespace) -> int:
    try:
        setup_django()
        with _opened(args.file) as document:
            _check_database()
            summary = _import(document)
    except Refused as exc:
        return _refused(exc)
    print(f"{args.file}: {summary}")
    return 0


def _import(document: BinaryIO | _Capped) -> ImportSummary:
    from selfmob.clinic.errors import InvalidInput
    from selfmob.clinic.services.practice_import import practice_import

    try:
        with recording_import():  # the audit trail: each client written
            return practice_import(document)
    except InvalidInput as exc:
        raise Refused(str(exc)) from None


def _refused(exc: Refused) -> int:
    print(f"selfmob: error: {exc}", file=sys.stderr)
    return 2


def _check_options(args: argparse.Namespace) -> None:
    """Everything that needs no database, checked before Django starts."""
    if args.client is None and args.coach is None:
        raise Refused(NO_WHO)
    if args.format in ONE_CLIENT and args.client is None:
        raise Refused(NEEDS_CLIENT.format(format=args.format))
    if args.format != "pdf" and (args.pdf or args.page):
        raise Refused(PDF_ONLY)
    if args.format != "json" and args.with_password_hashes:
        raise Refused(JSON_ONLY)
    if args.format == "pdf" and args.out in (None, "-") and sys.stdout.isatty():
        raise Refused(PDF_TO_TERMINAL)


def _check_database() -> None:
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise Refused(NOT_MIGRATED)


def _export(args: argparse.Namespace) -> str | bytes:
    if args.client is not None:
        return _client_export(_client(args.client, args.coach), args)
    coach = _coach(args.coach)
    if args.format == "csv":
        from selfmob.clinic.exports.tables import practice_csv

        return practice_csv(coach)
    from selfmob.clinic.exports.document import document_json, practice_document

    hashes = args.with_password_hashes
    return document_json(practice_document(coach, include_password_hashes=hashes))


def _client_export(client: Client, args: argparse.Namespace) -> str | bytes:
    """One client, in any format, through the dispatcher the API and pages share too; only
    a document with password hashes is made here (no page or API endpoint makes one)."""
    if args.format == "json" and args.with_password_hashes:
        from selfmob.clinic.exports.document import client_document, document_json

        return document_json(client_document(client, include_password_hashes=True))
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from selfmob.clinic.exports.formats import Options, render_client

    options = Options(
        base_url=settings.BASE_URL,
        plan_url=settings.BASE_URL + reverse("today"),
        today=timezone.localdate(),
        pdf=args.pdf or "plan",
        page=args.page or "a4",
    )
    return render_client(client, args.format, options).body


def _coach(email: str) -> User:
    from selfmob.clinic.models import User

    coach = User.objects.filter(email=email.lower(), role=User.Role.COACH).first()
    if coach is None:
        raise Refused(NO_COACH.format(email=email))
    return coach


def _client(email: str, coach_email: str | None) -> Client:
    """The client with this e-mail; a second coach's client of the same e-mail needs --coach."""
    from selfmob.clinic.models import Client

    found = Client.objects.filter(email=email.lower()).select_related("coach")
    if coach_email is not None:
        coach = _coach(coach_email)
        found = found.filter(coach=coach)
    clients = list(found.order_by("created_at"))
    if not clients:
        template = NO_CLIENT if coach_email is None else NO_CLIENT_OF
        raise Refused(template.format(email=email, coach=coach_email))
    if len(clients) > 1:
        coaches = ", ".join(c.coach.email if c.coach else "none (solo user)" for c in clients)
        raise Refused(TWO_COACHES.format(count=len(clients), email=email, coaches=coaches))
    return clients[0]


def _write(data: str | bytes, out: str | None) -> None:
    raw = data.encode() if isinstance(data, str) else data
    if out is None or out == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return
    try:
        Path(out).write_bytes(raw)
    except OSError as exc:
        raise Refused(f"cannot write {out}: {exc.strerror or exc}") from None


TOO_LARGE = "{file} is larger than {mib} MiB: too large to import"


@contextmanager
def _opened(file: str) -> Iterator[BinaryIO | _Capped]:
    """The document, read as the import goes (never whole); refused when larger than
    SELFMOB_IMPORT_MAX_MIB (settings.py says why there is a limit)."""
    from django.conf import settings

    limit = settings.IMPORT_MAX_MIB * 2**20
    if file == "-":
        yield _Capped(sys.stdin.buffer, limit, file)
        return
    try:
        handle = Path(file).open("rb")  # noqa: SIM115 (closed below)
    except IsADirectoryError:
        raise Refused(f"{file} is a directory, not a document") from None
    except OSError as exc:
        raise Refused(f"cannot read {file}: {exc.strerror or exc}") from None
    with handle:
        if os.fstat(handle.fileno()).st_size > limit:
            raise Refused(TOO_LARGE.format(file=file, mib=limit // 2**20))
        yield handle if handle.seekable() else _Capped(handle, limit, file)


class _Capped:
    """A pipe or standard input, refused once more than `limit` bytes came through."""

    def __init__(self, stream: BinaryIO, limit: int, file: str) -> None:
        self.stream, self.limit, self.file, self.count = stream, limit, file, 0

    def read(self, size: int, /) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        if self.count > self.limit:
            raise Refused(TOO_LARGE.format(file=self.file, mib=self.limit // 2**20))
        return data
