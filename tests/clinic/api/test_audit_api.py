"""The audit trail through the API: each endpoint that reads or writes a client's records
leaves its entry, and GET /audit answers each role with its own entries, in the one error
shape and the list's pagination."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from selfmob.clinic.models import AuditEntry, PlanItem
from selfmob.clinic.services.audit import Interface, Origin, audit_read
from tests.support.api import ROLES, Api, as_role
from tests.support.knowledge import all_no
from tests.support.personas import Personas


def entries() -> list[tuple[str, str, str]]:
    return list(AuditEntry.objects.order_by("at").values_list("kind", "interface", "what"))


Path = Callable[[Personas, PlanItem], str]
READS: list[tuple[str, Path]] = [
    ("client", lambda p, i: f"/clients/{p.client.id}"),
    ("screening", lambda p, i: f"/clients/{p.client.id}/screenings"),
    ("assessment", lambda p, i: f"/clients/{p.client.id}/assessments"),
    ("plan", lambda p, i: f"/clients/{p.client.id}/plans"),
    ("plan", lambda p, i: f"/plans/{i.plan_id}"),
    ("session", lambda p, i: f"/clients/{p.client.id}/sessions"),
    ("progress", lambda p, i: f"/clients/{p.client.id}/progress"),
    ("client-list", lambda p, i: "/clients"),
]


@pytest.mark.parametrize(("what", "path"), READS, ids=[path for path, _ in READS])
def test_an_endpoint_that_reads_records_leaves_a_read(
    screened: Personas, ankle_item: PlanItem, what: str, path: Path
) -> None:
    api = Api(screened.client_user)
    for _ in range(2):
        assert api.get(path(screened, ankle_item)).status_code == 200
    assert entries() == [("read", "api", what)]
    assert AuditEntry.objects.get().user_id == screened.client_user.id


def test_the_dashboard_leaves_a_read_per_client(people: Personas) -> None:
    assert Api(people.coach).get("/dashboard").status_code == 200
    assert list(AuditEntry.objects.values_list("client_id", "what")) == [
        (people.client.id, "client-list")
    ]


def test_an_outsider_leaves_no_entry(people: Personas) -> None:
    assert Api(people.other_coach).get(f"/clients/{people.client.id}/progress").status_code == 404
    assert Api(None).get(f"/clients/{people.client.id}/progress").status_code == 401
    assert entries() == []


def test_every_export_is_kept(people: Personas) -> None:
    api = Api(people.coach)
    for fmt in ("json", "fhir"):
        assert api.get(f"/clients/{people.client.id}/export?format={fmt}").status_code == 200
    assert api.get(f"/clients/{people.client.id}/export?format=json").status_code == 200
    assert [what for _, _, what in entries()] == ["json", "fhir", "json"]
    assert {(kind, via) for kind, via, _ in entries()} == {("export", "api")}


def session_body() -> dict[str, Any]:
    return {"idempotency_key": str(uuid.uuid4()), "performed_on": timezone.localdate().isoformat(),
            "pain_rest": 0, "pre": 8.0, "post": 10.5, "pain_during": 1}  # fmt: skip


def test_writes_leave_their_entries(screened: Personas, ankle_item: PlanItem) -> None:
    client, coach = Api(screened.client_user), Api(screened.coach)
    made = client.post(f"/items/{ankle_item.id}/sessions", session_body())
    screen = coach.post(f"/clients/{screened.client.id}/screenings", {"answers": all_no()})
    removed = coach.call("DELETE", f"/items/{ankle_item.id}")
    new = coach.post("/clients", {"name": "Cai", "email": "cai@example.test"})
    invite = coach.post(f"/clients/{new.json()['id']}/invite", {})
    assert [r.status_code for r in (made, screen, removed, new, invite)] == [
        201,
        201,
        200,
        201,
        201,
    ]
    assert entries() == [("change", "api", "session"), ("change", "api", "screening"),
                         ("delete", "api", "plan-item"), ("change", "api", "client"),
                         ("invite", "api", "invite")]  # fmt: skip
    logged = AuditEntry.objects.get(what="session")
    assert logged.record_id == uuid.UUID(made.json()["session"]["id"])
    assert AuditEntry.objects.get(what="client").client_id == uuid.UUID(new.json()["id"])


def test_a_refused_write_leaves_no_entry(screened: Personas, ankle_item: PlanItem) -> None:
    body = session_body() | {"pain_during": 11}
    response = Api(screened.client_user).post(f"/items/{ankle_item.id}/sessions", body)
    assert response.status_code == 400
    assert entries() == []
    assert not ankle_item.sessions.exists()


# GET /audit

PAGE = Origin(Interface.PAGE, "192.0.2.10")


def seen(people: Personas) -> None:
    """Ana's coach and Ana read her records; Ben's coach read his; the solo user their own."""
    audit_read(via=PAGE, user=people.coach, client=people.client, what="progress")
    audit_read(via=PAGE, user=people.client_user, client=people.client, what="today")
    audit_read(via=PAGE, user=people.other_coach, client=people.other_client, what="client")
    audit_read(via=PAGE, user=people.solo, client=people.solo.client_record, what="today")


# role: owner coach, other coach, the client, another client, a solo user, anonymous
STATUS = dict(zip(ROLES, [200, 200, 200, 200, 200, 401], strict=True))
ANAS = dict(zip(ROLES, [2, 0, 2, 0, 0, 0], strict=True))
"""How many of Ana's entries each role sees."""
ALL = dict(zip(ROLES, [2, 1, 2, 1, 1, 0], strict=True))
"""How many entries in all: Ben's coach and Ben see his one, the solo user their own."""


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_own_entries(people: Personas, role: str) -> None:
    seen(people)
    response = as_role(people, role).get("/audit")
    assert response.status_code == STATUS[role]
    items = response.json().get("items", [])
    assert sum(item["client_id"] == str(people.client.id) for item in items) == ANAS[role]
    assert response.json().get("count", 0) == ALL[role]


