from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from selfmob.clinic.exports.document import client_document, document_json, practice_document
from selfmob.clinic.models import (
    Assessment,
    Clearance,
    Client,
    Measurement,
    Plan,
    PlanItem,
    Screening,
    Session,
    User,
)
from selfmob.clinic.services.accounts import client_create
from selfmob.clinic.services.screening import screening_record
from tests.support.factories import Practice, answers, log
from tests.support.personas import TODAY

NOW = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)


def test_it_names_its_schema_version_and_coach(practice: Practice) -> None:
    doc = practice_document(practice.coach, now=NOW)
    assert (doc["schema"], doc["version"], doc["exported_at"]) == (
        "selfmob.practice",
        3,
        "2026-11-23T12:30:00+00:00",
    )
    assert doc["coach"]["email"] == "coach@example.test"
    assert doc["coach"]["role"] == "coach"


def test_it_lists_the_coachs_clients_oldest_first(practice: Practice) -> None:
    doc = practice_document(practice.coach)
    assert [c["id"] for c in doc["clients"]] == [str(practice.ana.id), str(practice.ben.id)]


def test_another_coachs_clients_stay_out(practice: Practice) -> None:
    other = User.objects.create_user("other@example.test", "x", role=User.Role.COACH)
    client_create(coach=other, name="Eve", email="eve@example.test")
    emails = [c["email"] for c in practice_document(practice.coach)["clients"]]
    assert "eve@example.test" not in emails


def test_it_keeps_ids_and_timestamps(practice: Practice) -> None:
    client = practice_document(practice.coach)["clients"][0]
    session = Session.objects.filter(client=practice.ana).earliest("performed_on")
    exported = client["sessions"][0]
    assert exported["id"] == str(session.id)
    assert exported["idempotency_key"] == str(session.idempotency_key)
    assert exported["plan_item"] == str(session.plan_item_id)
    assert datetime.fromisoformat(exported["created_at"]) == session.created_at
    assert client["created_at"] == practice.ana.created_at.astimezone(UTC).isoformat()


def test_a_refer_screening_carries_its_clearance(practice: Practice) -> None:
    ben = practice_document(practice.coach)["clients"][1]
    [screening] = ben["screenings"]
    clearance = Clearance.objects.get(screening__client=practice.ben)
    assert screening["verdict"] == "refer"
    assert screening["clearance"]["id"] == str(clearance.id)
    assert screening["clearance"]["cleared_by"] == str(practice.coach.id)
    assert screening["clearance"]["note"] == "+seen by Dr Who: go ahead"


def test_assessments_carry_their_measurements(practice: Practice) -> None:
    [assessment] = practice_document(practice.coach)["clients"][0]["assessments"]
    right = next(m for m in assessment["measurements"] if m["side"] == "right")
    assert right["trials"] == [7.0, 7.5]
    assert right["value"] == 7.25
    assert right["position"] == "knee to wall"
    assert assessment["measured_on"] == (TODAY - timedelta(days=10)).isoformat()


def test_a_removed_plan_item_is_kept_with_its_removal_time(practice: Practice) -> None:
    [plan] = practice_document(practice.coach)["clients"][0]["plans"]
    removed = PlanItem.objects.get(plan__client=practice.ana, removed_at__isnull=False)
    exported = next(i for i in plan["items"] if i["id"] == str(removed.id))
    assert exported["removed_at"] == removed.removed_at.astimezone(UTC).isoformat()  # type: ignore[union-attr]
    assert exported["weekdays"] == [1, 3, 5]
    assert exported["dose"]["text"] == removed.dose["text"]


def test_sessions_keep_pain_over_the_limit_and_the_next_day(practice: Practice) -> None:
    sessions = practice_document(practice.coach)["clients"][0]["sessions"]
    assert [s["performed_on"] for s in sessions] == sorted(s["performed_on"] for s in sessions)
    assert [s["over_limit"] for s in sessions] == [False, True, False]
    assert [s["pain_next_day"] for s in sessions] == [None, None, 4]


def test_sessions_keep_their_pain_at_rest(practice: Practice) -> None:
    sessions = practice_document(practice.coach)["clients"][0]["sessions"]
    stored = Session.objects.filter(client=practice.ana).order_by("performed_on")
    assert [s["pain_rest"] for s in sessions] == [s.pain_rest for s in stored] == [0, 0, 0]


