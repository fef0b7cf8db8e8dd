"""`selfmob audit`: the audit trail, every entry, as text or JSON; and the purge of old
addresses. Also what `selfmob export` and `selfmob import` record in it.

    selfmob audit --client ana@example.com --since 2026-11-01
    selfmob audit --user coach@example.com --kind export --json
    selfmob audit --purge-addresses        # daily, from cron (docs/deployment.md)
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from selfmob.cli.web import setup_django

if TYPE_CHECKING:
    from selfmob.clinic.models import AuditEntry

KINDS = ("read", "export", "change", "invite", "clear", "delete")
NO_CLIENT = "no client has the e-mail or id {value}"
NO_USER = "no user has the e-mail {value}"
PURGE_ALONE = "--purge-addresses takes no filters and no --json"
PURGED = "blanked the addresses of {count} entries older than {days} days"
COLUMNS = ("when", "kind", "via", "what", "client", "client_id", "who", "who_id", "address")


class Refused(Exception):
    """Bad input: one line on stderr, exit status 2."""


def register(commands: Any) -> None:
    p = commands.add_parser(
        "audit", help="print who read, exported or changed clients' records (the audit trail)"
    )
    p.add_argument("--client", metavar="EMAIL_OR_ID", help="entries about this client")
    p.add_argument("--user", metavar="EMAIL_OR_ID", help="accesses by this person")
    p.add_argument("--kind", choices=KINDS, help="one kind of access")
    p.add_argument("--since", type=day, metavar="YYYY-MM-DD", help="from this day on")
    p.add_argument("--until", type=day, metavar="YYYY-MM-DD", help="up to this day, included")
    p.add_argument("--json", action="store_true", help="a JSON array instead of text")
    p.add_argument(
        "--purge-addresses",
        action="store_true",
        help="blank the addresses older than SELFMOB_AUDIT_ADDRESS_DAYS (default 90)",
    )
    p.set_defaults(handler=run_audit)


def day(text: str) -> date:
    """A day as YYYY-MM-DD (argparse names this function in its error: "invalid day value")."""
    return date.fromisoformat(text)


def run_audit(args: argparse.Namespace) -> int:
    try:
        setup_django()
        if args.purge_addresses:
            return _purge(args)
        from selfmob.clinic.trail import TrailFilter, trail_all

        wanted = TrailFilter(
            client_ids=_clients(args.client),
            user_ids=_users(args.user),
            kind=args.kind,
            since=args.since,
            until=args.until,
        )
        entries = trail_all(wanted).iterator()
        if args.json:
            _print_json(entries)
        else:
            _print_text(entries)
    except Refused as exc:
        print(f"selfmob: error: {exc}", file=sys.stderr)
        return 2
    return 0


def record_export(args: argparse.Namespace) -> None:
    """Record a `selfmob export` (cli/exports.py), one entry per client the file holds."""
    from selfmob.cli.exports import _client, _coach
    from selfmob.clinic.services.audit import CLI, audit_export, export_what

    what = export_what(args.format, args.pdf or "plan")
    if args.client is not None:
        audit_export(via=CLI, user=None, client=_client(args.client, args.coach), what=what)
    else:
        clients = _coach(args.coach).clients.only("id")
        audit_export(via=CLI, user=None, client=clients, what=what)


@contextmanager
def recording_import() -> Iterator[None]:
    """Around `selfmob import`: record each client it wrote. The import is all or nothing;
    its clients are the ones that were not there before."""
    from selfmob.clinic.models import Client
    from selfmob.clinic.services.audit import audit_import

    before = set(Client.objects.values_list("id", flat=True))
    yield
    audit_import(client_ids=set(Client.objects.values_list("id", flat=True)) - before)


def _purge(args: argparse.Namespace) -> int:
    from django.conf import settings

    from selfmob.clinic.services.audit import audit_addresses_purge

    if args.json or any((args.client, args.user, args.kind, args.since, args.until)):
        raise Refused(PURGE_ALONE)
    try:
        count = audit_addresses_purge()
    except ValueError as exc:
        raise Refused(str(exc)) from None
    print(PURGED.format(count=count, days=settings.AUDIT_ADDRESS_DAYS))
    return 0


def _clients(value: str | None) -> list[uuid.UUID] | None:
    if value is None:
        return None
    from selfmob.clinic.models import Client

    found = _as_id(value)
    if found is not None:
        return [found]
    ids = list(Client.objects.filter(email=value.lower()).values_list("id", flat=True))
    if not ids:
        raise Refused(NO_CLIENT.format(value=value))
    return ids


def _users(value: str | None) -> list[uuid.UUID] | None:
    if value is None:
        return None
    from selfmob.clinic.models import User

    found = _as_id(value)
    if found is not None:
        return [found]
    ids = list(User.objects.filter(email=value.lower()).values_list("id", flat=True))
    if not ids:
        raise Refused(NO_USER.format(value=value))
    return ids


def _as_id(value: str) -> uuid.UUID | None:
    """An id, or None for an e-mail. An id need not exist any more: the trail outlives it."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _print_json(entries: Iterator[AuditEntry]) -> None:
    from selfmob.clinic.trail import entry_dict

    out = sys.stdout
    out.write("[")
    for index, entry in enumerate(entries):
        out.write(("," if index else "") + "\n" + json.dumps(entry_dict(entry)))
    out.write("\n]\n")


def _print_text(entries: Iterator[AuditEntry]) -> None:
    """One line per entry, columns separated by tabs; names as they are now."""
    from django.utils import timezone

    print("\t".join(COLUMNS))
    for entry in entries:
        row = (
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.kind,
            entry.interface,
            entry.what,
            entry.client_name or "(deleted)",  # type: ignore[attr-defined]
            str(entry.client_id),
            _who(entry),
            str(entry.user_id or "-"),
            entry.address or "-",
        )
        print("\t".join(row))


def _who(entry: AuditEntry) -> str:
    if entry.user_id is None:
        return "(command line)"
    return entry.user_name or "(deleted)"  # type: ignore[attr-defined]
