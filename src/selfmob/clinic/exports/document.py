"""The portable JSON document of one client or a whole practice (schema `selfmob.practice`).

Export, import into an empty database, export again: the same document apart from
`exported_at`. Every id and timestamp is kept, and every list is sorted oldest first, ids
breaking ties. Password hashes are left out unless asked for (a server move); invites, API
tokens and calendar feeds are never exported (they are secrets or short-lived links), nor
`screening_status` (import recomputes it from the screenings), nor `last_login` (activity
on the old server, not the person's data). Fields: docs/exports.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from selfmob.clinic.models import (
    Assessment,
    Clearance,
    Client,
    Measurement,
    Plan,
    PlanItem,
    Screening,
    Session,
    User,
)
from selfmob.clinic.services.practice_schema import SCHEMA, VERSION

Json = dict[str, Any]
R = TypeVar("R", Screening, Assessment, Plan, Session)


def practice_document(
    coach: User, *, include_password_hashes: bool = False, now: datetime | None = None
) -> Json:
    """All of a coach's clients with their whole history."""
    clients = load_clients(Client.objects.filter(coach=coach))
    return _document(coach, clients, hashes=include_password_hashes, now=now)


def client_document(
    client: Client, *, include_password_hashes: bool = False, now: datetime | None = None
) -> Json:
    """One client (a solo user too) and their coach, if any, in the same schema."""
    clients = load_clients(Client.objects.filter(id=client.id))
    return _document(clients[0].coach, clients, hashes=include_password_hashes, now=now)


def document_json(document: Json) -> str:
    """The document as UTF-8-ready text, indented, one trailing newline."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def load_clients(queryset: QuerySet[Client]) -> list[Client]:
    """Clients with their account, coach and every record, in seven queries however many."""
    rows = queryset.select_related("user", "coach").prefetch_related(
        Prefetch("screenings", queryset=Screening.objects.select_related("clearance")),
        "assessments__measurements",
        "plans__items",
        "sessions",
    )
    return sorted(rows, key=lambda c: (c.created_at, str(c.id)))


def _document(
    coach: User | None, clients: list[Client], *, hashes: bool, now: datetime | None
) -> Json:
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "exported_at": _when(now or timezone.now()),
        "coach": None if coach is None else _user(coach, hashes=hashes),
        "clients": [_client(c, hashes=hashes) for c in clients],
    }


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _user(user: User, *, hashes: bool) -> Json:
    return {
        "id": str(user.id),
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "is_active": user.is_active,
        "date_joined": _when(user.date_joined),
        "password_hash": user.password if hashes else None,
        "limit_percentile": user.limit_percentile,
        "consent_at": _when(user.consent_at) if user.consent_at else None,
        "consent_version": user.consent_version or None,
    }


def _client(client: Client, *, hashes: bool) -> Json:
    return {
        "id": str(client.id),
        "name": client.name,
        "email": client.email,
        "birth_year": client.birth_year,
        "sex": client.sex or None,
        "created_at": _when(client.created_at),
        "archived_at": _when(client.archived_at) if client.archived_at else None,
        "account": None if client.user is None else _user(client.user, hashes=hashes),
        "screenings": [_screening(s) for s in _oldest_first(client.screenings.all())],
        "assessments": [
            _assessment(a) for a in _oldest_first(client.assessments.all(), "measured_on")
        ],
        "plans": [_plan(p) for p in _oldest_first(client.plans.all(), "starts_on")],
        "sessions": [_session(s) for s in _oldest_first(client.sessions.all(), "performed_on")],
    }


def _oldest_first(records: Iterable[R], day: str | None = None) -> list[R]:
    """By the record's day (when it has one), then creation time, then id: a total order."""

    def key(record: Any) -> tuple[Any, ...]:
        first = getattr(record, day) if day else None
        return (first, record.created_at, str(record.id))

    return sorted(records, key=key)


def _clearance_of(screening: Screening) -> Clearance | None:
    try:
        return screening.clearance
    except ObjectDoesNotExist:  # fetched with select_related: no query
        return None


def _screening(screening: Screening) -> Json:
    clearance = _clearance_of(screening)
    return {
        "id": str(screening.id),
        "created_at": _when(screening.created_at),
        "recorded_by": str(screening.recorded_by_id),
        "answers": dict(sorted(screening.answers.items())),
        "neck": screening.neck,
        "verdict": screening.verdict,
        "urgent": screening.urgent,
        "clearance": None
        if clearance is None
        else {
            "id": str(clearance.id),
            "created_at": _when(clearance.created_at),
            "cleared_by": str(clearance.cleared_by_id),
            "note": clearance.note,
        },
    }


def _assessment(assessment: Assessment) -> Json:
    measurements = sorted(
        assessment.measurements.all(), key=lambda m: (m.test_id, m.side, str(m.id))
    )
    return {
        "id": str(assessment.id),
        "created_at": _when(assessment.created_at),
        "recorded_by": str(assessment.recorded_by_id),
        "measured_on": _day(assessment.measured_on),
        "measured_by": assessment.measured_by,
        "measurements": [_measurement(m) for m in measurements],
    }


def _measurement(m: Measurement) -> Json:
    return {
        "id": str(m.id),
        "test_id": m.test_id,
        "side": m.side,
        "trials": list(m.trials),
        "value": m.value,
        "instrument": m.instrument,
        "position": m.position,
    }


def _plan(plan: Plan) -> Json:
    items = sorted(plan.items.all(), key=lambda i: (i.position, str(i.id)))
    return {
        "id": str(plan.id),
        "created_at": _when(plan.created_at),
        "created_by": str(plan.created_by_id),
        "starts_on": _day(plan.starts_on),
        "ends_on": _day(plan.ends_on),
        "items": [_item(i) for i in items],
    }


def _item(item: PlanItem) -> Json:
    return {
        "id": str(item.id),
        "position": item.position,
        "technique_id": item.technique_id,
        "side": item.side or None,
        "retest_id": item.retest_id,
        "dose": dict(sorted(item.dose.items())),
        "weekdays": list(item.weekdays),
        "every_days": item.every_days,
        "pain_limit": item.pain_limit,
        "removed_at": _when(item.removed_at),
    }


def _session(s: Session) -> Json:
    return {
        "id": str(s.id),
        "idempotency_key": str(s.idempotency_key),
        "plan_item": str(s.plan_item_id),
        "performed_on": _day(s.performed_on),
        "created_at": _when(s.created_at),
        "technique_id": s.technique_id,
        "test_id": s.test_id,
        "side": s.side or None,
        "pre": s.pre,
        "post": s.post,
        "instrument": s.instrument or None,
        "measured_by": s.measured_by or None,
        "readings": s.readings,
        "change": s.change,
        "mdc": s.mdc,
        "mdc_level": s.mdc_level or None,
        "mdc_source": s.mdc_source or None,
        "mdc_fit": s.mdc_fit or None,
        "verdict": s.verdict,
        "pain_rest": s.pain_rest,
        "pain_during": s.pain_during,
        "pain_limit": s.pain_limit,
        "over_limit": s.over_limit,
        "pain_next_day": s.pain_next_day,
    }