def test_an_older_session_has_a_null_pain_at_rest(practice: Practice) -> None:
    [older] = practice_document(practice.coach)["clients"][1]["sessions"]
    assert older["pain_rest"] is None
    assert older["over_limit"] is False


def test_password_hashes_are_left_out_unless_asked_for(practice: Practice) -> None:
    plain = practice_document(practice.coach)
    assert plain["coach"]["password_hash"] is None
    assert plain["clients"][0]["account"]["password_hash"] is None
    moved = practice_document(practice.coach, include_password_hashes=True)
    assert moved["coach"]["password_hash"] == practice.coach.password
    ana = User.objects.get(email="ana@example.test")
    assert moved["clients"][0]["account"]["password_hash"] == ana.password


def test_invites_and_token_hashes_are_not_exported(practice: Practice) -> None:
    text = document_json(practice_document(practice.coach))
    invite_hash = practice.ana.invites.get().token_hash
    assert invite_hash not in text
    assert "invites" not in practice_document(practice.coach)["clients"][0]


def test_a_client_without_an_account_has_none(practice: Practice) -> None:
    assert practice_document(practice.coach)["clients"][1]["account"] is None


def test_a_client_document_holds_the_client_and_their_coach(practice: Practice) -> None:
    doc = client_document(practice.ana)
    assert doc["coach"]["id"] == str(practice.coach.id)
    assert [c["email"] for c in doc["clients"]] == ["ana@example.test"]
    assert doc["clients"][0] == practice_document(practice.coach)["clients"][0]


def test_a_solo_users_document_has_no_coach(practice: Practice) -> None:
    doc = client_document(practice.solo)
    assert doc["coach"] is None
    [solo] = doc["clients"]
    assert solo["account"]["role"] == "solo"
    assert solo["plans"][0]["created_by"] == solo["account"]["id"]


def test_the_text_is_the_same_each_time(practice: Practice) -> None:
    first = document_json(practice_document(practice.coach, now=NOW))
    again = document_json(practice_document(practice.coach, now=NOW))
    assert first == again
    assert json.loads(first)["clients"][0]["name"] == "Ana Zoë"
    assert "Zoë" in first  # UTF-8, not \u escapes


def _queries(coach: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        practice_document(coach)
    return len(queries)


def test_the_query_count_does_not_grow_with_clients_and_sessions(practice: Practice) -> None:
    few = _queries(practice.coach)
    item = PlanItem.objects.filter(plan__client=practice.ana, removed_at__isnull=True).first()
    assert item is not None
    for days in range(6, 9):
        log(item, TODAY - timedelta(days=days), 7.0, 8.0, 0)
    for n in range(3):
        extra = client_create(coach=practice.coach, name=f"Extra {n}", email=f"x{n}@example.test")
        screening_record(client=extra, answers=answers(), neck=False, recorded_by=practice.coach)
    assert _queries(practice.coach) == few
    assert few == 7  # docs/exports.md says so


# What each exported table holds, and the columns deliberately left out. A new model field
# fails this test until the document carries it (or it is named here with the reason).
LEFT_OUT = {
    User: {
        "password",  # as `password_hash`, and only when asked for
        "last_login",  # activity on the old server
        "is_staff",  # an imported file never hands out the admin
        "is_superuser",
        "groups",
        "user_permissions",
    },
    # The nesting, and the status recomputed on import.
    Client: {"coach", "user", "screening_status"},
    Screening: {"client"},
    Clearance: {"screening"},
    Assessment: {"client"},
    Measurement: {"assessment"},
    Plan: {"client"},
    PlanItem: {"plan"},
    Session: {"client"},
}


def _exported_keys(doc: dict[str, Any]) -> dict[type[Model], set[str]]:
    ana, ben = doc["clients"]
    screening = ben["screenings"][0]
    assessment = ana["assessments"][0]
    plan = ana["plans"][0]
    return {
        User: set(doc["coach"]),
        Client: set(ana),
        Screening: set(screening),
        Clearance: set(screening["clearance"]),
        Assessment: set(assessment),
        Measurement: set(assessment["measurements"][0]),
        Plan: set(plan),
        PlanItem: set(plan["items"][0]),
        Session: set(ana["sessions"][0]),
    }


def test_every_model_field_is_exported_or_left_out_on_purpose(practice: Practice) -> None:
    exported = _exported_keys(practice_document(practice.coach))
    for model, keys in exported.items():
        names = {f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many}
        assert names - LEFT_OUT[model] - keys == set(), model.__name__
