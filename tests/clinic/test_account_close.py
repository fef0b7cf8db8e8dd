"""Your data and closing your account: a client or solo user downloads their records from the
Account page and closes the account after typing their e-mail or "delete my data"; everything
about them goes, they are signed out and see the goodbye page. A coach with clients is told to
delete them first. The same through DELETE /api/v1/me."""

from __future__ import annotations

import html

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import AuditEntry, Client, Plan, Screening, Session, User
from selfmob.clinic.services.accounts import COACH_HAS_CLIENTS, CONFIRM_CLOSE, account_close
from selfmob.clinic.services.clients import client_erase
from tests.support.api import Api
from tests.support.factories import Practice
from tests.support.personas import PASSWORD, Personas, login

CLOSE = "/account/close"


def test_the_account_page_links_the_own_records_and_closing(people: Personas) -> None:
    body = login(people.client_user).get(reverse("account")).content.decode()
    assert f'href="{reverse("client_export_json", args=[people.client.id])}"' in body
    assert f'href="{reverse("account_close")}"' in body


def test_the_own_json_export_downloads(people: Personas) -> None:
    url = reverse("client_export_json", args=[people.client.id])
    response = login(people.client_user).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_the_close_page_asks_and_offers_the_download(people: Personas) -> None:
    response = login(people.solo).get(CLOSE)
    assert response.status_code == 200
    body = response.content.decode()
    record = people.solo.client_record
    assert f'href="{reverse("client_export_json", args=[record.id])}"' in body
    assert 'name="confirm"' in body
    assert f'href="{reverse("account")}"' in body  # the way back


def test_the_close_page_needs_a_sign_in(db: None) -> None:
    response = HttpClient().get(CLOSE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_close_page_answers_only_get_and_post(people: Personas) -> None:
    assert login(people.solo).put(CLOSE).status_code == 405


def test_a_wrong_confirmation_closes_nothing(people: Personas) -> None:
    response = login(people.solo).post(CLOSE, {"confirm": "yes"})
    assert response.status_code == 400
    assert CONFIRM_CLOSE in html.unescape(response.content.decode())
    assert User.objects.filter(id=people.solo.id).exists()


@pytest.mark.parametrize("typed", ["solo@example.test", " SOLO@example.test ", "Delete my data"])
def test_a_solo_user_closes_their_account(practice: Practice, typed: str) -> None:
    solo = practice.solo
    assert solo.user is not None
    user_id = solo.user.id
    http = login(solo.user)
    response = http.post(CLOSE, {"confirm": typed})
    assert (response.status_code, response["Location"]) == (302, reverse("goodbye"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert not User.objects.filter(id=user_id).exists()
    assert not Client.objects.filter(id=solo.id).exists()
    assert not Plan.objects.filter(client_id=solo.id).exists()  # made by themself: protected
    assert not Screening.objects.filter(client_id=solo.id).exists()
    assert http.get(reverse("today")).status_code == 302  # signed out
    assert AuditEntry.objects.filter(kind="delete").values_list("user_id", "client_id").get() == (
        user_id,
        solo.id,
    )


def test_the_goodbye_page_is_public_and_leads_on(db: None) -> None:
    response = HttpClient().get(reverse("goodbye"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your account is closed" in body
    assert f'href="{reverse("login")}"' in body


def test_a_coached_client_closes_their_account(practice: Practice) -> None:
    ana = practice.ana
    assert ana.user is not None
    response = login(ana.user).post(CLOSE, {"confirm": "delete my data"})
    assert response.status_code == 302
    assert not Client.objects.filter(id=ana.id).exists()
    assert not Session.objects.filter(client_id=ana.id).exists()
    assert Client.objects.filter(id=practice.ben.id).exists()  # the coach's others stay
    assert User.objects.filter(id=practice.coach.id).exists()


def test_a_coach_with_clients_is_told_to_delete_them_first(people: Personas) -> None:
    http = login(people.coach)
    page = http.get(CLOSE)
    assert page.status_code == 200
    assert "first delete each client" in page.content.decode()
    assert 'name="confirm"' not in page.content.decode()
    refused = http.post(CLOSE, {"confirm": "coach@example.test"})
    assert refused.status_code == 400
    assert User.objects.filter(id=people.coach.id).exists()


def test_a_coach_without_clients_closes_their_account(people: Personas) -> None:
    client_erase(client=people.client)
    http = login(people.coach)
    response = http.post(CLOSE, {"confirm": "coach@example.test"})
    assert (response.status_code, response["Location"]) == (302, reverse("goodbye"))
    assert not User.objects.filter(id=people.coach.id).exists()


def test_the_service_counts_archived_clients_too(people: Personas) -> None:
    people.client.archived_at = people.client.created_at
    people.client.save(update_fields=["archived_at"])
    with pytest.raises(InvalidInput) as info:
        account_close(user=people.coach, confirm="delete my data")
    assert info.value.fields == {"__all__": COACH_HAS_CLIENTS.format(count=1)}


# The API --------------------------------------------------------------------------------------


def test_delete_me_closes_the_account(people: Personas) -> None:
    api = Api(people.client_user)
    response = api.call("DELETE", "/me", {"confirm": "ana@example.test"})
    assert response.status_code == 204
    assert not User.objects.filter(id=people.client_user.id).exists()
    assert not Client.objects.filter(id=people.client.id).exists()
    assert api.get("/me").status_code == 401
    assert AuditEntry.objects.filter(kind="delete", interface="api").count() == 1


def test_delete_me_needs_the_confirmation(people: Personas) -> None:
    response = Api(people.solo).call("DELETE", "/me", {"confirm": "please"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"confirm": CONFIRM_CLOSE}
    assert User.objects.filter(id=people.solo.id).exists()


def test_delete_me_refuses_a_coach_with_clients(people: Personas) -> None:
    response = Api(people.coach).call("DELETE", "/me", {"confirm": "delete my data"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"__all__": COACH_HAS_CLIENTS.format(count=1)}


def test_delete_me_without_a_sign_in_is_401(db: None) -> None:
    assert Api(None).call("DELETE", "/me", {"confirm": "delete my data"}).status_code == 401


def test_a_closed_account_cannot_log_in_again(people: Personas) -> None:
    login(people.solo).post(CLOSE, {"confirm": "delete my data"})
    response = HttpClient().post(
        reverse("login"), {"username": "solo@example.test", "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "enter a correct" in response.content.decode()
