"""The handout and report PDFs: every persona, the page-size parameter, the headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from selfmob.clinic.exports.pdf import BAD_PAGE_SIZE
from selfmob.clinic.models import PlanItem
from tests.support.pdf import POINTS, page_points, pdf_text
from tests.support.personas import ANON, Personas, as_, login

VIEWS = ["handout_pdf", "report_pdf"]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 200), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_who_may_print(people: Personas, view: str, who: str, status: int) -> None:
    response = as_(people, who).get(reverse(view, args=[people.client.id]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    if who == ANON:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("view", VIEWS)
def test_a_solo_user_prints_their_own(people: Personas, view: str) -> None:
    record = people.solo.client_record
    assert login(people.solo).get(reverse(view, args=[record.id])).status_code == 200


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get(people: Personas, view: str, method: str) -> None:
    response = getattr(as_(people, "owner"), method)(reverse(view, args=[people.client.id]))
    assert response.status_code == 405


@pytest.mark.parametrize("view", VIEWS)
def test_the_pdf_opens_inline_with_a_file_name(people: Personas, view: str) -> None:
    response = as_(people, "client").get(reverse(view, args=[people.client.id]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="selfmob-')
    assert "-ana-" in disposition and disposition.endswith('.pdf"')
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    ("page", "size"), [("a4", "A4"), ("letter", "Letter"), ("Letter", "Letter")]
)
def test_the_page_parameter_sets_the_size(
    people: Personas, view: str, page: str, size: str, tmp_path: Path
) -> None:
    response = as_(people, "owner").get(reverse(view, args=[people.client.id]), {"page": page})
    assert page_points(response.content, tmp_path) == POINTS[size]


@pytest.mark.parametrize("view", VIEWS)
def test_a4_is_the_default(people: Personas, view: str, tmp_path: Path) -> None:
    response = as_(people, "owner").get(reverse(view, args=[people.client.id]))
    assert page_points(response.content, tmp_path) == POINTS["A4"]


@pytest.mark.parametrize("view", VIEWS)
def test_a_bad_page_size_is_a_400_with_the_reason(people: Personas, view: str) -> None:
    response = as_(people, "owner").get(reverse(view, args=[people.client.id]), {"page": "a5"})
    assert response.status_code == 400
    assert response.content.decode() == BAD_PAGE_SIZE.format(value="a5")


def test_the_printed_address_is_the_today_page_of_this_site(
    ankle_item: PlanItem, screened: Personas, tmp_path: Path
) -> None:
    response = as_(screened, "client").get(reverse("handout_pdf", args=[screened.client.id]))
    assert "http://testserver/today" in pdf_text(response.content, tmp_path)
