"""A coach manages a client on the pages: edits the details, archives and restores, and deletes
the records and account after typing the client's name. The owner coach only: another coach,
the other client and a solo user get 404, the client themself 403, anonymous the log-in."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from selfmob.clinic.access import ONLY_THE_COACH
from selfmob.clinic.errors import CLIENT_EXISTS
from selfmob.clinic.models import (
    ApiToken,
    Assessment,
    AuditEntry,
    CalendarFeed,
    Clearance,
    Client,
    Invite,
    Measurement,
    Plan,
    PlanItem,
    Screening,
    Session,
    User,
)
from selfmob.clinic.services.api_tokens import api_token_create
from selfmob.clinic.services.calendar import calendar_feed_create
from selfmob.clinic.services.clients import BIRTH_YEAR, CONFIRM_NAME
from selfmob.clinic.services.screening import screening_record
from tests.support.factories import Practice
from tests.support.knowledge import all_no
from tests.support.personas import ANON, Personas, as_, login

OUTSIDERS = [("other_coach", 404), ("other_client", 404), ("client", 403), (ANON, 302)]
DETAILS = {"name": "Ana Silva", "email": "ana@example.test", "birth_year": "1991", "sex": "f"}


def as_who(people: Personas, who: str) -> HttpClient:
    return login(people.solo) if who == "solo" else as_(people, who)


def url(name: str, client: Client) -> str:
    return reverse(name, args=[client.id])


def page(response: Any) -> str:
    return html.unescape(response.content.decode())


def entries() -> list[tuple[str, str, str]]:
    return list(AuditEntry.objects.order_by("at").values_list("kind", "interface", "what"))


# Editing ----------------------------------------------------------------------------------


def test_the_owner_sees_the_edit_form_filled_in(people: Personas) -> None:
    response = as_(people, "owner").get(url("client_edit", people.client))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Ana"' in body and 'value="1990"' in body
    assert f'href="{url("client", people.client)}"' in body  # the way back


@pytest.mark.parametrize(("who", "status"), [*OUTSIDERS, ("solo", 404)])
def test_nobody_else_edits(people: Personas, who: str, status: int) -> None:
    response = as_who(people, who).post(url("client_edit", people.client), DETAILS)
    assert response.status_code == status
    people.client.refresh_from_db()
    assert people.client.name == "Ana"


def test_the_client_themself_gets_403_on_the_edit_form(people: Personas) -> None:
    response = as_(people, "client").get(url("client_edit", people.client))
    assert response.status_code == 403
    assert ONLY_THE_COACH[1:] in page(response)


def test_edit_wrong_method(people: Personas) -> None:
    assert as_(people, "owner").put(url("client_edit", people.client)).status_code == 405


def test_the_owner_saves_new_details_and_it_is_recorded(people: Personas) -> None:
    response = as_(people, "owner").post(url("client_edit", people.client), DETAILS)
    assert response.status_code == 302
    assert response["Location"] == url("client", people.client)
    people.client.refresh_from_db()
    assert (people.client.name, people.client.birth_year) == ("Ana Silva", 1991)
    people.client_user.refresh_from_db()
    assert people.client_user.name == "Ana Silva"  # the account's name follows
    assert entries() == [("change", "page", "client")]


def test_a_client_with_an_account_keeps_their_email(people: Personas) -> None:
    data = DETAILS | {"email": "new@example.test"}
    response = as_(people, "owner").post(url("client_edit", people.client), data)
    assert response.status_code == 302  # the field is shown, not editable: the post is ignored
    people.client.refresh_from_db()
    assert people.client.email == "ana@example.test"


def test_the_email_of_a_client_without_an_account_changes(people: Personas) -> None:
    dee = Client.objects.create(coach=people.coach, name="Dee", email="dee@example.test")
    data = {"name": "Dee", "email": "DEE@new.example.test", "birth_year": "", "sex": ""}
    assert as_(people, "owner").post(url("client_edit", dee), data).status_code == 302
    dee.refresh_from_db()
    assert dee.email == "dee@new.example.test"


def test_another_clients_email_is_refused(people: Personas) -> None:
    dee = Client.objects.create(coach=people.coach, name="Dee", email="dee@example.test")
    data = {"name": "Dee", "email": "ana@example.test", "birth_year": "", "sex": ""}
    response = as_(people, "owner").post(url("client_edit", dee), data)
    assert response.status_code == 400
    assert CLIENT_EXISTS in page(response)
    dee.refresh_from_db()
    assert dee.email == "dee@example.test"
    assert entries() == []


def test_a_future_birth_year_is_refused(people: Personas) -> None:
    response = as_(people, "owner").post(
        url("client_edit", people.client), DETAILS | {"birth_year": "2099"}
    )
    assert response.status_code == 400
    assert BIRTH_YEAR in page(response)
    assert "<h1>Edit Ana's details</h1>" in page(response)  # the refused name is not shown
    people.client.refresh_from_db()
    assert (people.client.name, people.client.birth_year) == ("Ana", 1990)


def test_an_empty_name_is_refused(people: Personas) -> None:
    response = as_(people, "owner").post(url("client_edit", people.client), DETAILS | {"name": ""})
    assert response.status_code == 400
    people.client.refresh_from_db()
    assert people.client.name == "Ana"


# Archiving --------------------------------------------------------------------------------


def test_archiving_takes_the_client_off_the_dashboard_and_lists_them_below(
    people: Personas,
) -> None:
    http = as_(people, "owner")
    response = http.post(url("client_archive", people.client))
    assert (response.status_code, response["Location"]) == (302, reverse("dashboard"))
    people.client.refresh_from_db()
    assert people.client.archived_at is not None
    dashboard = http.get(reverse("dashboard"))
    assert [row.client.id for row in dashboard.context["rows"]] == []
    archived = page(dashboard).split("Archived clients")[1]
    assert url("client", people.client) in archived
    assert f'action="{url("client_restore", people.client)}"' in archived
    assert entries()[0] == ("change", "page", "client")


def test_archiving_keeps_the_records_and_the_page(screened: Personas) -> None:
    http = as_(screened, "owner")
    http.post(url("client_archive", screened.client))
    assert Screening.objects.filter(client=screened.client).exists()
    response = http.get(url("client", screened.client))
    assert response.status_code == 200
    assert "Archived on" in page(response)


def test_restoring_puts_the_client_back(people: Personas) -> None:
    http = as_(people, "owner")
    http.post(url("client_archive", people.client))
    response = http.post(url("client_restore", people.client))
    assert (response.status_code, response["Location"]) == (302, url("client", people.client))
    people.client.refresh_from_db()
    assert people.client.archived_at is None
    dashboard = http.get(reverse("dashboard"))
    assert [row.client.id for row in dashboard.context["rows"]] == [people.client.id]
    assert "Archived clients" not in page(dashboard)
    assert entries()[:2] == [("change", "page", "client"), ("change", "page", "client")]


@pytest.mark.parametrize("action", ["client_archive", "client_restore"])
@pytest.mark.parametrize(("who", "status"), [*OUTSIDERS, ("solo", 404)])
def test_nobody_else_archives_or_restores(
    people: Personas, action: str, who: str, status: int
) -> None:
    assert as_who(people, who).post(url(action, people.client)).status_code == status
    people.client.refresh_from_db()
    assert people.client.archived_at is None


@pytest.mark.parametrize("action", ["client_archive", "client_restore"])
def test_archive_and_restore_only_answer_post(people: Personas, action: str) -> None:
    assert as_(people, "owner").get(url(action, people.client)).status_code == 405


def test_an_archived_client_still_signs_in_and_sees_today(people: Personas) -> None:
    as_(people, "owner").post(url("client_archive", people.client))
    assert as_(people, "client").get(reverse("today")).status_code == 200


# Deleting ---------------------------------------------------------------------------------


def test_the_delete_page_offers_the_export_first(people: Personas) -> None:
    response = as_(people, "owner").get(url("client_delete", people.client))
    assert response.status_code == 200
    body = response.content.decode()
    export = f'href="{url("client_export_json", people.client)}"'
    assert body.index(export) < body.index('name="confirm"')
    assert f'href="{url("client", people.client)}"' in body  # the way back


@pytest.mark.parametrize(("who", "status"), [*OUTSIDERS, ("solo", 404)])
def test_nobody_else_deletes(people: Personas, who: str, status: int) -> None:
    response = as_who(people, who).post(url("client_delete", people.client), {"confirm": "Ana"})
    assert response.status_code == status
    assert Client.objects.filter(id=people.client.id).exists()


def test_delete_wrong_method(people: Personas) -> None:
    assert as_(people, "owner").put(url("client_delete", people.client)).status_code == 405


def test_a_wrong_name_deletes_nothing(people: Personas) -> None:
    response = as_(people, "owner").post(url("client_delete", people.client), {"confirm": "Ben"})
    assert response.status_code == 400
    assert CONFIRM_NAME.format(name="Ana") in page(response)
    assert Client.objects.filter(id=people.client.id).exists()
    assert entries() == []


def test_the_client_themself_cannot_delete_their_record_here(people: Personas) -> None:
    response = as_(people, "client").post(url("client_delete", people.client), {"confirm": "Ana"})
    assert response.status_code == 403
    assert User.objects.filter(id=people.client_user.id).exists()


def test_deleting_erases_every_record_and_the_account(practice: Practice) -> None:
    ana = practice.ana
    assert ana.user is not None
    account = ana.user
    screening_record(client=ana, answers=all_no(), neck=False, recorded_by=account)  # her own
    calendar_feed_create(client=ana, created_by=practice.coach)
    api_token_create(user=account, name="her phone")
    http = login(practice.coach)
    response = http.post(url("client_delete", ana), {"confirm": "  ana zoë "})
    assert (response.status_code, response["Location"]) == (302, reverse("dashboard"))
    assert not Client.objects.filter(id=ana.id).exists()
    assert not User.objects.filter(id=account.id).exists()
    assert not ApiToken.objects.filter(user_id=account.id).exists()
    for model, lookup in [
        (Session, "client"),
        (PlanItem, "plan__client"),
        (Plan, "client"),
        (Measurement, "assessment__client"),
        (Assessment, "client"),
        (Screening, "client"),
        (CalendarFeed, "client"),
        (Invite, "client"),
    ]:
        assert not model._default_manager.filter(**{f"{lookup}_id": ana.id}).exists(), (
            model.__name__
        )
    assert Session.objects.filter(client=practice.ben).exists()  # nobody else's
    assert (
        "Ana Zoë&#x27;s records and account are deleted."
        in http.get(reverse("dashboard")).content.decode()
    )


def test_deleting_a_client_without_an_account_erases_their_clearance(practice: Practice) -> None:
    ben = practice.ben
    http = login(practice.coach)
    assert http.post(url("client_delete", ben), {"confirm": ben.name}).status_code == 302
    assert not Clearance.objects.exists()
    assert not Client.objects.filter(id=ben.id).exists()


def test_the_trail_keeps_only_the_ids_of_a_deletion(practice: Practice) -> None:
    ana = practice.ana
    login(practice.coach).post(url("client_delete", ana), {"confirm": ana.name})
    entry = AuditEntry.objects.get(kind="delete")
    assert (entry.user_id, entry.client_id, entry.what) == (practice.coach.id, ana.id, "client")
    assert entries() == [("delete", "page", "client")]


def test_the_client_page_links_edit_archive_and_delete(people: Personas) -> None:
    body = as_(people, "owner").get(url("client", people.client)).content.decode()
    for name in ("client_edit", "client_delete"):
        assert f'href="{url(name, people.client)}"' in body
    assert f'action="{url("client_archive", people.client)}"' in body
