"""The phone-inclinometer page: who may open it, which tests it serves, what it records."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from selfmob.clinic.models import Assessment, Measurement
from selfmob.clinic.views.measure import PHONE, SITES
from selfmob.knowledge.catalogue import load_catalogue
from tests.support.personas import Personas, login

ANON = "anonymous"
PHONE_TESTS = sorted(t.id for t in load_catalogue().tests.values() if PHONE in t.instruments)


def as_(people: Personas, who: str) -> HttpClient:
    users = {"client": people.client_user, "solo": people.solo, "coach": people.coach}
    return HttpClient() if who == ANON else login(users[who])


def url(test_id: str = "wblt-angle") -> str:
    return reverse("measure", args=[test_id])


def trials(**overrides: Any) -> dict[str, Any]:
    return {
        "side": "right",
        "trial_1": "38",
        "trial_2": "40",
        "trial_3": "42",
        "measured_on": timezone.localdate().isoformat(),
    } | overrides


def test_the_phone_serves_the_tests_that_list_it() -> None:
    expected = ["shoulder-flexion", "thoracic-rotation", "wblt-angle", "wrist-extension"]
    assert sorted([*expected, "wrist-flexion"]) == PHONE_TESTS
    assert set(PHONE_TESTS) <= set(SITES)


@pytest.mark.parametrize(("who", "status"), [("client", 200), ("solo", 200), ("coach", 404)])
def test_who_may_open_the_page(people: Personas, who: str, status: int) -> None:
    assert as_(people, who).get(url()).status_code == status


def test_anonymous_goes_to_log_in(people: Personas) -> None:
    response = as_(people, ANON).get(url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_method(people: Personas, method: str) -> None:
    assert getattr(as_(people, "client"), method)(url()).status_code == 405


@pytest.mark.parametrize("test_id", PHONE_TESTS)
def test_each_phone_test_has_its_placement_and_zero(people: Personas, test_id: str) -> None:
    page = as_(people, "client").get(url(test_id)).content.decode()
    assert "<svg" in page
    assert "Zero:" in page
    assert "within 1° for 2 seconds" in page


def test_an_unknown_test_is_404_with_a_clear_page(people: Personas) -> None:
    response = as_(people, "client").get(url("no-such-test"))
    assert response.status_code == 404
    assert "No such test" in response.content.decode()


def test_a_test_the_phone_cannot_measure_is_404_with_a_clear_page(people: Personas) -> None:
    response = as_(people, "client").get(url("wblt-distance"))
    assert response.status_code == 404
    assert "cannot measure this test" in response.content.decode()


def test_without_javascript_the_page_is_a_plain_form(people: Personas) -> None:
    page = as_(people, "client").get(url()).content.decode()
    assert 'name="trial_1"' in page
    assert "Record this measurement" in page
    assert "data-live hidden" in page  # the live reading needs the script


@pytest.mark.parametrize("who", ["client", "solo"])
def test_recording_makes_a_self_measured_phone_assessment(people: Personas, who: str) -> None:
    response = as_(people, who).post(url(), trials())
    assert response.status_code == 302
    assert response["Location"] == url()
    measurement = Measurement.objects.select_related("assessment__client").get()
    client = measurement.assessment.client
    assert client.user_id == (people.client_user if who == "client" else people.solo).id
    assert measurement.instrument == PHONE
    assert measurement.assessment.measured_by == client.name
    assert measurement.trials == [38.0, 40.0, 42.0]
    assert measurement.value == 40.0
    assert measurement.side == "right"
    assert measurement.position == SITES["wblt-angle"]


def test_recording_says_what_was_recorded(people: Personas) -> None:
    page = as_(people, "client").post(url(), trials(), follow=True).content.decode()
    assert "Recorded: Weight-bearing lunge test (tibial angle), right, 40° (mean of 3" in page


def test_one_trial_is_enough(people: Personas) -> None:
    response = as_(people, "client").post(url(), trials(trial_2="", trial_3=""))
    assert response.status_code == 302
    assert Measurement.objects.get().trials == [38.0]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"side": ""}, "This field is required"),
        ({"trial_1": ""}, "This field is required"),
        ({"trial_2": "95"}, "95"),  # outside the lunge angle's physiological range
        ({"measured_on": "2999-01-01"}, "cannot be in the future"),
    ],
)
def test_bad_input_is_400_and_records_nothing(
    people: Personas, overrides: dict[str, str], message: str
) -> None:
    response = as_(people, "client").post(url(), trials(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_coach_cannot_record_for_a_client(people: Personas) -> None:
    assert as_(people, "coach").post(url(), trials()).status_code == 404
    assert not Assessment.objects.exists()