def test_an_entry_as_the_api_gives_it(people: Personas) -> None:
    seen(people)
    items = Api(people.coach).get(f"/audit?client={people.client.id}").json()["items"]
    by = {item["user_name"]: item for item in items}
    assert set(by) == {"Coach", "ana@example.test"}  # Ana's account has no name: its e-mail
    mine = by["Coach"]
    assert mine | {"id": None, "at": None} == {
        "id": None, "at": None, "user_id": str(people.coach.id), "user_name": "Coach",
        "client_id": str(people.client.id), "client_name": "Ana", "kind": "read",
        "interface": "page", "what": "progress", "record_id": None, "address": "192.0.2.10",
    }  # fmt: skip
    assert by["ana@example.test"]["address"] is None  # someone else's address: not shown


@pytest.mark.parametrize(
    ("query", "count"),
    [("kind=read", 2), ("kind=export", 0), ("since=2000-01-01&until=2099-12-31", 2),
     ("until=2000-01-01", 0), ("limit=1", 2), ("offset=5", 2)],
)  # fmt: skip
def test_the_filters(people: Personas, query: str, count: int) -> None:
    seen(people)
    response = Api(people.coach).get(f"/audit?{query}")
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_filters_by_client_and_person(people: Personas) -> None:
    seen(people)
    api = Api(people.coach)
    assert api.get(f"/audit?user={people.client_user.id}").json()["count"] == 1
    assert api.get(f"/audit?client={people.other_client.id}").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [("kind=peek", "kind"), ("since=yesterday", "since"), ("client=x", "client"),
     ("limit=0", "limit"), ("offset=-1", "offset")],
)  # fmt: skip
def test_bad_filters_are_400_in_the_error_shape(people: Personas, query: str, field: str) -> None:
    response = Api(people.coach).get(f"/audit?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]


def test_the_trail_is_read_only(people: Personas) -> None:
    response = Api(people.coach).post("/audit", {})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
