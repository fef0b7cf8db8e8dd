"""`limit` and `offset` of every list are bounded: a value outside is a 400 naming it, never a
number handed to the database."""

from __future__ import annotations

import pytest
from django.conf import settings

from selfmob.clinic.api.pagination import MAX_OFFSET
from tests.support.api import Api
from tests.support.personas import Personas

LISTS = ["/clients", "/clients/{id}/screenings", "/clients/{id}/assessments",
         "/clients/{id}/plans", "/clients/{id}/sessions"]  # fmt: skip
HUGE = str(2**63)  # one past SQLite's largest integer


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("offset", HUGE),
        ("offset", str(MAX_OFFSET + 1)),
        ("offset", "-1"),
        ("offset", "1e3"),
        ("limit", HUGE),
        ("limit", "-" + HUGE),
        ("limit", "0"),
        ("limit", str(settings.NINJA_PAGINATION_MAX_LIMIT + 1)),
    ],
)
def test_a_value_out_of_bounds_gets_400_naming_it(
    people: Personas, coach_api: Api, path: str, field: str, value: str
) -> None:
    url = path.format(id=people.client.id) + f"?{field}={value}"
    response = coach_api.get(url)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {field}


@pytest.mark.parametrize("path", LISTS)
def test_the_largest_offset_answers_an_empty_page(
    people: Personas, coach_api: Api, path: str
) -> None:
    response = coach_api.get(path.format(id=people.client.id) + f"?offset={MAX_OFFSET}")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_the_bounds_are_in_the_openapi_document(people: Personas, coach_api: Api) -> None:
    document = coach_api.get("/openapi.json").json()
    parameters = {
        p["name"]: p["schema"] for p in document["paths"]["/api/v1/clients"]["get"]["parameters"]
    }
    assert (parameters["offset"]["minimum"], parameters["offset"]["maximum"]) == (0, MAX_OFFSET)
    limit = parameters["limit"]
    assert (limit["minimum"], limit["maximum"]) == (1, settings.NINJA_PAGINATION_MAX_LIMIT)
    assert limit["default"] == settings.NINJA_PAGINATION_PER_PAGE
