"""Today's first card for each person and state: nobody is told their answers mean a doctor
unless they gave such answers; a solo user always has a next step and a way to it."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from selfmob.clinic.exports.plan_words import dose_words
from selfmob.clinic.models import Client, User
from selfmob.clinic.selectors import screening_gate
from selfmob.clinic.services.assessments import MeasurementInput, assessment_record
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import screening_record
from selfmob.clinic.words import SOLO_WORDS, for_reader
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.pain import HELP
from tests.support.knowledge import all_no
from tests.support.personas import TODAY, Personas, login

NOT_SET_UP = "Your coach has not set up your plan yet"
PAUSE = "Please pause your self-mobilization"


def today_of(user: User) -> str:
    return html.unescape(login(user).get(reverse("today")).content.decode())


def solo_record(people: Personas) -> Client:
    return Client.objects.get(user=people.solo)


def screen(client: Client, by: User, **yes: bool) -> None:
    answers = all_no() | {key.replace("_", "-"): value for key, value in yes.items()}
    screening_record(client=client, answers=answers, neck=False, recorded_by=by)


def test_a_coached_client_not_yet_screened_is_not_told_to_see_a_doctor(people: Personas) -> None:
    page = today_of(people.client_user)
    assert NOT_SET_UP in page
    assert PAUSE not in page


def test_a_coached_client_screened_without_a_plan_waits_for_the_coach(screened: Personas) -> None:
    page = today_of(screened.client_user)
    assert NOT_SET_UP in page
    assert PAUSE not in page


def test_a_coached_client_with_red_flag_answers_pauses(people: Personas) -> None:
    screen(people.client, people.coach, nerve_symptoms=True)
    page = today_of(people.client_user)
    assert PAUSE in page
    assert "your coach will tell you when you can go on" in page
    assert NOT_SET_UP not in page


def test_a_new_solo_user_starts_with_the_safety_questions(people: Personas) -> None:
    page = today_of(people.solo)
    own = solo_record(people)
    assert "Getting started" in page
    assert f'href="{reverse("screening", args=[own.id])}">Start with the safety questions' in page
    assert PAUSE not in page
    assert "coach" not in page.lower().replace("no coach?", "")


def test_a_screened_solo_user_is_led_to_measure_then_to_plan(people: Personas) -> None:
    own = solo_record(people)
    screen(own, people.solo)
    page = today_of(people.solo)
    assert f'href="{reverse("assessment_new", args=[own.id])}">Measure your range of motion' in page
    lunge = MeasurementInput("wblt-distance", "right", [5.0], "tape-measure")
    assessment_record(client=own, measured_on=TODAY, measured_by="Solo", recorded_by=people.solo,
                      measurements=[lunge], today=TODAY)  # fmt: skip
    page = today_of(people.solo)
    assert f'href="{reverse("plan_new", args=[own.id])}">Build your plan from your results' in page
    assert "your results</a>" in page


def test_a_solo_user_with_a_plan_can_change_each_item(people: Personas) -> None:
    own = solo_record(people)
    screen(own, people.solo)
    item = ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1)
    plan = plan_create(
        client=own, created_by=people.solo, starts_on=TODAY, ends_on=None, items=[item]
    )
    page = today_of(people.solo)
    assert "Your plan" in page
    assert reverse("item_edit", args=[plan.items.get().id]) in page
    assert reverse("item_remove", args=[plan.items.get().id]) in page
    assert "ask your coach" not in page
    assert "your coach" not in page


def test_a_solo_user_with_red_flag_answers_pauses_and_can_record_a_clearance(
    people: Personas,
) -> None:
    own = solo_record(people)
    screen(own, people.solo, nerve_symptoms=True)
    page = today_of(people.solo)
    assert PAUSE in page
    assert "your coach" not in page
    http = login(people.solo)
    result = http.get(reverse("screening_result", args=[own.id])).content.decode()
    assert "Record a clearance" in result
    cleared = http.post(reverse("clearance", args=[own.id]), {"note": "Seen by Dr Rao, 3 Dec"})
    assert cleared.status_code == 302
    assert cleared["Location"] == reverse("today")
    assert screening_gate(solo_record(people)).block is None


@pytest.mark.parametrize(("who", "status"), [("client", 403), ("other_coach", 404), ("solo", 404)])
def test_only_the_coach_clears_a_coached_client(people: Personas, who: str, status: int) -> None:
    screen(people.client, people.coach, nerve_symptoms=True)
    user = {"client": people.client_user, "other_coach": people.other_coach, "solo": people.solo}
    response = login(user[who]).post(reverse("clearance", args=[people.client.id]), {"note": "ok"})
    assert response.status_code == status
    assert screening_gate(people.client).state == "refer"


def test_no_catalogue_or_rule_text_tells_a_solo_user_to_ask_a_coach() -> None:
    catalogue = load_catalogue()
    texts = [HELP, dose_words({"text": "3 sets", "grade": "M"})]
    texts += [q.advice for q in catalogue.questions.values()]
    for t in catalogue.techniques.values():
        texts += [t.position, *t.steps, *t.cues, *t.progression, *t.regression, *t.precautions,
                  *t.contraindications]  # fmt: skip
    for text in texts:
        assert "coach" not in for_reader(text, coached=False).lower(), text
        assert for_reader(text, coached=True) == text


def test_the_solo_words_replace_longer_phrases_first() -> None:
    lengths = [len(coach) for coach, _ in SOLO_WORDS]
    assert all(
        later not in earlier
        for i, (earlier, _) in enumerate(SOLO_WORDS)
        for later, _ in SOLO_WORDS[:i]
    ), "a shorter phrase listed before a longer one that contains it"
    assert lengths
