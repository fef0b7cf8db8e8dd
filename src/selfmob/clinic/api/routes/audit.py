"""The audit trail: who read, exported or changed a client's records, and when."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from selfmob.clinic.api.auth import user_of
from selfmob.clinic.api.pagination import paginated
from selfmob.clinic.api.schemas import AuditEntryOut, AuditQuery, errors
from selfmob.clinic.models import AuditEntry
from selfmob.clinic.trail import TrailFilter, trail_for

router = Router(tags=["audit trail"])


@router.get("/audit", response={200: list[AuditEntryOut], **errors(400, 401)})
@paginated
def audit(request: HttpRequest, filters: Query[AuditQuery]) -> QuerySet[AuditEntry]:
    """Newest first. A coach gets the entries about their clients; a client or a solo user,
    those about their own record. Reads are kept once per person, client, interface and
    hour; every other kind, every time."""
    wanted = TrailFilter(
        client_ids=None if filters.client is None else [filters.client],
        user_ids=None if filters.user is None else [filters.user],
        kind=filters.kind,
        since=filters.since,
        until=filters.until,
    )
    return trail_for(user_of(request), wanted)
