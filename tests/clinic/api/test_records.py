"""The loop through the API: the same services and rules as the pages."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from selfmob.clinic import errors
from selfmob.clinic.models import PlanItem, Session
from selfmob.knowledge.catalogue import load_catalogue
from tests.support.api import ROLES, Api, as_role
from tests.support.knowledge import all_no
from tests.support.personas import Personas


@pytest.fixture
def item(ankle_item: PlanItem) -> PlanItem:
    ankle_item.plan.starts_on = timezone.localdate() - timedelta(days=3)
    ankle_item.plan.save()
    return ankle_item


def session_body(**changes: Any) -> dict[str, Any]:
    body = {"idempotency_key": str(uuid.uuid4()), "performed_on": timezone.localdate().isoformat(),
            "pain_rest": 1, "pre": 8.0, "post": 10.5, "pain_during": 1}  # fmt: skip
    return body | changes


def test_a_retried_session_is_stored_once(screened: Personas, item: PlanItem) -> None:
    api = Api(screened.client_user)
    body = session_body()
    first = api.post(f"/items/{item.id}/sessions", body)
    again = api.post(f"/items/{item.id}/sessions", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["session"] == again.json()["session"]
    assert (first.json()["created"], again.json()["created"]) == (True, False)
    assert Session.objects.filter(idempotency_key=body["idempotency_key"]).count() == 1
    stored = first.json()["session"]
    assert stored["change"] == pytest.approx(2.5)
    assert stored["verdict"] == "real_gain"  # 2.5 cm is more than the lunge's 1.9 cm MDC


def test_a_key_reused_for_another_item_is_refused(screened: Personas, item: PlanItem) -> None:
    api = Api(screened.client_user)
    body = session_body()
    api.post(f"/items/{item.id}/sessions", body)
    other = Api(screened.coach).post(
        f"/clients/{screened.client.id}/plans",
        {"starts_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
         "items": [{"technique_id": "ankle-banded-posterior-glide", "retest_id": "wblt-distance",
                    "side": "left", "every_days": 1}]},
    )  # fmt: skip
    other_item = other.json()["items"][0]["id"]
    reused = api.post(f"/items/{other_item}/sessions", body | {"pre": 7.0})
    assert reused.status_code == 400
    assert "idempotency_key" in reused.json()["error"]["fields"]


def test_pain_above_the_limit_is_kept_flagged_and_answered_with_guidance(
    screened: Personas, item: PlanItem
) -> None:
    response = Api(screened.client_user).post(
        f"/items/{item.id}/sessions", session_body(pain_during=1 + item.pain_limit + 1)
    )
    assert response.status_code == 201
    data = response.json()
    assert data["session"]["over_limit"] is True
    guidance = data["guidance"].lower()
    assert "stop" in guidance
    assert "do not push through pain" in guidance
    assert "rose from 1/10 before you started to 4/10" in guidance
    assert "a physiotherapist or a doctor" in guidance


def test_the_session_keeps_and_returns_its_pain_at_rest(screened: Personas, item: PlanItem) -> None:
    client = Api(screened.client_user)
    made = client.post(f"/items/{item.id}/sessions", session_body(pain_rest=3, pain_during=5))
    assert made.status_code == 201
    assert made.json()["guidance"] is None  # 2 above a rest of 3: within the rule
    session = made.json()["session"]
    assert (session["pain_rest"], session["pain_during"], session["over_limit"]) == (3, 5, False)
    read = client.get(f"/sessions/{session['id']}").json()
    assert read["pain_rest"] == 3
    assert Session.objects.get().pain_rest == 3


def test_pain_above_the_ceiling_is_over_even_within_the_rise(
    screened: Personas, item: PlanItem
) -> None:
    made = Api(screened.client_user).post(
        f"/items/{item.id}/sessions", session_body(pain_rest=4, pain_during=6)
    )
    assert made.json()["session"]["over_limit"] is True
    assert "never go above 5/10" in made.json()["guidance"]


def test_an_older_session_reads_back_with_no_pain_at_rest(
    screened: Personas, item: PlanItem
) -> None:
    client = Api(screened.client_user)
    made = client.post(f"/items/{item.id}/sessions", session_body())
    session_id = made.json()["session"]["id"]
    Session.objects.filter(id=session_id).update(pain_rest=None)  # as stored before it existed
    read = client.get(f"/sessions/{session_id}").json()
    assert (read["pain_rest"], read["over_limit"]) == (None, False)
    listed = client.get(f"/clients/{screened.client.id}/sessions").json()["items"]
    assert listed[0]["pain_rest"] is None


def test_a_new_session_without_the_pain_at_rest_is_refused(
    screened: Personas, item: PlanItem
) -> None:
    body = session_body()
    del body["pain_rest"]
    for sent in (body, body | {"pain_rest": None}):
        response = Api(screened.client_user).post(f"/items/{item.id}/sessions", sent)
        assert response.status_code == 400
        fields = response.json()["error"]["fields"]
        assert fields == {"pain_rest": errors.PAIN_REST_MISSING}
    assert Session.objects.count() == 0


def test_a_retry_of_an_older_session_needs_no_pain_at_rest(
    screened: Personas, item: PlanItem
) -> None:
    client = Api(screened.client_user)
    body = session_body()
    made = client.post(f"/items/{item.id}/sessions", body)
    Session.objects.filter(id=made.json()["session"]["id"]).update(pain_rest=None)
    del body["pain_rest"]
    again = client.post(f"/items/{item.id}/sessions", body)
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert Session.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_the_client_logs_a_session_with_its_pain_at_rest(
    screened: Personas, item: PlanItem, role: str
) -> None:
    response = as_role(screened, role).post(
        f"/items/{item.id}/sessions", session_body(pain_rest=2, pain_during=3)
    )
    expected = dict(zip(ROLES, [403, 404, 201, 404, 404, 401], strict=True))[role]
    assert response.status_code == expected
    assert list(Session.objects.values_list("pain_rest", flat=True)) == (
        [2] if expected == 201 else []
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pain_during": 11}, "pain_during"),
        ({"pain_during": -1}, "pain_during"),
        ({"pain_rest": 11}, "pain_rest"),
        ({"pain_rest": -1}, "pain_rest"),
        ({"pain_rest": "2"}, "pain_rest"),
        ({"pain_rest": 2.5}, "pain_rest"),
        ({"pre": 500.0}, "pre"),
        ({"post": -3.0}, "post"),
        ({"performed_on": "2999-01-01"}, "performed_on"),
        ({"performed_on": "yesterday"}, "performed_on"),
        ({"idempotency_key": "not-a-uuid"}, "idempotency_key"),
        ({"pre": "8"}, "pre"),
        ({"mood": "fine"}, "mood"),
    ],
)
def test_bad_sessions_are_refused_and_nothing_is_stored(
    screened: Personas, item: PlanItem, changes: dict[str, Any], field: str
) -> None:
    response = Api(screened.client_user).post(f"/items/{item.id}/sessions", session_body(**changes))
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Session.objects.count() == 0


def test_a_refer_screen_holds_logging_until_cleared(screened: Personas, item: PlanItem) -> None:
    coach, client = Api(screened.coach), Api(screened.client_user)
    refer = coach.post(f"/clients/{screened.client.id}/screenings",
                       {"answers": all_no() | {"bleeding": True}})  # fmt: skip
    assert refer.json()["verdict"] == "refer"
    held = client.post(f"/items/{item.id}/sessions", session_body())
    assert held.status_code == 400
    assert "professional" in held.json()["error"]["message"]
    too_short = coach.post(f"/clients/{screened.client.id}/clearance", {"note": "ok"})
    assert too_short.status_code == 400
    cleared = coach.post(f"/clients/{screened.client.id}/clearance",
                         {"note": "Haematologist saw her: fine to go on."})  # fmt: skip
    assert cleared.status_code == 201
    assert cleared.json()["clearance"]["note"].startswith("Haematologist")
    assert client.post(f"/items/{item.id}/sessions", session_body()).status_code == 201


def test_next_day_pain_once_and_a_rise_asks_for_review(screened: Personas, item: PlanItem) -> None:
    client = Api(screened.client_user)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = session_body(performed_on=yesterday, pain_rest=1, pain_during=0)
    made = client.post(f"/items/{item.id}/sessions", body)
    session_id = made.json()["session"]["id"]
    assert Api(screened.coach).post(f"/sessions/{session_id}/next-day-pain",
                                    {"pain": 3}).status_code == 403  # fmt: skip
    first = client.post(f"/sessions/{session_id}/next-day-pain", {"pain": 3})
    assert first.status_code == 200
    assert first.json()["session"]["pain_next_day"] == 3
    assert first.json()["guidance"]
    assert client.post(f"/sessions/{session_id}/next-day-pain", {"pain": 1}).status_code == 400


def test_an_assessment_comes_back_with_its_restriction_map(screened: Personas) -> None:
    body = {
        "measured_on": timezone.localdate().isoformat(),
        "measured_by": "Coach",
        "measurements": [
            {"test_id": "wblt-distance", "side": "left", "trials": [11, 12, 11.5],
             "instrument": "tape-measure"},
            {"test_id": "wblt-distance", "side": "right", "trials": [6.5, 7],
             "instrument": "tape-measure"},
        ],
    }  # fmt: skip
    made = Api(screened.coach).post(f"/clients/{screened.client.id}/assessments", body)
    assert made.status_code == 201
    data = made.json()
    values = {m["side"]: m["value"] for m in data["measurements"]}
    assert values == {"left": pytest.approx(11.5), "right": pytest.approx(6.75)}
    (result,) = data["restriction_map"]
    assert result["test"] == "wblt-distance"
    assert result["sides"]["right"]["status"] == "restricted"
    assert result["suggestions"], "a restricted, screened ankle gets suggestions"
    assert result["referral"] == {"needed": False, "reasons": [], "sources": []}
    again = Api(screened.client_user).get(f"/assessments/{data['id']}")
    assert again.json()["restriction_map"] == data["restriction_map"]


def test_a_severe_loss_is_referred_in_the_restriction_map(screened: Personas) -> None:
    body = {
        "measured_on": timezone.localdate().isoformat(),
        "measured_by": "Coach",
        "measurements": [
            {"test_id": "wblt-distance", "side": "left", "trials": [1.0],
             "instrument": "tape-measure"},
            {"test_id": "wblt-distance", "side": "right", "trials": [10.5],
             "instrument": "tape-measure"},
        ],
    }  # fmt: skip
    made = Api(screened.coach).post(f"/clients/{screened.client.id}/assessments", body)
    (result,) = made.json()["restriction_map"]
    assert result["referral"]["needed"] is True
    assert "a loss this large should be examined" in result["referral"]["reasons"][0]
    assert result["suggestions"] == []


def test_assessment_errors_name_the_measurement(screened: Personas) -> None:
    bad = {"measured_on": timezone.localdate().isoformat(), "measured_by": "Coach",
           "measurements": [{"test_id": "wblt-distance", "side": "left", "trials": [11],
                             "instrument": "goniometer"}]}  # fmt: skip
    response = Api(screened.coach).post(f"/clients/{screened.client.id}/assessments", bad)
    assert response.status_code == 400
    assert "measurements[0].instrument" in response.json()["error"]["fields"]


def test_lists_are_paginated_and_their_queries_do_not_grow(
    screened: Personas, item: PlanItem
) -> None:
    client = Api(screened.client_user)
    for days in range(3):
        when = (timezone.localdate() - timedelta(days=days)).isoformat()
        client.post(f"/items/{item.id}/sessions", session_body(performed_on=when))
    page = client.get(f"/clients/{screened.client.id}/sessions?limit=2&offset=0")
    assert page.json()["count"] == 3
    assert len(page.json()["items"]) == 2
    rest = client.get(f"/clients/{screened.client.id}/sessions?limit=2&offset=2")
    performed = [s["performed_on"] for s in page.json()["items"] + rest.json()["items"]]
    assert performed == sorted(performed, reverse=True)
    coach = Api(screened.coach)
    counts = []
    for extra in range(2):
        row = {"technique_id": "ankle-banded-posterior-glide", "retest_id": "wblt-distance",
               "every_days": 1 + extra}  # fmt: skip
        body = {"starts_on": timezone.localdate().isoformat(), "items": [row] * (1 + extra)}
        coach.post(f"/clients/{screened.client.id}/plans", body)
        with CaptureQueriesContext(connection) as queries:
            assert coach.get(f"/clients/{screened.client.id}/plans").status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_progress_summarises_the_series(screened: Personas, item: PlanItem) -> None:
    client = Api(screened.client_user)
    client.post(f"/items/{item.id}/sessions", session_body(pre=8.0, post=10.0))
    data = client.get(f"/clients/{screened.client.id}/progress").json()
    (series,) = data["series"]
    assert (series["test_id"], series["side"]) == ("wblt-distance", item.side)
    assert series["points"][0]["pre"] == 8.0 and series["points"][0]["post"] == 10.0
    assert data["adherence"]["done"] == 1
    [pain] = series["pain"]
    assert (pain["rest"], pain["during"], pain["next_day"]) == (1, 1, None)


def test_the_instrument_is_kept_when_the_test_allows_it(screened: Personas, item: PlanItem) -> None:
    api = Api(screened.client_user)
    allowed = load_catalogue().test(item.retest_id).instruments
    made = api.post(f"/items/{item.id}/sessions", session_body(instrument=allowed[0]))
    assert made.status_code == 201
    assert Session.objects.get(id=made.json()["session"]["id"]).instrument == allowed[0]
    refused = api.post(f"/items/{item.id}/sessions", session_body(instrument="sextant"))
    assert refused.status_code == 400
    assert ", ".join(allowed) in refused.json()["error"]["fields"]["instrument"]


def test_a_session_takes_how_it_was_measured_and_names_its_mdc(
    screened: Personas, item: PlanItem
) -> None:
    api = Api(screened.client_user)
    body = session_body(measured_by="clinician", readings=2, instrument="tape-measure")
    made = api.post(f"/items/{item.id}/sessions", body).json()["session"]
    assert (made["measured_by"], made["readings"], made["instrument"]) == (
        "clinician", 2, "tape-measure",
    )  # fmt: skip
    assert (made["mdc"], made["mdc_level"], made["mdc_source"], made["mdc_fit"]) == (
        1.5, "unstated", "konor2012", "unstated",
    )  # fmt: skip
    own = api.post(f"/items/{item.id}/sessions", session_body()).json()["session"]
    assert (own["measured_by"], own["mdc_fit"], own["mdc_source"]) == (
        "self", "default", "selfmob-defaults",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [({"measured_by": "robot"}, "measured_by"), ({"readings": 9}, "readings"),
     ({"readings": "two"}, "readings")],
)  # fmt: skip
def test_a_bad_context_is_a_400_that_stores_nothing(
    screened: Personas, item: PlanItem, change: dict[str, Any], field: str
) -> None:
    refused = Api(screened.client_user).post(f"/items/{item.id}/sessions", session_body(**change))
    assert refused.status_code == 400
    assert field in refused.json()["error"]["fields"]
    assert not Session.objects.exists()


def test_a_retry_after_the_item_was_removed_returns_the_stored_session(
    screened: Personas, item: PlanItem
) -> None:
    client = Api(screened.client_user)
    body = session_body()
    first = client.post(f"/items/{item.id}/sessions", body)
    Api(screened.coach).call("DELETE", f"/items/{item.id}")
    retry = client.post(f"/items/{item.id}/sessions", body)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["session"]["id"] == first.json()["session"]["id"]
    fresh = client.post(f"/items/{item.id}/sessions", session_body())
    assert fresh.status_code == 400  # a new session for a removed item is still refused


@pytest.mark.parametrize(("field", "day"), [("starts_on", "9999-12-30"), ("ends_on", "2100-01-01"),
                                            ("starts_on", "1999-12-31")])  # fmt: skip
def test_plan_dates_stay_in_a_sane_range(screened: Personas, field: str, day: str) -> None:
    body = {"starts_on": "2026-11-01", "items": [{"technique_id": "ankle-banded-posterior-glide",
            "retest_id": "wblt-distance", "every_days": 1}]} | {field: day}  # fmt: skip
    response = Api(screened.coach).post(f"/clients/{screened.client.id}/plans", body)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {field: "plan dates fall between 2000 and 2099"}


def test_the_coach_sets_the_dose_and_it_stops_being_a_default(screened: Personas) -> None:
    coach = Api(screened.coach)
    item = {"technique_id": "ankle-banded-posterior-glide", "retest_id": "wblt-distance",
            "every_days": 1, "dose": {"sets": 4, "rest_seconds": 45}}  # fmt: skip
    made = coach.post(f"/clients/{screened.client.id}/plans",
                      {"starts_on": timezone.localdate().isoformat(), "items": [item]})  # fmt: skip
    assert made.status_code == 201
    dose = made.json()["items"][0]["dose"]
    default = load_catalogue().technique("ankle-banded-posterior-glide").dose
    assert (dose["sets"], dose["rest_seconds"], dose["reps"]) == (4, 45, default.reps)
    assert dose["grade"] == "coach" and dose["text"].startswith("4 sets")
    item_id = made.json()["items"][0]["id"]
    bad = coach.call("PATCH", f"/items/{item_id}",
                     {"every_days": 1, "pain_limit": 2, "dose": {"sets": 11}})  # fmt: skip
    assert bad.status_code == 400
    assert "dose.sets" in bad.json()["error"]["fields"]
    kept = coach.call("PATCH", f"/items/{item_id}", {"every_days": 2, "pain_limit": 2})
    assert kept.json()["dose"] == dose  # no dose sent: unchanged
