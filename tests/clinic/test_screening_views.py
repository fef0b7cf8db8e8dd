from __future__ import annotations

import pytest
from django.urls import reverse

from selfmob.clinic.models import Screening
from tests.support.knowledge import all_no
from tests.support.personas import ANON, Personas, as_


def posted(answers: dict[str, object]) -> dict[str, str]:
    return {k: "yes" if v else "no" for k, v in answers.items()}


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 200), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_the_screen_page(people: Personas, who: str, status: int) -> None:
    url = reverse("screening", args=[people.client.id])
    assert as_(people, who).get(url).status_code == status


def test_the_screen_page_wrong_method(people: Personas) -> None:
    url = reverse("screening", args=[people.client.id])
    assert as_(people, "owner").put(url).status_code == 405


@pytest.mark.parametrize("who", ["owner", "client"])
def test_a_clear_screen_is_saved(people: Personas, who: str) -> None:
    url = reverse("screening", args=[people.client.id])
    response = as_(people, who).post(url, posted(all_no()))
    assert response.status_code == 302
    assert Screening.objects.get().verdict == "clear"
    page = as_(people, who).get(response["Location"]).content.decode()
    assert "Clear." in page


def test_an_incomplete_screen_saves_nothing(people: Personas) -> None:
    answers = posted(all_no())
    answers.pop("pregnancy")
    response = as_(people, "owner").post(reverse("screening", args=[people.client.id]), answers)
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Screening.objects.exists()


def test_the_neck_screen_asks_the_cervical_questions(people: Personas) -> None:
    url = reverse("screening", args=[people.client.id])
    page = as_(people, "owner").get(url + "?neck=1").content.decode()
    assert "dizzy" in page
    response = as_(people, "owner").post(url, posted(all_no(neck=True)) | {"neck": "1"})
    assert response.status_code == 302
    assert Screening.objects.get().neck


def refer(people: Personas) -> None:
    url = reverse("screening", args=[people.client.id])
    as_(people, "owner").post(url, posted(all_no() | {"nerve-symptoms": True}))


def test_refer_says_to_see_a_professional_and_can_be_cleared(people: Personas) -> None:
    refer(people)
    result = as_(people, "client").get(reverse("screening_result", args=[people.client.id]))
    assert "See a professional first" in result.content.decode()
    url = reverse("clearance", args=[people.client.id])
    response = as_(people, "owner").post(url, {"note": "Physio examined her: fine."})
    assert response.status_code == 302
    assert Screening.objects.get().clearance.note == "Physio examined her: fine."


@pytest.mark.parametrize(
    ("who", "status"), [("client", 403), ("other_coach", 404), ("other_client", 404), (ANON, 302)]
)
def test_only_the_owner_coach_clears(people: Personas, who: str, status: int) -> None:
    refer(people)
    url = reverse("clearance", args=[people.client.id])
    assert as_(people, who).post(url, {"note": "fine"}).status_code == status
    assert not hasattr(Screening.objects.get(), "clearance")


def test_a_clear_screen_needs_no_clearance(people: Personas) -> None:
    as_(people, "owner").post(reverse("screening", args=[people.client.id]), posted(all_no()))
    url = reverse("clearance", args=[people.client.id])
    response = as_(people, "owner").post(url, {"note": "fine"})
    assert response.status_code == 400
    assert as_(people, "owner").get(url).status_code == 405


def test_no_screen_yet_has_no_result(people: Personas) -> None:
    url = reverse("screening_result", args=[people.client.id])
    assert as_(people, "owner").get(url).status_code == 404
