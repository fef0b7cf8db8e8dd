from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from selfmob.clinic.access import get_client_for_user, get_plan_item_for_user
from selfmob.clinic.models import PlanItem, User
from tests.support.personas import Personas


def test_the_owner_coach_and_the_client_get_the_record(people: Personas) -> None:
    assert get_client_for_user(people.coach, people.client.id) == people.client
    assert get_client_for_user(people.client_user, str(people.client.id)) == people.client


def test_a_solo_user_gets_their_own_record(people: Personas) -> None:
    record = people.solo.client_record
    assert get_client_for_user(people.solo, record.id) == record


@pytest.mark.parametrize("who", ["other_coach", "other_client_user", "solo"])
def test_outsiders_get_404(people: Personas, who: str) -> None:
    with pytest.raises(Http404):
        get_client_for_user(getattr(people, who), people.client.id)


def test_anonymous_gets_404(people: Personas) -> None:
    with pytest.raises(Http404):
        get_client_for_user(AnonymousUser(), people.client.id)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["not-a-uuid", uuid.uuid4(), "", None])
def test_bad_or_unknown_ids_get_404(people: Personas, bad: object) -> None:
    with pytest.raises(Http404):
        get_client_for_user(people.coach, bad)


def test_plan_items_follow_their_client(screened: Personas, ankle_item: PlanItem) -> None:
    item = ankle_item
    assert get_plan_item_for_user(screened.client_user, item.id) == item
    for outsider in (screened.other_coach, screened.other_client_user):
        with pytest.raises(Http404):
            get_plan_item_for_user(outsider, item.id)


def test_personas_have_their_roles(people: Personas) -> None:
    assert people.coach.role == User.Role.COACH
    assert people.solo.role == User.Role.SOLO
    assert people.solo.client_record.coach is None
