"""The API follows the pages' access rules: every endpoint, every role, exact codes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from selfmob.clinic.models import PlanItem
from selfmob.clinic.services.sessions import session_log
from tests.support.api import ROLES, as_role
from tests.support.knowledge import all_no
from tests.support.personas import Personas

OK, OUT, ANON = 200, 404, 401
# role: owner coach, other coach, the client, another client, a solo user, anonymous
READ = dict(zip(ROLES, [OK, OUT, OK, OUT, OUT, ANON], strict=True))


def _session_id(people: Personas, item: PlanItem) -> uuid.UUID:
    item.plan.starts_on = timezone.localdate()
    item.plan.save()
    today = timezone.localdate()
    logged = session_log(plan_item=item, idempotency_key=uuid.uuid4(), performed_on=today,
                         pre=8, post=9, pain_rest=0, pain_during=1, today=today)  # fmt: skip
    return logged.session.id


Case = tuple[str, Callable[[Personas, PlanItem], str], dict[str, int]]
CASES: list[Case] = [
    ("client", lambda p, i: f"/clients/{p.client.id}", READ),
    ("screenings", lambda p, i: f"/clients/{p.client.id}/screenings", READ),
    ("assessments", lambda p, i: f"/clients/{p.client.id}/assessments", READ),
    ("plans", lambda p, i: f"/clients/{p.client.id}/plans", READ),
    ("plan", lambda p, i: f"/plans/{i.plan.id}", READ),
    ("sessions", lambda p, i: f"/clients/{p.client.id}/sessions", READ),
    ("session", lambda p, i: f"/sessions/{_session_id(p, i)}", READ),
    ("progress", lambda p, i: f"/clients/{p.client.id}/progress", READ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "path", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads(
    screened: Personas, ankle_item: PlanItem, *, role: str, name: str, path: Any, expected: Any
) -> None:
    response = as_role(screened, role).get(path(screened, ankle_item))
    assert response.status_code == expected[role], (name, role, response.content)


@pytest.mark.parametrize("role", ROLES)
def test_the_dashboard_is_each_coachs_own(screened: Personas, role: str) -> None:
    response = as_role(screened, role).get("/dashboard")
    expected = {"coach": 200, "other_coach": 200, "anonymous": 401}.get(role, 404)
    assert response.status_code == expected
    if expected == 200:
        names = {row["client"]["name"] for row in response.json()}
        assert (screened.client.name in names) == (role == "coach")


WRITE = dict(zip(ROLES, [201, 404, 201, 404, 404, 401], strict=True))
PLAN_WRITE = dict(zip(ROLES, [201, 404, 403, 404, 404, 401], strict=True))
SESSION_WRITE = dict(zip(ROLES, [403, 404, 201, 404, 404, 401], strict=True))


def _assessment() -> dict[str, Any]:
    m = {"test_id": "wblt-distance", "side": "left", "trials": [9.5], "instrument": "tape-measure"}
    return {"measured_on": timezone.localdate().isoformat(), "measured_by": "Coach",
            "measurements": [m]}  # fmt: skip


def _plan() -> dict[str, Any]:
    item = {"technique_id": "ankle-banded-posterior-glide", "retest_id": "wblt-distance",
            "side": "left", "every_days": 2}  # fmt: skip
    return {"starts_on": timezone.localdate().isoformat(), "items": [item]}


def _session() -> dict[str, Any]:
    return {"idempotency_key": str(uuid.uuid4()), "performed_on": timezone.localdate().isoformat(),
            "pain_rest": 0, "pre": 8.0, "post": 9.5, "pain_during": 1}  # fmt: skip


WRITES: list[tuple[str, Callable[[Personas, PlanItem], str], Callable[[], Any], dict[str, int]]] = [
    ("screening", lambda p, i: f"/clients/{p.client.id}/screenings",
     lambda: {"answers": {}, "neck": False}, WRITE),
    ("assessment", lambda p, i: f"/clients/{p.client.id}/assessments", _assessment, WRITE),
    ("plan", lambda p, i: f"/clients/{p.client.id}/plans", _plan, PLAN_WRITE),
    ("session", lambda p, i: f"/items/{i.id}/sessions", _session, SESSION_WRITE),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "path", "body", "expected"), WRITES, ids=[w[0] for w in WRITES])
def test_writes(
    screened: Personas,
    ankle_item: PlanItem,
    *,
    role: str,
    name: str,
    path: Any,
    body: Any,
    expected: Any,
) -> None:
    ankle_item.plan.starts_on = timezone.localdate()
    ankle_item.plan.save()
    payload = body()
    if name == "screening":
        payload["answers"] = all_no()
    response = as_role(screened, role).post(path(screened, ankle_item), payload)
    assert response.status_code == expected[role], (name, role, response.content)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_coach_adds_clients_and_invites(screened: Personas, role: str) -> None:
    api = as_role(screened, role)
    made = api.post("/clients", {"name": "Eve", "email": f"eve-{role}@example.test"})
    assert made.status_code == {"coach": 201, "other_coach": 201, "anonymous": 401}.get(role, 404)
    invite = api.post(f"/clients/{screened.client.id}/invite", {})
    # the client already has an account: the owner coach is told so, others never see it
    assert invite.status_code == {"coach": 400, "anonymous": 401}.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_plan_items_are_changed_by_the_plan_writer(
    screened: Personas, ankle_item: PlanItem, role: str
) -> None:
    api = as_role(screened, role)
    update = {"weekdays": [1, 4], "every_days": None, "pain_limit": 1}
    patched = api.call("PATCH", f"/items/{ankle_item.id}", update)
    expected = dict(zip(ROLES, [200, 404, 403, 404, 404, 401], strict=True))[role]
    assert patched.status_code == expected
    removed = api.call("DELETE", f"/items/{ankle_item.id}")
    assert removed.status_code == expected
    ankle_item.refresh_from_db()
    assert (ankle_item.removed_at is not None) == (expected == 200)
    assert (ankle_item.weekdays == [1, 4]) == (expected == 200)
