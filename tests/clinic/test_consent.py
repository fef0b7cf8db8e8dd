"""Consent: signing up and accepting an invite need the person's agreement to the processing of
their health data; its time and the version of the text are kept, and without it nothing is
made."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import Client, User
from selfmob.clinic.services.accounts import (
    CONSENT_NEEDED,
    CONSENT_VERSION,
    client_create,
    coach_signup,
    invite_accept,
    invite_create,
    solo_signup,
)
from tests.support.api import Api
from tests.support.personas import PASSWORD, Personas

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
PAGES = ["signup", "signup_solo"]


def signup_data(**extra: str) -> dict[str, str]:
    return {"name": "New", "email": "new@example.test", "password": PASSWORD} | extra


@pytest.mark.parametrize("page", PAGES)
def test_the_sign_up_page_asks_for_consent_and_links_the_privacy_text(db: None, page: str) -> None:
    body = HttpClient().get(reverse(page)).content.decode()
    assert 'type="checkbox" name="consent"' in body
    assert f'href="{reverse("privacy")}"' in body


@pytest.mark.parametrize("page", PAGES)
def test_sign_up_without_consent_is_refused_and_makes_nothing(db: None, page: str) -> None:
    response = HttpClient().post(reverse(page), signup_data())
    assert response.status_code == 400
    assert CONSENT_NEEDED in html.unescape(response.content.decode())
    assert not User.objects.exists()
    assert not Client.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_sign_up_keeps_the_time_and_version_of_the_consent(db: None, page: str) -> None:
    with time_machine.travel(NOW, tick=False):
        response = HttpClient().post(reverse(page), signup_data(consent="on"))
    assert response.status_code == 302
    user = User.objects.get(email="new@example.test")
    assert (user.consent_at, user.consent_version) == (NOW, CONSENT_VERSION)


@pytest.mark.parametrize("signup", [coach_signup, solo_signup])
def test_the_services_refuse_a_sign_up_without_consent(
    db: None, signup: Callable[..., User]
) -> None:
    with pytest.raises(InvalidInput) as info:
        signup(email="new@example.test", password=PASSWORD, name="New", consent=False)
    assert info.value.fields == {"consent": CONSENT_NEEDED}
    assert not User.objects.exists()


def test_an_account_the_operator_makes_has_no_consent_recorded(db: None) -> None:
    user = coach_signup(email="demo@example.test", password=PASSWORD, name="Demo")
    assert (user.consent_at, user.consent_version) == (None, "")


def test_an_invite_without_consent_is_refused_and_stays_open(people: Personas) -> None:
    dee = client_create(coach=people.coach, name="Dee", email="dee@example.test")
    _, token = invite_create(client=dee)
    url = reverse("invite", args=[token])
    refused = HttpClient().post(url, {"password": PASSWORD})
    assert refused.status_code == 400
    assert CONSENT_NEEDED in html.unescape(refused.content.decode())
    assert not User.objects.filter(email="dee@example.test").exists()
    with time_machine.travel(NOW, tick=False):
        accepted = HttpClient().post(url, {"password": PASSWORD, "consent": "on"})
    assert accepted.status_code == 302
    user = User.objects.get(email="dee@example.test")
    assert (user.consent_at, user.consent_version) == (NOW, CONSENT_VERSION)


def test_the_invite_service_refuses_without_consent(people: Personas) -> None:
    dee = client_create(coach=people.coach, name="Dee", email="dee@example.test")
    _, token = invite_create(client=dee)
    with pytest.raises(InvalidInput) as info:
        invite_accept(token=token, password=PASSWORD, consent=False)
    assert info.value.fields == {"consent": CONSENT_NEEDED}
    dee.refresh_from_db()
    assert dee.user is None


def test_the_invite_page_asks_for_consent(people: Personas) -> None:
    dee = client_create(coach=people.coach, name="Dee", email="dee@example.test")
    _, token = invite_create(client=dee)
    body = HttpClient().get(reverse("invite", args=[token])).content.decode()
    assert 'type="checkbox" name="consent"' in body
    assert f'href="{reverse("privacy")}"' in body


def test_the_privacy_page_is_public_and_names_its_version(db: None) -> None:
    response = HttpClient().get(reverse("privacy"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Version {CONSENT_VERSION}" in body
    assert "health data" in body
    assert f'href="{reverse("login")}"' in body  # a way on


def test_the_privacy_page_only_answers_get(db: None) -> None:
    assert HttpClient().post(reverse("privacy")).status_code == 405


def test_me_shows_the_consent(db: None) -> None:
    with time_machine.travel(NOW, tick=False):
        user = solo_signup(email="sol@example.test", password=PASSWORD, name="Sol", consent=True)
    me = Api(user).get("/me").json()
    assert (me["consent_at"], me["consent_version"]) == ("2026-12-05T09:30:00Z", CONSENT_VERSION)


def test_me_shows_no_consent_for_an_operator_account(people: Personas) -> None:
    me = Api(people.coach).get("/me").json()
    assert (me["consent_at"], me["consent_version"]) == (None, "")


def test_the_account_page_shows_the_consent(db: None) -> None:
    with time_machine.travel(NOW, tick=False):
        user = solo_signup(email="sol@example.test", password=PASSWORD, name="Sol", consent=True)
    http = HttpClient()
    http.force_login(user)
    body = http.get(reverse("account")).content.decode()
    assert f'on 2026-12-05 (<a href="{reverse("privacy")}">privacy text</a>, version ' in body
