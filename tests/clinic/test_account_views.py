"""The account page: tokens made (shown once), listed by prefix, revoked only by their owner."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from selfmob.clinic.models import ApiToken
from selfmob.clinic.services.api_tokens import api_token_create
from tests.support.factories import assessment_form
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


def test_a_coach_sets_the_percentile_for_all_their_clients(screened: Personas) -> None:
    http = login(screened.coach)
    assert "Limit of normal" in http.get("/account").content.decode()
    saved = http.post("/account/limits", {"limit_percentile": "25"})
    assert saved.status_code == 302
    screened.coach.refresh_from_db()
    assert screened.coach.limit_percentile == 25.0
    made = http.post(
        reverse("assessment_new", args=[screened.client.id]),
        assessment_form(left_1="7.5", left_2="7.5", right_1="7.6"),
    )
    page = http.get(made["Location"]).content.decode()
    assert "the percentile was set by the coach" in page, "7.5 cm is restricted at the 25th"
    assert http.post("/account/limits", {"limit_percentile": ""}).status_code == 302
    screened.coach.refresh_from_db()
    assert screened.coach.limit_percentile is None


@pytest.mark.parametrize("value", ["0", "50", "-3", "abc"])
def test_a_bad_percentile_is_refused_and_nothing_changes(people: Personas, value: str) -> None:
    response = login(people.coach).post("/account/limits", {"limit_percentile": value})
    assert response.status_code == 400
    people.coach.refresh_from_db()
    assert people.coach.limit_percentile is None


@pytest.mark.parametrize("role", ["client_user", "solo"])
def test_only_a_coach_has_the_setting(people: Personas, role: str) -> None:
    http = login(getattr(people, role))
    assert "Limit of normal" not in http.get("/account").content.decode()
    response = http.post("/account/limits", {"limit_percentile": "10"})
    assert response.status_code == 400
    assert "only a coach sets the limit of normal" in response.content.decode()
    assert login(people.coach).get("/account").status_code == 200
    assert HttpClient().post("/account/limits", {"limit_percentile": "10"}).status_code == 302


@pytest.mark.parametrize(
    ("role", "body", "status"),
    [
        ("coach", {"limit_percentile": 10}, 200),
        ("coach", {"limit_percentile": None}, 200),
        ("coach", {"limit_percentile": 60}, 400),
        ("coach", {"limit_percentile": "10"}, 400),
        ("client_user", {"limit_percentile": 10}, 400),
        ("solo", {"limit_percentile": 10}, 400),
    ],
)
def test_the_api_sets_it_for_a_coach_only(
    people: Personas, role: str, body: dict[str, object], status: int
) -> None:
    _, raw = api_token_create(user=getattr(people, role), name="x")
    api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.patch("/api/v1/me", json.dumps(body), content_type="application/json")
    assert response.status_code == status
    user = getattr(people, role)
    user.refresh_from_db()
    expected = body["limit_percentile"] if status == 200 else None
    assert user.limit_percentile == expected
    if status == 200:
        assert response.json()["limit_percentile"] == expected
