"""One screening gate: every path asks `screening_gate` and gives the same answer for the
same client, in each state; caution codes reach the map, the plan, Today, the handout and
the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.urls import reverse

from selfmob.clinic.dashboard import coach_dashboard
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.exports.plan_words import current_items, hold_of
from selfmob.clinic.exports.report import report_of
from selfmob.clinic.models import Assessment, Plan, PlanItem, Screening
from selfmob.clinic.selectors import restriction_map, screening_gate
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import clearance_record, screening_record
from selfmob.clinic.services.sessions import session_log
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.suggest import adjusted_dose
from tests.support.api import Api
from tests.support.factories import assessment_form
from tests.support.knowledge import all_no
from tests.support.personas import TODAY, Personas, as_, login

ANKLE = ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1)
NOTE = "Seen by Dr Lee, GP: may go on."


def screen(people: Personas, **yes: bool) -> Screening:
    answers = all_no() | {k.replace("_", "-"): v for k, v in yes.items()}
    return screening_record(
        client=people.client, answers=answers, neck=False, recorded_by=people.coach
    )


def not_screened(people: Personas) -> None:
    return None


def clear(people: Personas) -> None:
    screen(people)


def caution(people: Personas) -> None:
    screen(people, pregnancy=True)


def refer(people: Personas) -> None:
    screen(people, fever_hot_joint=True)


def refer_then_clear(people: Personas) -> None:
    """A later clear screen does not lift a refer: it still holds."""
    screen(people, fever_hot_joint=True)
    screen(people)


def cleared(people: Personas) -> None:
    held = screen(people, fever_hot_joint=True, loose_joints=True)
    clearance_record(screening=held, cleared_by=people.coach, note=NOTE)


STATES: dict[str, tuple[Callable[[Personas], None], str]] = {
    "not screened": (not_screened, "not_screened"),
    "clear": (clear, "clear"),
    "caution": (caution, "caution"),
    "refer": (refer, "refer"),
    "refer, then a clear screen": (refer_then_clear, "refer"),
    "refer, cleared": (cleared, "caution"),
}


def fresh(people: Personas) -> Personas:
    people.client.refresh_from_db()
    return people


def plan_allowed(people: Personas) -> bool:
    try:
        plan_create(
            client=people.client, created_by=people.coach, starts_on=TODAY, ends_on=None,
            items=[ANKLE],
        )  # fmt: skip
    except InvalidInput:
        return False
    return True


def stored_item(people: Personas) -> PlanItem:
    """A plan item already on record (say, imported), whatever the screen says now."""
    plan = Plan.objects.create(client=people.client, starts_on=TODAY, created_by=people.coach)
    dose = adjusted_dose(load_catalogue().technique(ANKLE.technique_id).dose, {})
    return PlanItem.objects.create(
        plan=plan, technique_id=ANKLE.technique_id, retest_id=ANKLE.retest_id, side="right",
        dose=dose, every_days=1,
    )  # fmt: skip


def logging_allowed(people: Personas) -> bool:
    item = stored_item(people)
    try:
        session_log(
            plan_item=item, idempotency_key=uuid.uuid4(), performed_on=TODAY, pre=7.0,
            post=8.0, pain_rest=0, pain_during=0, today=TODAY,
        )  # fmt: skip
    except InvalidInput:
        return False
    return True


@pytest.mark.parametrize("name", list(STATES))
def test_every_path_gives_the_same_answer(people: Personas, name: str) -> None:
    arrange, state = STATES[name]
    arrange(people)
    gate = screening_gate(fresh(people).client)
    assert gate.state == state
    open_ = gate.block is None
    assert open_ is (state in ("clear", "caution"))
    assert plan_allowed(fresh(people)) is open_
    assert logging_allowed(fresh(people)) is open_
    [row] = coach_dashboard(people.coach, TODAY)
    assert any(f.kind == "red_flag" for f in row.flags) is (state == "refer")
    report = report_of(fresh(people).client, TODAY)
    assert any(f.kind == "red_flag" for f in report.flags) is (state == "refer")
    assert (hold_of(fresh(people).client) is None) is open_
    today = login(people.client_user).get(reverse("today")).content.decode()
    assert ("Please pause your self-mobilization" in today) is (state == "refer")
    assert ("Your coach has not set up your plan yet" in today) is (state == "not_screened")
    detail = Api(people.coach).get(f"/clients/{people.client.id}").json()
    stored = {"not_screened": "none", "refer": "refer"}.get(state, "clear")
    assert detail["screening_status"] == stored
    pending = gate.pending_refer is not None
    assert pending is (state == "refer")
    api = Api(people.coach).post(f"/clients/{people.client.id}/clearance", {"note": NOTE})
    assert (api.status_code == 201) is pending


@pytest.mark.parametrize("name", list(STATES))
def test_the_map_gets_the_gate_s_screen(people: Personas, name: str) -> None:
    arrange, state = STATES[name]
    arrange(people)
    as_(people, "owner").post(reverse("assessment_new", args=[people.client.id]), assessment_form())
    [result] = restriction_map(Assessment.objects.get(), TODAY)
    assert (result.screen.verdict if result.screen else "not_screened") == state
    assert result.referral.needed is (state == "refer")


def test_the_web_clearance_clears_the_screen_in_force(people: Personas) -> None:
    first = screen(people, fever_hot_joint=True)
    screen(people)
    page = as_(people, "owner").post(reverse("clearance", args=[people.client.id]), {"note": NOTE})
    assert page.status_code == 302
    assert Screening.objects.get(id=first.id).clearance.note == NOTE
    again = as_(people, "owner").post(reverse("clearance", args=[people.client.id]), {"note": NOTE})
    assert again.status_code == 400
    assert "no red-flag screen is waiting for a clearance" in again.content.decode()


def test_a_neck_test_after_a_screen_without_the_neck_questions_does_not_crash(
    people: Personas,
) -> None:
    screen(people)
    form = assessment_form(**{"test": "cervical-flexion-rotation", "instrument": "goniometer",
                              "left_1": "28", "left_2": "28", "right_1": "44"})  # fmt: skip
    made = as_(people, "owner").post(reverse("assessment_new", args=[people.client.id]), form)
    assert made.status_code == 302
    page = as_(people, "owner").get(made["Location"])
    assert page.status_code == 200
    assert "neck questions" in page.content.decode()
    assessment = Assessment.objects.get()
    api = Api(people.coach).get(f"/assessments/{assessment.id}")
    assert api.status_code == 200
    [result] = api.json()["restriction_map"]
    assert result["suggestions"] == []


def test_a_technique_a_caution_leaves_out_cannot_be_planned(people: Personas) -> None:
    screen(people, recent_sprain=True)
    with pytest.raises(InvalidInput) as caught:
        plan_create(client=people.client, created_by=people.coach, starts_on=TODAY,
                    ends_on=None, items=[ANKLE])  # fmt: skip
    advice = load_catalogue().questions["recent-sprain"].advice
    assert advice in caught.value.fields["items[0].technique_id"]


def test_precautions_of_the_answers_reach_today_the_handout_and_the_api(
    people: Personas,
) -> None:
    screen(people, pregnancy=True)
    plan_create(client=people.client, created_by=people.coach, starts_on=TODAY, ends_on=None,
                items=[ANKLE])  # fmt: skip
    advice = load_catalogue().questions["pregnancy"].advice
    today = login(people.client_user).get(reverse("today")).content.decode()
    assert advice in today.replace("&#x27;", "'")
    [current] = current_items(people.client, TODAY)
    assert current.precautions[0].endswith(advice)
    plans = Api(people.coach).get(f"/clients/{people.client.id}/plans").json()
    assert any(advice in p for p in plans["items"][0]["items"][0]["precautions"])
