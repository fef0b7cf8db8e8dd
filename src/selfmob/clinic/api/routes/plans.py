"""Plans and their items, and the sessions logged against them."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from selfmob.clinic.access import (
    check_only_the_client,
    get_client_for_planning,
    get_plan_for_user,
    get_plan_item_for_planning,
    get_plan_item_for_user,
    get_session_for_user,
)
from selfmob.clinic.api.auth import user_of
from selfmob.clinic.api.pagination import paginated
from selfmob.clinic.api.routes.clients import client_read
from selfmob.clinic.api.schemas import (
    LIST,
    ONE,
    WRITE,
    ItemOut,
    ItemUpdateIn,
    LoggedOut,
    NextDayPainIn,
    PlanIn,
    PlanOut,
    SessionIn,
    SessionOut,
    errors,
)
from selfmob.clinic.models import AuditEntry, Client, Plan, PlanItem, Session, User
from selfmob.clinic.services.audit import Kind, What, audit_read, audit_write
from selfmob.clinic.services.plans import (
    ItemInput,
    plan_create,
    plan_item_remove,
    plan_item_update,
)
from selfmob.clinic.services.sessions import next_day_pain_record, session_log

router = Router(tags=["plans and sessions"])


@router.get("/clients/{uuid:client_id}/plans", response={200: list[PlanOut], **LIST})
@paginated
def plans(request: HttpRequest, client_id: UUID) -> QuerySet[Plan]:
    found = client_read(request, client_id, What.PLAN)
    return found.plans.prefetch_related("items").order_by("-starts_on", "id")


@router.post("/clients/{uuid:client_id}/plans", response={201: PlanOut, **WRITE})
def plan_new(request: HttpRequest, client_id: UUID, payload: PlanIn) -> Status[Plan]:
    """Written by the owner coach, or by a solo user for themself (a coached client: 403)."""
    user = user_of(request)
    found = get_client_for_planning(user, client_id)
    with _audited(request, user, found, What.PLAN) as entry:
        plan = plan_create(
            client=found,
            created_by=user,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            items=[ItemInput(**item.model_dump()) for item in payload.items],
        )
        entry.record_id = plan.id
    return Status(201, plan)


@router.get("/plans/{uuid:plan_id}", response={200: PlanOut, **ONE})
def plan(request: HttpRequest, plan_id: UUID) -> Plan:
    user = user_of(request)
    found = get_plan_for_user(user, plan_id)
    audit_read(via=request, user=user, client=found.client, what=What.PLAN)
    return found


@router.patch("/items/{uuid:item_id}", response={200: ItemOut, **WRITE})
def item_update(request: HttpRequest, item_id: UUID, payload: ItemUpdateIn) -> PlanItem:
    """Change the schedule or pain limit from now on; logged sessions keep their copy."""
    user = user_of(request)
    item = get_plan_item_for_planning(user, item_id)
    with _audited(request, user, item.plan.client, What.PLAN_ITEM, record_id=item.id):
        return plan_item_update(item=item, **payload.model_dump())


@router.delete("/items/{uuid:item_id}", response={200: ItemOut, **errors(401, 403, 404, 413)})
def item_remove(request: HttpRequest, item_id: UUID) -> PlanItem:
    """Take the item out of the plan; its sessions stay. Removing twice changes nothing."""
    user = user_of(request)
    item = get_plan_item_for_planning(user, item_id)
    client = item.plan.client
    with _audited(request, user, client, What.PLAN_ITEM, record_id=item.id, kind=Kind.DELETE):
        return plan_item_remove(item=item, now=timezone.now())


@router.get("/clients/{uuid:client_id}/sessions", response={200: list[SessionOut], **LIST})
@paginated
def sessions(request: HttpRequest, client_id: UUID) -> QuerySet[Session]:
    """Newest first."""
    found = client_read(request, client_id, What.SESSION)
    return found.sessions.order_by("-performed_on", "-created_at", "id")


@router.post("/items/{uuid:item_id}/sessions", response={200: LoggedOut, 201: LoggedOut, **WRITE})
def session_new(request: HttpRequest, item_id: UUID, payload: SessionIn) -> Status[dict[str, Any]]:
    """Log a session: 201 when stored, 200 when the same `idempotency_key` was stored
    before (a retry); the body is the same session either way."""
    user = user_of(request)
    item = get_plan_item_for_user(user, item_id)
    check_only_the_client(user, item.plan.client)
    with _audited(request, user, item.plan.client, What.SESSION) as entry:
        logged = session_log(plan_item=item, today=timezone.localdate(), **payload.model_dump())
        entry.record_id = logged.session.id
    body = {"session": logged.session, "created": logged.created, "guidance": logged.guidance}
    return Status((201 if logged.created else 200), body)


@router.get("/sessions/{uuid:session_id}", response={200: SessionOut, **ONE})
def session(request: HttpRequest, session_id: UUID) -> Session:
    user = user_of(request)
    found = get_session_for_user(user, session_id)
    audit_read(via=request, user=user, client=found.client, what=What.SESSION)
    return found


@router.post("/sessions/{uuid:session_id}/next-day-pain", response={200: LoggedOut, **WRITE})
def next_day_pain(request: HttpRequest, session_id: UUID, payload: NextDayPainIn) -> dict[str, Any]:
    """Pain the day after (once, within two days); a rise of 2 or more asks for a review."""
    user = user_of(request)
    found = get_session_for_user(user, session_id)
    check_only_the_client(user, found.client)
    with _audited(request, user, found.client, What.SESSION, record_id=found.id):
        updated, guidance = next_day_pain_record(
            session=found, pain=payload.pain, today=timezone.localdate()
        )
    return {"session": updated, "created": False, "guidance": guidance}


def _audited(
    request: HttpRequest,
    user: User,
    client: Client,
    what: str,
    *,
    record_id: UUID | None = None,
    kind: str = Kind.CHANGE,
) -> AbstractContextManager[AuditEntry]:
    """A write to the client's records, recorded in its transaction."""
    return audit_write(
        via=request, user=user, client=client, kind=kind, what=what, record_id=record_id
    )
