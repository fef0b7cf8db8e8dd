from __future__ import annotations

import html

import pytest
from django.urls import reverse

from selfmob.clinic.models import Assessment
from selfmob.clinic.services.screening import screening_record
from selfmob.knowledge.catalogue import load_catalogue
from tests.support.factories import assessment_form
from tests.support.knowledge import all_no
from tests.support.personas import ANON, Personas, as_, login


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 200), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_the_new_assessment_page(people: Personas, who: str, status: int) -> None:
    url = reverse("assessment_new", args=[people.client.id])
    assert as_(people, who).get(url).status_code == status


def test_saving_shows_the_restriction_map(screened: Personas) -> None:
    http = as_(screened, "owner")
    response = http.post(reverse("assessment_new", args=[screened.client.id]), assessment_form())
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert {m.side: m.value for m in assessment.measurements.all()} == {"left": 11.5, "right": 6.5}
    page = http.get(response["Location"]).content.decode()
    assert "<svg" in page
    assert "restricted" in page
    assert "Banded ankle mobilization" in page
    assert "Weight-bearing lunge test (knee-to-wall distance), right: restricted" in page


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"left_1": "99"}, "outside the physiological range"),
        ({"left_1": "abc"}, "Enter a number"),
        ({"test": "nope"}, "Select a valid choice"),
        ({"instrument": "goniometer"}, "instrument must be one of"),
    ],
)
def test_bad_measurements_show_the_error_and_save_nothing(
    people: Personas, row: dict[str, str], message: str
) -> None:
    url = reverse("assessment_new", args=[people.client.id])
    response = as_(people, "owner").post(url, assessment_form(**row))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 200), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_the_map_page_access(screened: Personas, who: str, status: int) -> None:
    as_(screened, "owner").post(
        reverse("assessment_new", args=[screened.client.id]), assessment_form()
    )
    url = reverse("assessment", args=[Assessment.objects.get().id])
    assert as_(screened, who).get(url).status_code == status
    assert as_(screened, "owner").post(url).status_code == 405


def test_without_a_screen_the_map_shows_no_suggestions(people: Personas) -> None:
    http = as_(people, "owner")
    response = http.post(reverse("assessment_new", args=[people.client.id]), assessment_form())
    page = http.get(response["Location"]).content.decode()
    assert "screen the client for red flags" in page
    assert "Banded ankle mobilization" not in page


def map_after_saving(people: Personas, **row: str) -> str:
    """The coach saves a one-row assessment and opens the restriction map it leads to."""
    http = as_(people, "owner")
    saved = http.post(reverse("assessment_new", args=[people.client.id]), assessment_form(**row))
    return http.get(saved["Location"]).content.decode()


def test_a_severe_loss_shows_a_referral_and_no_technique(screened: Personas) -> None:
    html = map_after_saving(screened, left_1="1", left_2="1", right_1="10.5")
    assert 'data-referral="wblt-distance"' in html
    assert "a loss this large should be examined" in html
    assert "Banded ankle mobilization" not in html


def test_a_caution_answer_leaves_techniques_out_and_says_why(people: Personas) -> None:
    answers = all_no() | {"recent-sprain": True}
    screening_record(client=people.client, answers=answers, neck=False, recorded_by=people.coach)
    html = map_after_saving(people, left_1="4", left_2="4", right_1="10.5")
    assert 'data-left-out="ankle-banded-posterior-glide"' in html
    assert load_catalogue().questions["recent-sprain"].advice in html.replace("&#x27;", "'")
    assert '<div class="card"><strong>Banded ankle mobilization' not in html


def test_a_borderline_side_is_marked_for_a_retest(screened: Personas) -> None:
    html = map_after_saving(screened, left_1="6", left_2="6", right_1="7")
    assert "borderline" in html
    assert "cannot be told apart from measurement error" in html


def map_page(people: Personas, who: str, **row: str) -> str:
    as_(people, "owner").post(
        reverse("assessment_new", args=[people.client.id]), assessment_form(**row)
    )
    assessment = Assessment.objects.get()
    return html.unescape(
        as_(people, who).get(reverse("assessment", args=[assessment.id])).content.decode()
    )


def test_the_map_says_the_limit_and_the_difference_once(screened: Personas) -> None:
    page = map_page(screened, "owner")
    assert page.count("The limit is the 5th percentile") == 1
    assert page.count("Left-right difference") == 1
    assert "Why?" in page


@pytest.mark.parametrize(("who", "offered"), [("owner", True), ("client", False)])
def test_the_map_offers_a_plan_to_whoever_writes_it(
    screened: Personas, who: str, offered: bool
) -> None:
    page = map_page(screened, who)
    assert ("Build a plan from this assessment" in page) is offered
    back = reverse("client", args=[screened.client.id]) if who == "owner" else reverse("today")
    assert f'<a href="{back}">Back' in page


def test_an_instrument_left_blank_is_the_tests_usual_one(screened: Personas) -> None:
    url = reverse("assessment_new", args=[screened.client.id])
    response = as_(screened, "owner").post(url, assessment_form(instrument=""))
    assert response.status_code == 302
    usual = load_catalogue().test("wblt-distance").instruments[0]
    assert {m.instrument for m in Assessment.objects.get().measurements.all()} == {usual}


def test_a_person_measuring_themself_is_offered_self_tests_with_their_set_up(
    people: Personas,
) -> None:
    own = people.solo.client_record
    page = html.unescape(
        login(people.solo).get(reverse("assessment_new", args=[own.id])).content.decode()
    )
    catalogue = load_catalogue()
    for test in catalogue.tests.values():
        offered = f'<option value="{test.id}">' in page
        assert offered is test.self_testable, test.id
    lunge = catalogue.test("wblt-distance")
    assert lunge.self_test_note in page
    assert lunge.protocol[0] in page
    coach_page = as_(people, "owner").get(reverse("assessment_new", args=[people.client.id]))
    assert '<option value="hip-ir">' in coach_page.content.decode()
