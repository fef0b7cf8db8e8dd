"""Managing a client through the API: PATCH /clients/{id}, POST …/archive and …/restore, and
DELETE /clients/{id} with the client's name typed as `confirm`. The owner coach only: other
coaches, the other client and solo users get 404, the client themself 403, anonymous 401."""

from __future__ import annotations

import uuid

import pytest

from selfmob.clinic.access import ONLY_THE_COACH
from selfmob.clinic.models import AuditEntry, Client, Session, User
from selfmob.clinic.services.clients import BIRTH_YEAR, CONFIRM_NAME, EMAIL_IS_LOGIN
from tests.support.api import ROLES, Api, as_role
from tests.support.factories import Practice
from tests.support.personas import Personas

STATUS = {
    "coach": None,
    "other_coach": 404,
    "client_user": 403,
    "other_client_user": 404,
    "solo": 404,
    "anonymous": 401,
}


def entries() -> list[tuple[str, str, str]]:
    return list(AuditEntry.objects.order_by("at").values_list("kind", "interface", "what"))


def writes() -> list[tuple[str, str, str]]:
    return [e for e in entries() if e[0] != "read"]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "coach"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "", {"name": "X"}),
        ("POST", "/archive", None),
        ("POST", "/restore", None),
        ("DELETE", "", {"confirm": "Ana"}),
    ],
)
def test_only_the_owner_coach_manages(
    people: Personas, role: str, method: str, path: str, body: object
) -> None:
    api = as_role(people, role)
    response = api.call(method, f"/clients/{people.client.id}{path}", body or {})
    assert response.status_code == STATUS[role]
    if role == "client_user":
        assert response.json()["error"]["message"] == ONLY_THE_COACH
    people.client.refresh_from_db()
    assert (people.client.name, people.client.archived_at) == ("Ana", None)
    assert writes() == []


def test_an_unknown_client_is_404(people: Personas) -> None:
    response = Api(people.coach).call("PATCH", f"/clients/{uuid.uuid4()}", {"name": "X"})
    assert response.status_code == 404


def test_patch_changes_only_the_fields_sent(people: Personas) -> None:
    response = Api(people.coach).call("PATCH", f"/clients/{people.client.id}", {"name": "Ana S"})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["birth_year"], body["sex"]) == ("Ana S", 1990, "f")
    assert writes() == [("change", "api", "client")]


def test_patch_clears_the_birth_year_with_null(people: Personas) -> None:
    response = Api(people.coach).call("PATCH", f"/clients/{people.client.id}", {"birth_year": None})
    assert (response.status_code, response.json()["birth_year"]) == (200, None)


def test_patch_refuses_a_birth_year_in_the_future(people: Personas) -> None:
    response = Api(people.coach).call("PATCH", f"/clients/{people.client.id}", {"birth_year": 2999})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"birth_year": BIRTH_YEAR}
    people.client.refresh_from_db()
    assert people.client.birth_year == 1990
    assert writes() == []


def test_patch_refuses_a_null_name_and_unknown_fields(people: Personas) -> None:
    api = Api(people.coach)
    for body in ({"name": None}, {"name": ""}, {"nickname": "A"}, {"sex": "x"}):
        response = api.call("PATCH", f"/clients/{people.client.id}", body)
        assert response.status_code == 400, body


def test_patch_keeps_the_login_email_of_a_client_with_an_account(people: Personas) -> None:
    response = Api(people.coach).call(
        "PATCH", f"/clients/{people.client.id}", {"email": "other@example.test"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"email": EMAIL_IS_LOGIN}


def test_archive_and_restore(people: Personas) -> None:
    api = Api(people.coach)
    archived = api.post(f"/clients/{people.client.id}/archive", {})
    assert archived.status_code == 200
    assert archived.json()["archived_at"] is not None
    assert [c["name"] for c in api.get("/clients").json()["items"]] == []
    assert [c["name"] for c in api.get("/clients?archived=true").json()["items"]] == ["Ana"]
    assert api.get("/dashboard").json() == []
    assert api.get(f"/clients/{people.client.id}").status_code == 200  # still there
    restored = api.post(f"/clients/{people.client.id}/restore", {})
    assert (restored.status_code, restored.json()["archived_at"]) == (200, None)
    assert [c["name"] for c in api.get("/clients").json()["items"]] == ["Ana"]
    assert writes() == [("change", "api", "client"), ("change", "api", "client")]


def test_an_archived_client_still_sees_their_own_record(people: Personas) -> None:
    Api(people.coach).post(f"/clients/{people.client.id}/archive", {})
    mine = Api(people.client_user).get("/clients").json()["items"]
    assert [c["id"] for c in mine] == [str(people.client.id)]


def test_delete_needs_the_name(people: Personas) -> None:
    response = Api(people.coach).call("DELETE", f"/clients/{people.client.id}", {"confirm": "Ben"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"confirm": CONFIRM_NAME.format(name="Ana")}
    assert Client.objects.filter(id=people.client.id).exists()
    assert writes() == []


def test_delete_needs_a_body(people: Personas) -> None:
    response = Api(people.coach).call("DELETE", f"/clients/{people.client.id}")
    assert response.status_code == 400
    assert Client.objects.filter(id=people.client.id).exists()


def test_delete_erases_the_records_and_the_account(practice: Practice) -> None:
    ana = practice.ana
    assert ana.user is not None
    account_id = ana.user.id
    response = Api(practice.coach).call("DELETE", f"/clients/{ana.id}", {"confirm": "Ana Zoë"})
    assert response.status_code == 204
    assert not Client.objects.filter(id=ana.id).exists()
    assert not User.objects.filter(id=account_id).exists()
    assert not Session.objects.filter(client_id=ana.id).exists()
    assert Session.objects.filter(client=practice.ben).exists()
    assert writes() == [("delete", "api", "client")]
    assert AuditEntry.objects.get(kind="delete").client_id == ana.id


def test_a_deleted_clients_token_stops_working(practice: Practice) -> None:
    assert practice.ana.user is not None
    theirs = Api(practice.ana.user)
    Api(practice.coach).call("DELETE", f"/clients/{practice.ana.id}", {"confirm": "Ana Zoë"})
    assert theirs.get("/me").status_code == 401
