"""Invites: the link is e-mailed to the client when the coach makes it, the page offers to copy
it, and a used, expired or unknown link says so (410, 410, 404) and never shows the password
form."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from selfmob.clinic.models import Client
from selfmob.clinic.services.accounts import (
    InviteStatus,
    client_create,
    invite_accept,
    invite_create,
    invite_status,
)
from tests.support.api import Api
from tests.support.personas import PASSWORD, Personas, login, user_for

FAILING = "tests.clinic.test_invites.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message, as smtplib does: with an OSError."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("no mail server")


@pytest.fixture
def dee(people: Personas) -> Client:
    return client_create(coach=people.coach, name="Dee", email="dee@example.test")


def link_in(page: str) -> str:
    field = page.partition('id="invite-link" class="wide" readonly value="')[2]
    return html.unescape(field.partition('"')[0])


def test_making_an_invite_emails_the_link_to_the_client(people: Personas, dee: Client) -> None:
    response = login(people.coach).post(reverse("client_invite", args=[dee.id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "We e-mailed this link to dee@example.test." in page
    [sent] = mail.outbox
    assert sent.to == ["dee@example.test"]
    assert sent.subject == "Coach invited you to selfmob"
    assert link_in(page) in sent.body
    assert "/invite/" in link_in(page)


def test_a_refused_email_still_shows_the_link(people: Personas, dee: Client, settings: Any) -> None:
    settings.EMAIL_BACKEND = FAILING
    response = login(people.coach).post(reverse("client_invite", args=[dee.id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "could not be sent" in page
    assert "/invite/" in link_in(page)


def test_the_api_invite_emails_the_link(people: Personas, dee: Client) -> None:
    made = Api(people.coach).post(f"/clients/{dee.id}/invite", {})
    assert made.status_code == 201
    assert made.json()["emailed"] is True
    [sent] = mail.outbox
    assert made.json()["url"] in sent.body


def test_the_api_says_when_the_email_was_refused(
    people: Personas, dee: Client, settings: Any
) -> None:
    settings.EMAIL_BACKEND = FAILING
    made = Api(people.coach).post(f"/clients/{dee.id}/invite", {})
    assert (made.status_code, made.json()["emailed"]) == (201, False)


def test_no_email_when_the_client_has_an_account(people: Personas) -> None:
    response = login(people.coach).post(reverse("client_invite", args=[people.client.id]))
    assert response.status_code == 400
    assert mail.outbox == []


def test_the_link_page_has_a_copy_button_and_its_script(people: Personas, dee: Client) -> None:
    page = login(people.coach).post(reverse("client_invite", args=[dee.id])).content.decode()
    assert '<button type="button" data-copy="invite-link" hidden>Copy link</button>' in page
    assert 'src="/static/clinic/copy.js"' in page
    assert f'href="{reverse("client", args=[dee.id])}"' in page  # the way back


def test_the_copy_script_uses_the_clipboard_and_falls_back_to_selecting() -> None:
    found = finders.find("clinic/copy.js")
    assert isinstance(found, str)
    with open(found, encoding="utf-8") as script:
        text = script.read()
    assert "navigator.clipboard.writeText" in text
    assert "field.select()" in text


def test_an_open_link_shows_the_password_form(dee: Client) -> None:
    _, token = invite_create(client=dee)
    response = HttpClient().get(reverse("invite", args=[token]))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_a_used_link_says_so_with_410_and_no_form(dee: Client) -> None:
    _, token = invite_create(client=dee)
    invite_accept(token=token, password=PASSWORD, consent=True)
    response = HttpClient().get(reverse("invite", args=[token]))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This invite link has been used" in page
    assert 'name="password"' not in page
    assert f'href="{reverse("login")}"' in page


def test_posting_to_a_used_link_says_so_too(dee: Client) -> None:
    _, token = invite_create(client=dee)
    invite_accept(token=token, password=PASSWORD, consent=True)
    data = {"password": "another-long-password-7", "consent": "on"}
    response = HttpClient().post(reverse("invite", args=[token]), data)
    assert response.status_code == 410
    assert "This invite link has been used" in response.content.decode()
    dee.refresh_from_db()
    assert dee.user is not None and dee.user.check_password(PASSWORD)


def test_an_expired_link_says_so_with_410_and_no_form(dee: Client) -> None:
    _, token = invite_create(client=dee, now=timezone.now() - timedelta(days=8))
    response = HttpClient().get(reverse("invite", args=[token]))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This invite link has expired" in page
    assert 'name="password"' not in page
    assert f'href="{reverse("login")}"' in page


def test_a_link_replaced_by_a_newer_one_reads_as_expired(dee: Client) -> None:
    _, old = invite_create(client=dee)
    invite_create(client=dee)
    assert HttpClient().get(reverse("invite", args=[old])).status_code == 410


def test_an_unknown_link_is_404_without_a_form(db: None) -> None:
    response = HttpClient().get(reverse("invite", args=["no-such-token"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "This invite link is not valid" in page
    assert 'name="password"' not in page


def test_a_link_of_a_client_who_has_an_account_by_now_reads_as_used(dee: Client) -> None:
    _, token = invite_create(client=dee)
    user_for(dee)  # an account made another way since
    assert invite_status(token=token) == InviteStatus.USED


def test_the_invite_page_answers_only_get_and_post(dee: Client) -> None:
    _, token = invite_create(client=dee)
    assert HttpClient().put(reverse("invite", args=[token])).status_code == 405
