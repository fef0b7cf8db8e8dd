"""The account page: tokens made (shown once), listed by prefix, revoked only by their owner."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from selfmob.clinic.models import ApiToken
from selfmob.clinic.services.api_tokens import api_token_create
from tests.support.personas import Personas, login

ROLES = ["coach", "client_user", "solo"]


@pytest.mark.parametrize("role", ROLES)
def test_every_account_can_make_a_token_and_sees_it_once(people: Personas, role: str) -> None:
    http = login(getattr(people, role))
    made = http.post("/account", {"name": "my script"})
    assert made.status_code == 200
    token = ApiToken.objects.get(user=getattr(people, role))
    page = made.content.decode()
    raw = page.split('id="new-token" class="wide" readonly value="')[1].split('"')[0]
    assert raw.startswith(token.prefix)
    again = http.get("/account").content.decode()
    assert raw not in again and token.prefix in again
    api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me").json()["email"] == getattr(people, role).email


def test_a_token_needs_a_name(people: Personas) -> None:
    response = login(people.coach).post("/account", {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_and_others_get_404(people: Personas) -> None:
    token, raw = api_token_create(user=people.coach, name="x")
    path = f"/account/tokens/{token.id}/revoke"
    assert login(people.other_coach).post(path).status_code == 404
    assert login(people.client_user).post(path).status_code == 404
    assert login(people.coach).get(path).status_code == 405
    anonymous = HttpClient().post(path)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    token.refresh_from_db()
    assert token.revoked_at is None
    assert login(people.coach).post(path).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401


def test_the_account_page_needs_a_sign_in(people: Personas) -> None:
    response = HttpClient().get("/account")
    assert response.status_code == 302
    assert HttpClient().put("/account").status_code in (302, 405)


def test_the_account_page_is_never_cached(people: Personas) -> None:
    response = login(people.coach).post("/account", {"name": "x"})
    assert "no-store" in response["Cache-Control"]
