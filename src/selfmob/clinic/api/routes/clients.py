"""Clients, their red-flag screens and their assessments."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Status

from selfmob.clinic import selectors
from selfmob.clinic.access import (
    clients_for_user,
    get_assessment_for_user,
    get_client_for_coach,
    get_client_for_user,
)
from selfmob.clinic.api.auth import user_of
from selfmob.clinic.api.pagination import paginated
from selfmob.clinic.api.schemas import (
    LIST,
    ONE,
    WRITE,
    AssessmentDetailOut,
    AssessmentIn,
    AssessmentOut,
    ClearanceIn,
    ClientIn,
    ClientOut,
    ClientPatchIn,
    ConfirmIn,
    InviteOut,
    MeIn,
    MeOut,
    ScreeningIn,
    ScreeningOut,
    errors,
)
from selfmob.clinic.errors import NOTHING_TO_CLEAR, InvalidInput
from selfmob.clinic.models import Assessment, Client, Screening, User
from selfmob.clinic.services.accounts import (
    account_close,
    client_create,
    coach_limit_set,
    invite_create,
    invite_email,
)
from selfmob.clinic.services.assessments import MeasurementInput, assessment_record
from selfmob.clinic.services.audit import Kind, What, audit_read, audit_write
from selfmob.clinic.services.clients import (
    client_archive,
    client_delete,
    client_restore,
    client_update,
)
from selfmob.clinic.services.screening import clearance_record, screening_record
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.jsonable import assessment_json

router = Router(tags=["clients"])


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request: HttpRequest) -> dict[str, Any]:
    return _me(user_of(request))


@router.patch("/me", response={200: MeOut, **WRITE})
def me_update(request: HttpRequest, payload: MeIn) -> dict[str, Any]:
    """A coach sets the percentile of healthy people that sets the limit of normal for all
    their clients (above 0 and below 50; null brings back the catalogue's default)."""
    user = user_of(request)
    coach_limit_set(coach=user, percentile=payload.limit_percentile)
    return _me(user)


@router.delete("/me", response={204: None, **WRITE})
def me_close(request: HttpRequest, payload: ConfirmIn) -> Status[None]:
    """Close your own account: `{"confirm": "<your e-mail>"}` or `{"confirm": "delete my
    data"}`. Erases your records and your account (its tokens too) at once. A coach first
    deletes every client, archived ones included (else 400)."""
    user = user_of(request)
    record = Client.objects.filter(user=user).first()
    if record is None:  # a coach's own account is about no client record: nothing to audit
        account_close(user=user, confirm=payload.confirm)
        return Status(204, None)
    with audit_write(via=request, user=user, client=record, kind=Kind.DELETE, what=What.CLIENT):
        account_close(user=user, confirm=payload.confirm)
    return Status(204, None)


def _me(user: User) -> dict[str, Any]:
    record = Client.objects.filter(user=user).values_list("id", flat=True).first()
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "client_id": record,
        "limit_percentile": user.limit_percentile,
        "consent_at": user.consent_at,
        "consent_version": user.consent_version,
    }


@router.get("/clients", response={200: list[ClientOut], **errors(400, 401)})
@paginated
def clients(request: HttpRequest, archived: bool = False) -> QuerySet[Client]:
    """A coach's clients (`archived=true`: the archived ones instead), or one's own record
    for a client or solo user."""
    user = user_of(request)
    found = clients_for_user(user)
    if user.role == User.Role.COACH:
        found = found.filter(archived_at__isnull=not archived)
    audit_read(via=request, user=user, client=found.only("id"), what=What.CLIENT_LIST)
    return found.order_by("name", "id")


@router.post("/clients", response={201: ClientOut, **WRITE})
def client_new(request: HttpRequest, payload: ClientIn) -> Status[Client]:
    coach = coach_of(request)
    with audit_write(
        via=request, user=coach, client=None, kind=Kind.CHANGE, what=What.CLIENT
    ) as entry:
        made = client_create(coach=coach, **payload.model_dump())
        entry.client_id = made.id
    return Status(201, made)


@router.get("/clients/{uuid:client_id}", response={200: ClientOut, **ONE})
def client(request: HttpRequest, client_id: UUID) -> Client:
    return client_read(request, client_id, What.CLIENT)


@router.patch("/clients/{uuid:client_id}", response={200: ClientOut, **WRITE})
def client_update_route(request: HttpRequest, client_id: UUID, payload: ClientPatchIn) -> Client:
    """Change a client's details; fields left out keep their value. The e-mail of a client
    with an account is their log-in and cannot change here."""
    user = user_of(request)
    found = get_client_for_coach(user, client_id)
    details = {f: getattr(found, f) for f in ("name", "email", "birth_year", "sex")}
    with audit_write(via=request, user=user, client=found, kind=Kind.CHANGE, what=What.CLIENT):
        return client_update(client=found, **(details | payload.model_dump(exclude_unset=True)))


@router.delete("/clients/{uuid:client_id}", response={204: None, **WRITE})
def client_delete_route(request: HttpRequest, client_id: UUID, payload: ConfirmIn) -> Status[None]:
    """Erase the client's records and their account: `{"confirm": "<the client's name>"}`.
    Download them first (`GET /clients/{id}/export`): this cannot be undone."""
    user = user_of(request)
    found = get_client_for_coach(user, client_id)
    with audit_write(via=request, user=user, client=found, kind=Kind.DELETE, what=What.CLIENT):
        client_delete(client=found, confirm=payload.confirm)
    return Status(204, None)


