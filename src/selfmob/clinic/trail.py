"""Reads of the audit trail (the writes are in services/audit.py): the entries a person may
see, filtered, with the names of people and clients looked up now (the trail stores ids only,
so an erased person shows as gone).

Who sees what: a coach, the entries about their clients; a client or a solo user, the entries
about their own record; the server's command line, everything. The address an access came
from is shown on pages and in the API only for one's own accesses (to spot a token used from
somewhere unexpected), never someone else's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypedDict

from django.db.models import (
    Case,
    CharField,
    F,
    GenericIPAddressField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from selfmob.clinic.access import clients_for_user
from selfmob.clinic.models import AuditEntry, Client, User

EARLIEST, LATEST = date(1970, 1, 2), date(9998, 12, 30)


@dataclass(frozen=True)
class TrailFilter:
    """Empty fields match everything. `since` and `until` are days in the site's time zone,
    both included."""

    client_ids: Sequence[uuid.UUID] | None = None
    user_ids: Sequence[uuid.UUID] | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None


class EntryDict(TypedDict):
    id: str
    at: str
    user_id: str | None
    user_name: str | None
    client_id: str
    client_name: str | None
    kind: str
    interface: str
    what: str
    record_id: str | None
    address: str | None


def trail_for(viewer: User, wanted: TrailFilter | None = None) -> QuerySet[AuditEntry]:
    """The entries `viewer` may see (a coach's clients, or one's own record), newest first,
    with `user_name`, `client_name` and `shown_address` (the address of one's own accesses)."""
    mine = clients_for_user(viewer).values("id")
    entries = AuditEntry.objects.filter(client_id__in=Subquery(mine))
    address = _own_address(viewer.id)
    return _filtered(entries, wanted or TrailFilter()).annotate(shown_address=address)


def trail_all(wanted: TrailFilter | None = None) -> QuerySet[AuditEntry]:
    """Every entry, for the server's command line; `shown_address` is every address."""
    entries = _filtered(AuditEntry.objects.all(), wanted or TrailFilter())
    return entries.annotate(shown_address=F("address"))


def entry_dict(entry: AuditEntry) -> EntryDict:
    """An entry of trail_for/trail_all as JSON-ready values."""
    return {
        "id": str(entry.id),
        "at": entry.at.isoformat(),
        "user_id": _text(entry.user_id),
        "user_name": entry.user_name,  # type: ignore[attr-defined]
        "client_id": str(entry.client_id),
        "client_name": entry.client_name,  # type: ignore[attr-defined]
        "kind": entry.kind,
        "interface": entry.interface,
        "what": entry.what,
        "record_id": _text(entry.record_id),
        "address": entry.shown_address,  # type: ignore[attr-defined]
    }


def people_of(coach: User) -> list[User]:
    """Who can appear in a coach's trail: the coach and their clients' accounts."""
    accounts = Client.objects.filter(coach=coach, user__isnull=False).values("user_id")
    others = User.objects.filter(id__in=Subquery(accounts)).order_by("name", "email")
    return [coach, *others]


def _filtered(entries: QuerySet[AuditEntry], wanted: TrailFilter) -> QuerySet[AuditEntry]:
    if wanted.client_ids is not None:
        entries = entries.filter(client_id__in=wanted.client_ids)
    if wanted.user_ids is not None:
        entries = entries.filter(user_id__in=wanted.user_ids)
    if wanted.kind:
        entries = entries.filter(kind=wanted.kind)
    if wanted.since is not None:
        entries = entries.filter(at__gte=_day_start(wanted.since))
    if wanted.until is not None:
        entries = entries.filter(at__lt=_day_start(wanted.until, days=1))
    return _named(entries).order_by("-at", "id")


def _named(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """The names as they are now: an erased person or client is None."""
    label = Coalesce(NullIf(F("name"), Value("")), F("email"), output_field=CharField())
    user = User.objects.filter(id=OuterRef("user_id")).values(label=label)[:1]
    client = Client.objects.filter(id=OuterRef("client_id")).values("name")[:1]
    return entries.annotate(user_name=Subquery(user), client_name=Subquery(client))


def _own_address(viewer_id: uuid.UUID) -> Case:
    return Case(
        When(user_id=viewer_id, then=F("address")),
        default=None,
        output_field=GenericIPAddressField(),
    )


def _day_start(day: date, *, days: int = 0) -> datetime:
    """The start of the day (plus `days`) in the site's time zone. Days far outside any
    entry's are clamped, so that no filter turns into a time out of range."""
    day = min(max(day, EARLIEST), LATEST) + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time.min))


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
