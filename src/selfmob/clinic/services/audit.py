"""The audit trail's writes: who read, exported, changed, invited, cleared or deleted which
client's records, when, from which address, through which interface.

- A read costs at most one `INSERT … ON CONFLICT DO NOTHING` (SQLite: `INSERT OR IGNORE`) per
  request: the database keeps one read per person, client, interface and clock hour (the
  unique key `audit_one_read_per_hour`), so every process and host agrees, and browsing does
  not turn every page into a new row.
- An export is recorded every time, before the file leaves.
- A write is recorded every time, in the write's own transaction (`audit_write`): a write that
  fails leaves no entry, and an entry that cannot be stored undoes the write.

Entries hold ids, never names or values (models.AuditEntry). Reading them is in trail.py.

    audit_read(via=request, user=request.user, client=client, what=What.PROGRESS)

    with audit_write(via=request, user=user, client=client, kind=Kind.CHANGE,
                     what=What.SESSION) as entry:
        logged = session_log(...)
        entry.record_id = logged.session.id
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeAlias

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from selfmob.clinic.models import AuditEntry, Client, User
from selfmob.clinic.throttle import client_address

Kind = AuditEntry.Kind
Interface = AuditEntry.Interface
What = AuditEntry.What
API_PATH = "/api/"
"""Where urls.py serves the JSON API: a request under it is recorded as through the API."""
EXPORTS = {"json": What.JSON, "csv": What.CSV, "fhir": What.FHIR, "ics": What.ICS}
NEGATIVE_DAYS = "the address retention must be 0 days or more, not {days}"


@dataclass(frozen=True)
class Origin:
    """Where an access came from: the interface and the caller's address (None when none)."""

    interface: str
    address: str | None = None

    @classmethod
    def of(cls, request: HttpRequest, interface: str | None = None) -> Origin:
        """A page or the API (by its path), unless `interface` says otherwise; the address
        respects SELFMOB_PROXY_HOPS (throttle.client_address)."""
        if interface is None:
            interface = Interface.API if request.path.startswith(API_PATH) else Interface.PAGE
        return cls(interface, _address(client_address(request)))


class Identified(Protocol):
    """A client record, or a row of one (dashboard.ClientRef): its id is all that is kept."""

    @property
    def id(self) -> uuid.UUID: ...


CLI = Origin(Interface.CLI)
"""The server's own command line: no user, no address."""
Via: TypeAlias = HttpRequest | Origin
Whose: TypeAlias = Client | Iterable[Identified]


def export_what(format: str, pdf: str = "plan") -> str:
    """The `what` of an export in `format` (clinic/exports/formats.py's names)."""
    if format == "pdf":
        return What.PDF_PROGRESS if pdf == "progress" else What.PDF_PLAN
    return EXPORTS[format]


def audit_read(*, via: Via, user: User, client: Whose, what: str) -> None:
    """Record that `user` read these clients' records, unless they already did this hour
    through the same interface: one statement (on SQLite, one per 99 clients: its limit of
    999 values to a statement)."""
    now = timezone.now()
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    entries = _entries(via, user, client, kind=Kind.READ, what=what, at=now, hour=hour)
    AuditEntry.objects.bulk_create(entries, ignore_conflicts=True)


def audit_export(*, via: Via, user: User | None, client: Whose, what: str) -> None:
    """Record an export of these clients' records, every time."""
    entries = _entries(via, user, client, kind=Kind.EXPORT, what=what, at=timezone.now())
    AuditEntry.objects.bulk_create(entries)


@contextmanager
def audit_write(
    *,
    via: Via,
    user: User | None,
    client: Client | None,
    kind: str,
    what: str,
    record_id: uuid.UUID | None = None,
) -> Iterator[AuditEntry]:
    """Run the write inside, then record it, in one transaction. Set `entry.record_id` (and
    `entry.client_id` for a new client) in the block when the write makes them."""
    whose = {} if client is None else {"client_id": client.id}
    entry = _entry(_origin(via), user, kind=kind, what=what, record_id=record_id, **whose)
    with transaction.atomic():
        yield entry
        entry.at = timezone.now()
        entry.save(force_insert=True)


def audit_import(*, client_ids: Iterable[uuid.UUID]) -> None:
    """Record the clients a practice import wrote, from the command line."""
    entries = [
        _entry(CLI, None, client_id=i, kind=Kind.CHANGE, what=What.IMPORT) for i in client_ids
    ]
    AuditEntry.objects.bulk_create(entries)


def audit_addresses_purge(*, now: datetime | None = None, days: int | None = None) -> int:
    """Blank the addresses of entries older than `days` (SELFMOB_AUDIT_ADDRESS_DAYS): the
    only change the database lets anyone make to an entry. Returns how many were blanked."""
    days = settings.AUDIT_ADDRESS_DAYS if days is None else days
    if days < 0:
        raise ValueError(NEGATIVE_DAYS.format(days=days))
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = AuditEntry.objects.filter(at__lt=cutoff, address__isnull=False)
    return old.update(address=None)


def _entries(via: Via, user: User | None, client: Whose, **fields: object) -> list[AuditEntry]:
    origin = _origin(via)
    clients = [client] if isinstance(client, Client) else client
    return [_entry(origin, user, client_id=c.id, **fields) for c in clients]


def _origin(via: Via) -> Origin:
    return via if isinstance(via, Origin) else Origin.of(via)


def _entry(origin: Origin, user: User | None, **fields: object) -> AuditEntry:
    return AuditEntry(
        user_id=None if user is None else user.id,
        interface=origin.interface,
        address=origin.address,
        **fields,
    )


def _address(raw: str) -> str | None:
    """The address as the database stores it, or None for anything that is not one (a proxy
    may pass on what a caller wrote): nothing but an address ever lands in the trail."""
    try:
        return str(ipaddress.ip_address(raw.split("%", 1)[0].strip()))
    except ValueError:
        return None
