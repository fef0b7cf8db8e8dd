"""Plans and their items, and the sessions logged against them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from selfmob.clinic.access import (
    check_only_the_client,
    get_client_for_planning,
    get_client_for_user,
    get_plan_for_user,
    get_plan_item_for_planning,
    get_plan_item_for_user,
    get_session_for_user,
)
from selfmob.clinic.api.auth import user_of
from selfmob.clinic.api.pagination import paginated
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
from selfmob.clinic.models import Plan, PlanItem, Session
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
    found = get_client_for_user(user_of(request), client_id)
    return found.plans.prefetch_related("items").order_by("-starts_on", "id")


@router.post("/clients/{uuid:client_id}/plans", response={201: PlanOut, **WRITE})
def plan_new(request: HttpRequest, client_id: UUID, payload: PlanIn) -> Status[Plan]:
    """Written by the owner coach, or by a solo user for themself (a coached client: 403)."""
    user = user_of(request)
    found = get_client_for_planning(user, client_id)
    plan = plan_create(
        client=found,
        created_by=user,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        items=[ItemInput(**item.model_dump()) for item in payload.items],
    )
    return Status(201, plan)


@router.get("/plans/{uuid:plan_id}", response={200: PlanOut, **ONE})
def plan(request: HttpRequest, plan_id: UUID) -> Plan:
    return get_plan_for_user(user_of(request), plan_id)


@router.patch("/items/{uuid:item_id}", response={200: ItemOut, **WRITE})
def item_update(request: HttpRequest, item_id: UUID, payload: ItemUpdateIn) -> PlanItem:
    """Change the schedule or pain limit from now on; logged sessions keep their copy."""
    item = get_plan_item_for_planning(user_of(request), item_id)
    return plan_item_update(item=item, **payload.model_dump())


@router.delete("/items/{uuid:item_id}", response={200: ItemOut, **errors(401, 403, 404, 413)})
def item_remove(request: HttpRequest, item_id: UUID) -> PlanItem:
    """Take the item out of the plan; its sessions stay. Removing twice changes nothing."""
    item = get_plan_item_for_planning(user_of(request), item_id)
    return plan_item_remove(item=item, now=timezone.now())


@router.get("/clients/{uuid:client_id}/sessions", response={200: list[SessionOut], **LIST})
@paginated
def sessions(request: HttpRequest, client_id: UUID) -> QuerySet[Session]:
    """Newest first."""
    found = get_client_for_user(user_of(request), client_id)
    return found.sessions.order_by("-performed_on", "-created_at", "id")


@router.post("/items/{uuid:item_id}/sessions", response={200: LoggedOut, 201: LoggedOut, **WRITE})
def session_new(request: HttpRequest, item_id: UUID, payload: SessionIn) -> Status[dict[str, Any]]:
    """Log a session: 201 when stored, 200 when the same `idempotency_key` was stored
    before (a retry); the body is the same session either way."""
    user = user_of(request)
    item = get_plan_item_for_user(user, item_id)
    check_only_the_client(user, item.plan.client)
    logged = session_log(plan_item=item, today=timezone.localdate(), **payload.model_dump())
    body = {"session": logged.session, "created": logged.created, "guidance": logged.guidance}
    return Status((201 if logged.created else 200), body)


@router.get("/sessions/{uuid:session_id}", response={200: SessionOut, **ONE})
def session(request: HttpRequest, session_id: UUID) -> Session:
    return get_session_for_user(user_of(request), session_id)


@router.post("/sessions/{uuid:session_id}/next-day-pain", response={200: LoggedOut, **WRITE})
def next_day_pain(request: HttpRequest, session_id: UUID, payload: NextDayPainIn) -> dict[str, Any]:
    """Pain the day after (once, within two days); a rise of 2 or more asks for a review."""
    user = user_of(request)
    found = get_session_for_user(user, session_id)
    check_only_the_client(user, found.client)
    updated, guidance = next_day_pain_record(
        session=found, pain=payload.pain, today=timezone.localdate()
    )
    return {"session": updated, "created": False, "guidance": guidance}
