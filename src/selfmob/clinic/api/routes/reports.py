"""Progress summaries and the coach's dashboard, as data."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from selfmob.clinic.access import get_client_for_user
from selfmob.clinic.api.auth import user_of
from selfmob.clinic.api.routes.clients import client_read, coach_of
from selfmob.clinic.api.schemas import ONE, errors
from selfmob.clinic.dashboard import coach_dashboard
from selfmob.clinic.exports.formats import CONTENT_TYPES, Options, render_client
from selfmob.clinic.progress import Series, client_progress
from selfmob.clinic.services.audit import What, audit_export, audit_read, export_what
from selfmob.clinic.throttle import TOO_MANY, allowed
from selfmob.knowledge.jsonable import plain

router = Router(tags=["progress"])
BODIES: dict[str, dict[str, str]] = {
    "json": {"type": "object"},
    "csv": {"type": "string"},
    "fhir": {"type": "object"},
    "ics": {"type": "string"},
    "pdf": {"type": "string", "format": "binary"},
}
FILES = {
    content_type.partition(";")[0]: {"schema": BODIES[fmt]}
    for fmt, content_type in CONTENT_TYPES.items()
}
"""What the export answers with, per `format` (clinic/exports/formats.py)."""


@router.get("/clients/{uuid:client_id}/progress", response={200: dict[str, Any], **ONE})
def progress(request: HttpRequest, client_id: UUID) -> dict[str, Any]:
    """Adherence over the last 14 days and, per test and side: every pre/post pair, the
    baseline, MDC and threshold, weekly means, carry-over (latest pre against baseline) and
    pain over time (at rest before, during, the next day; `rest` null for older sessions)."""
    found = client_read(request, client_id, What.PROGRESS)
    summary = client_progress(found, timezone.localdate())
    adherence = summary.adherence
    return {
        "adherence": {
            "done": adherence.done,
            "planned": adherence.planned,
            "ratio": adherence.ratio,
        },
        "series": [_series(s) for s in summary.series],
    }


def _series(series: Series) -> dict[str, Any]:
    return {
        "test_id": series.test.id,
        "unit": series.test.unit,
        "side": series.side,
        "baseline": series.baseline,
        "baseline_from": series.baseline_from,
        "mdc": series.mdc,
        "threshold": series.threshold,
        "points": plain(series.points),
        "weeks": plain(series.weeks),
        "carry_over": plain(series.carry_over),
        "pain": [
            {"day": p.day, "rest": p.rest, "during": p.during, "next_day": p.next_day}
            for p in series.pain
        ],
    }


@router.get("/dashboard", response={200: list[dict[str, Any]], **errors(401, 404)})
def dashboard(request: HttpRequest) -> list[dict[str, Any]]:
    """Every client of the coach with adherence, last session, latest change against the
    baseline and flags, most urgent first."""
    coach = coach_of(request)
    rows = coach_dashboard(coach, timezone.localdate())
    audit_read(via=request, user=coach, client=[r.client for r in rows], what=What.CLIENT_LIST)
    return [
        plain(row) | {"adherence": plain(row.adherence) | {"ratio": row.adherence.ratio}}
        for row in rows
    ]


@router.get(
    "/clients/{uuid:client_id}/export",
    response={200: None, **errors(400, 401, 404, 429)},
    openapi_extra={"responses": {200: {"description": "The file", "content": FILES}}},
)
def export(
    request: HttpRequest,
    client_id: UUID,
    format: Literal["json", "csv", "fhir", "ics", "pdf"],
    pdf: Literal["plan", "progress"] = "plan",
    page: Literal["a4", "letter"] = "a4",
) -> HttpResponse:
    """The client's records as a file: the versioned JSON document, CSV, a FHIR R4 Bundle,
    the plan's calendar, or a PDF (`pdf=plan|progress`, `page=a4|letter`)."""
    user = user_of(request)
    found = get_client_for_user(user, client_id)
    if not allowed(user.id):
        raise HttpError(429, TOO_MANY)
    options = Options(
        base_url=request.build_absolute_uri("/").rstrip("/"),
        plan_url=request.build_absolute_uri(reverse("today")),
        today=timezone.localdate(),
        pdf=pdf,
        page=page,
    )
    rendered = render_client(found, format, options)
    audit_export(via=request, user=user, client=found, what=export_what(format, pdf))
    response = HttpResponse(rendered.body, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response
