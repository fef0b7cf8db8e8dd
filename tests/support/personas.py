"""Fixed personas for every access test: two coaches, their clients, a solo user, and the
anonymous visitor; and signing each of them in with Django's test client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client as HttpClient

from selfmob.clinic.models import Client, User
from selfmob.clinic.services.accounts import client_create, coach_signup, solo_signup

PASSWORD = "a-long-test-password-42"
TODAY = date(2026, 11, 23)
ANON = "anonymous"


@dataclass
class Personas:
    coach: User
    other_coach: User
    client: Client
    client_user: User
    other_client: Client
    other_client_user: User
    solo: User


def user_for(client: Client) -> User:
    """Give a client record a client account (password PASSWORD)."""
    user = User.objects.create_user(client.email, PASSWORD, role=User.Role.CLIENT)
    client.user = user
    client.save(update_fields=["user"])
    return user


def build_personas() -> Personas:
    """The owner coach with client Ana, the other coach with client Ben, and a solo user."""
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


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def as_(people: Personas, who: str) -> HttpClient:
    """A test client signed in as "owner", "other_coach", "client", "other_client", or ANON."""
    users = {
        "owner": people.coach,
        "other_coach": people.other_coach,
        "client": people.client_user,
        "other_client": people.other_client_user,
    }
    return HttpClient() if who == ANON else login(users[who])