@router.post("/clients/{uuid:client_id}/archive", response={200: ClientOut, **WRITE})
def client_archive_route(request: HttpRequest, client_id: UUID) -> Client:
    """Off the coach's dashboard and client list (`GET /clients?archived=true` lists them);
    every record is kept, and the client can still sign in and log sessions."""
    user = user_of(request)
    found = get_client_for_coach(user, client_id)
    with audit_write(via=request, user=user, client=found, kind=Kind.CHANGE, what=What.CLIENT):
        return client_archive(client=found)


@router.post("/clients/{uuid:client_id}/restore", response={200: ClientOut, **WRITE})
def client_restore_route(request: HttpRequest, client_id: UUID) -> Client:
    """Back on the dashboard and the client list."""
    user = user_of(request)
    found = get_client_for_coach(user, client_id)
    with audit_write(via=request, user=user, client=found, kind=Kind.CHANGE, what=What.CLIENT):
        return client_restore(client=found)


@router.post("/clients/{uuid:client_id}/invite", response={201: InviteOut, **WRITE})
def client_invite(request: HttpRequest, client_id: UUID) -> Status[dict[str, Any]]:
    """A single-use link for the client to set a password; shown once, and e-mailed to the
    client (`emailed` false when the mail server refused it)."""
    coach = coach_of(request)
    found = get_client_for_user(coach, client_id)
    with audit_write(
        via=request, user=coach, client=found, kind=Kind.INVITE, what=What.INVITE
    ) as entry:
        invite, token = invite_create(client=found)
        entry.record_id = invite.id
    url = request.build_absolute_uri(reverse("invite", args=[token]))
    emailed = invite_email(client=found, link=url, expires_at=invite.expires_at)
    return Status(201, {"url": url, "expires_at": invite.expires_at, "emailed": emailed})


@router.get("/clients/{uuid:client_id}/screenings", response={200: list[ScreeningOut], **LIST})
@paginated
def screenings(request: HttpRequest, client_id: UUID) -> QuerySet[Screening]:
    found = client_read(request, client_id, What.SCREENING)
    return found.screenings.select_related("clearance").order_by("-created_at", "id")


@router.post("/clients/{uuid:client_id}/screenings", response={201: ScreeningOut, **WRITE})
def screening_new(request: HttpRequest, client_id: UUID, payload: ScreeningIn) -> Status[Screening]:
    """Answer the red-flag questions (`GET /catalogue/questions`). A `refer` verdict holds
    new plans and session logging until the coach records a clearance."""
    user = user_of(request)
    found = get_client_for_user(user, client_id)
    with audit_write(
        via=request, user=user, client=found, kind=Kind.CHANGE, what=What.SCREENING
    ) as entry:
        screening = screening_record(
            client=found, answers=payload.answers, neck=payload.neck, recorded_by=user
        )
        entry.record_id = screening.id
    return Status(201, screening)


@router.post("/clients/{uuid:client_id}/clearance", response={201: ScreeningOut, **WRITE})
def clearance(request: HttpRequest, client_id: UUID, payload: ClearanceIn) -> Status[Screening]:
    """The coach records that a professional saw the client after a `refer` screen."""
    coach = coach_of(request)
    found = get_client_for_user(coach, client_id)
    pending = selectors.screening_gate(found).pending_refer
    if pending is None:
        raise InvalidInput.one("__all__", NOTHING_TO_CLEAR)
    with audit_write(
        via=request, user=coach, client=found, kind=Kind.CLEAR, what=What.CLEARANCE
    ) as entry:
        entry.record_id = clearance_record(
            screening=pending, cleared_by=coach, note=payload.note
        ).id
    return Status(201, Screening.objects.select_related("clearance").get(id=pending.id))


@router.get("/clients/{uuid:client_id}/assessments", response={200: list[AssessmentOut], **LIST})
@paginated
def assessments(request: HttpRequest, client_id: UUID) -> QuerySet[Assessment]:
    found = client_read(request, client_id, What.ASSESSMENT)
    return found.assessments.prefetch_related("measurements").order_by("-measured_on", "id")


@router.post("/clients/{uuid:client_id}/assessments", response={201: AssessmentDetailOut, **WRITE})
def assessment_new(
    request: HttpRequest, client_id: UUID, payload: AssessmentIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    found = get_client_for_user(user, client_id)
    with audit_write(
        via=request, user=user, client=found, kind=Kind.CHANGE, what=What.ASSESSMENT
    ) as entry:
        assessment = assessment_record(
            client=found,
            recorded_by=user,
            measured_on=payload.measured_on,
            measured_by=payload.measured_by,
            measurements=[MeasurementInput(**m.model_dump()) for m in payload.measurements],
            today=timezone.localdate(),
        )
        entry.record_id = assessment.id
    return Status(201, _detail(assessment))


@router.get("/assessments/{uuid:assessment_id}", response={200: AssessmentDetailOut, **ONE})
def assessment(request: HttpRequest, assessment_id: UUID) -> dict[str, Any]:
    user = user_of(request)
    found = get_assessment_for_user(user, assessment_id)
    audit_read(via=request, user=user, client=found.client, what=What.ASSESSMENT)
    return _detail(found)


def client_read(request: HttpRequest, client_id: UUID, what: str) -> Client:
    """The client, for the caller who may read them (else 404), with the read recorded."""
    user = user_of(request)
    found = get_client_for_user(user, client_id)
    audit_read(via=request, user=user, client=found, what=what)
    return found


def _detail(assessment: Assessment) -> dict[str, Any]:
    catalogue = load_catalogue()
    results = selectors.restriction_map(assessment, timezone.localdate())
    return AssessmentOut.model_validate(assessment).model_dump() | {
        "restriction_map": [assessment_json(catalogue, r) for r in results]
    }


def coach_of(request: HttpRequest) -> User:
    """Coach-only endpoints do not exist for anyone else: 404, as on the pages."""
    user = user_of(request)
    if user.role != User.Role.COACH:
        raise Http404("not found")
    return user
