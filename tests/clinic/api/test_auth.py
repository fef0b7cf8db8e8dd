"""Personal tokens (hashed, shown once, revocable) and the session cookie with CSRF."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from selfmob.clinic.models import ApiToken
from selfmob.clinic.services.api_tokens import api_token_create, api_token_revoke
from selfmob.clinic.tokens import token_hash
from tests.support.personas import Personas


def bearer(raw: str) -> HttpClient:
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_is_stored_as_a_hash_and_works_until_revoked(people: Personas) -> None:
    token, raw = api_token_create(user=people.coach, name="practice software")
    assert raw.startswith("smb_") and raw not in token.token_hash
    assert ApiToken.objects.get(id=token.id).token_hash == token_hash(raw)
    assert token.prefix == raw[: len(token.prefix)]
    me = bearer(raw).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == people.coach.email
    api_token_revoke(token=token, now=timezone.now())
    refused = bearer(raw).get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_unknown_or_missing_tokens_get_401(people: Personas) -> None:
    assert bearer("smb_not-a-real-token").get("/api/v1/me").status_code == 401
    assert HttpClient().get("/api/v1/me").status_code == 401
    assert HttpClient(HTTP_AUTHORIZATION="Basic abc").get("/api/v1/me").status_code == 401


def test_a_deactivated_account_loses_its_tokens(people: Personas) -> None:
    _, raw = api_token_create(user=people.coach, name="x")
    people.coach.is_active = False
    people.coach.save(update_fields=["is_active"])
    assert bearer(raw).get("/api/v1/me").status_code == 401


def test_last_use_is_recorded_at_most_every_few_minutes(people: Personas) -> None:
    token, raw = api_token_create(user=people.coach, name="x")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        bearer(raw).get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        bearer(raw).get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == start  # not written again so soon
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        bearer(raw).get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(minutes=6)


def test_the_session_cookie_works_and_writes_need_the_csrf_token(people: Personas) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(people.coach)
    assert browser.get("/api/v1/me").status_code == 200
    body = {"name": "Dee", "email": "dee@example.test"}
    refused = browser.post("/api/v1/clients", body, content_type="application/json")
    assert refused.status_code in (401, 403)
    assert "error" in refused.json()
    browser.get("/account")  # any page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    made = browser.post(
        "/api/v1/clients", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert made.status_code == 201


def test_a_token_needs_no_csrf_token(people: Personas) -> None:
    _, raw = api_token_create(user=people.coach, name="x")
    http = HttpClient(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"name": "Dee", "email": "dee@example.test"}
    assert http.post("/api/v1/clients", body, content_type="application/json").status_code == 201
