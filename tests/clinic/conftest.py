"""Fixed personas for every access test: two coaches, their clients, a solo user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client as HttpClient

from selfmob.clinic.models import Client, PlanItem, User
from selfmob.clinic.services.accounts import client_create, coach_signup, solo_signup
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import screening_record
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions

PASSWORD = "a-long-test-password-42"
TODAY = date(2026, 11, 23)


@dataclass
class Personas:
    coach: User
    other_coach: User
    client: Client
    client_user: User
    other_client: Client
    other_client_user: User
    solo: User


def all_no(*, neck: bool = False) -> dict[str, object]:
    return {q.id: False for q in questions(load_catalogue(), neck=neck)}


def user_for(client: Client) -> User:
    user = User.objects.create_user(client.email, PASSWORD, role=User.Role.CLIENT)
    client.user = user
    client.save(update_fields=["user"])
    return user


@pytest.fixture
def people(db: None) -> Personas:
    coach = coach_signup(email="coach@example.test", password=PASSWORD, name="Coach")
    other_coach = coach_signup(email="other@example.test", password=PASSWORD, name="Other")
    client = client_create(
        coach=coach, name="Ana", email="ana@example.test", birth_year=1990, sex="f"
    )
    other_client = client_create(coach=other_coach, name="Ben", email="ben@example.test")
    solo = solo_signup(email="solo@example.test", password=PASSWORD, name="Solo")
    return Personas(
        coach=coach,
        other_coach=other_coach,
        client=client,
        client_user=user_for(client),
        other_client=other_client,
        other_client_user=user_for(other_client),
        solo=solo,
    )


@pytest.fixture
def screened(people: Personas) -> Personas:
    screening_record(client=people.client, answers=all_no(), neck=False, recorded_by=people.coach)
    return people


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def ankle_item(screened: Personas) -> PlanItem:
    """A one-item plan for the screened client: banded ankle glide, right, daily."""
    item = ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1)
    plan = plan_create(
        client=screened.client,
        created_by=screened.coach,
        starts_on=TODAY,
        ends_on=None,
        items=[item],
    )
    return plan.items.get()
