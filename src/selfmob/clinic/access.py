"""One access helper per resource. Outsiders get 404: existence is never revealed."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from selfmob.clinic.errors import ONLY_THE_CLIENT
from selfmob.clinic.models import ApiToken, Assessment, Client, Plan, PlanItem, Session, User

M = TypeVar("M", bound=Model)


class AuthedRequest(HttpRequest):
    """The request of a view behind `login_required`: its user is one of ours."""

    user: User


def _parse(value: object) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404("not found") from None


def _one(queryset: QuerySet[M], object_id: object) -> M:
    """The row with this id, or 404. `get` drops the ordering `first` would add."""
    try:
        return queryset.get(id=_parse(object_id))
    except ObjectDoesNotExist:
        raise Http404("not found") from None


def get_client_for_user(user: User, client_id: object) -> Client:
    """The owner coach, or the client (including a solo user) themself."""
    if not user.is_authenticated:
        raise Http404("not found")
    return _allowed(user, _one(Client.objects.all(), client_id))


def _allowed(user: User, client: Client) -> Client:
    if not user.is_authenticated or user.id not in (client.coach_id, client.user_id):
        raise Http404("not found")
    return client


def get_plan_item_for_user(user: User, item_id: object) -> PlanItem:
    item = _one(PlanItem.objects.select_related("plan__client"), item_id)
    _allowed(user, item.plan.client)
    return item


def get_assessment_for_user(user: User, assessment_id: object) -> Assessment:
    found = _one(Assessment.objects.select_related("client"), assessment_id)
    _allowed(user, found.client)
    return found


def writes_for(user: User, client: Client) -> bool:
    """Who writes a client's plan and clears their red-flag hold: the owner coach, or a
    solo user for themself (for pages that only offer the link)."""
    return user.id == (client.coach_id or client.user_id)


def _get_client_for_writer(user: User, client_id: object, refused: str) -> Client:
    """A client `user` may see (else 404) and writes for (else 403, saying `refused`)."""
    client = get_client_for_user(user, client_id)
    if not writes_for(user, client):
        raise PermissionDenied(refused)
    return client


def get_client_for_planning(user: User, client_id: object) -> Client:
    """Plans are written by the owner coach, or by a solo user for themself. A coached
    client may read their plan but not write it: 403."""
    return _get_client_for_writer(user, client_id, "your coach writes your plan")


def get_client_for_clearance(user: User, client_id: object) -> Client:
    """A red-flag hold is cleared by the owner coach, or by a solo user for themself once a
    professional has seen them. A coached client may not clear their own hold: 403."""
    return _get_client_for_writer(user, client_id, "your coach records a clearance")


def get_session_for_user(user: User, session_id: object) -> Session:
    found = _one(Session.objects.select_related("client"), session_id)
    _allowed(user, found.client)
    return found


def get_plan_item_for_planning(user: User, item_id: object) -> PlanItem:
    """An item its plan's writer may change: the owner coach or a solo user; else 404/403."""
    item = get_plan_item_for_user(user, item_id)
    get_client_for_planning(user, item.plan.client_id)
    return item


def get_plan_for_user(user: User, plan_id: object) -> Plan:
    plan = _one(Plan.objects.select_related("client"), plan_id)
    _allowed(user, plan.client)
    return plan


def clients_for_user(user: User) -> QuerySet[Client]:
    """Every client record the user may see: a coach's clients, or one's own record."""
    if user.role == User.Role.COACH:
        return Client.objects.filter(coach=user)
    return Client.objects.filter(user=user)


def get_api_token_for_user(user: User, token_id: object) -> ApiToken:
    """Only one's own tokens exist: anyone else's is 404."""
    token = _one(ApiToken.objects.all(), token_id)
    if token.user_id != user.id:
        raise Http404("not found")
    return token


def check_only_the_client(user: User, client: Client) -> None:
    """Sessions are the client's own record: the coach may read them, not write them (403)."""
    if client.user_id != user.id:
        raise PermissionDenied(ONLY_THE_CLIENT)


ONLY_THE_COACH = (
    "only the client's coach changes, archives or deletes a client record; to close your own "
    "account, use the Account page"
)


def get_client_for_coach(user: User, client_id: object) -> Client:
    """A client record its owner coach manages (details, archive, delete). Outsiders get
    404; the client themself, a solo user included, 403."""
    client = get_client_for_user(user, client_id)
    if client.coach_id is None or user.id != client.coach_id:
        raise PermissionDenied(ONLY_THE_COACH)
    return client
