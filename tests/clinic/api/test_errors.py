"""Every bad input gets a specific 4xx in the one error shape, and writes nothing."""

from __future__ import annotations

import pytest

from selfmob.clinic.models import Client
from tests.support.api import Api
from tests.support.personas import Personas


def error_of(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]  # type: ignore[no-any-return]


def raw_post(api: Api, path: str, body: bytes, content_type: str = "application/json") -> object:
    return api.http.post(f"/api/v1{path}", body, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (b'{"name": "Ana", ', "malformed", None),
        (b'{"name": "Ana", "email": "a@x.test", "birth_year": NaN}', "malformed", None),
        (b'{"name": "Ana", "email": "a@x.test", "birth_year": Infinity}', "malformed", None),
        (b'{"name": "Ana", "email": "a@x.test", "nickname": "A"}', "invalid", "nickname"),
        (b'{"name": "Ana", "email": "a@x.test", "birth_year": "1990"}', "invalid", "birth_year"),
        (b'{"name": "Ana", "email": "a@x.test", "birth_year": 1990.5}', "invalid", "birth_year"),
        (b'{"email": "a@x.test"}', "invalid", "name"),
        (b'{"name": "Ana", "email": "not-an-email"}', "invalid", "email"),
        (b'{"name": "Ana", "email": "a@x.test", "sex": "x"}', "invalid", "sex"),
        (b"[1, 2]", "invalid", None),
    ],
)
def test_bad_bodies_get_400_naming_the_problem(
    people: Personas, coach_api: Api, body: bytes, code: str, field: str | None
) -> None:
    before = Client.objects.count()
    response = raw_post(coach_api, "/clients", body)
    assert response.status_code == 400  # type: ignore[attr-defined]
    error = error_of(response)
    assert error["code"] == code
    if field is not None:
        assert field in error["fields"]  # type: ignore[operator]
        assert field in str(error["message"])
    assert Client.objects.count() == before


def test_a_body_that_is_not_json_gets_400(people: Personas, coach_api: Api) -> None:
    response = raw_post(coach_api, "/clients", b"name=Ana", "application/x-www-form-urlencoded")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert error_of(response)["code"] == "malformed"


def test_an_oversized_body_gets_413_before_it_is_read(
    people: Personas, coach_api: Api, settings: object
) -> None:
    limit = 1_048_576
    assert limit == settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # type: ignore[attr-defined]
    body = b'{"name": "' + b"a" * limit + b'"}'
    response = raw_post(coach_api, "/clients", body)
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert error_of(response)["code"] == "too_large"


def test_wrong_method_unknown_path_and_bad_id_are_shaped(people: Personas, coach_api: Api) -> None:
    put = coach_api.call("PUT", "/clients", {})
    assert put.status_code == 405
    assert error_of(put)["code"] == "method_not_allowed"
    assert "GET" in put["Allow"] and "POST" in put["Allow"]
    for path in ("/no-such-thing", "/clients/not-a-uuid", f"/clients/{people.coach.id}"):
        response = coach_api.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


def test_a_service_error_keeps_its_field(people: Personas, coach_api: Api) -> None:
    body = {"name": "Ana again", "email": people.client.email}
    response = coach_api.post("/clients", body)
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"email": "you already have a client with this e-mail"}


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "501"])
def test_bad_pagination_gets_400(people: Personas, coach_api: Api, limit: str) -> None:
    response = coach_api.get(f"/clients?limit={limit}")
    assert response.status_code == 400
    assert "limit" in error_of(response)["fields"]  # type: ignore[operator]


def test_answers_are_not_stored_by_caches(people: Personas, coach_api: Api) -> None:
    for response in (coach_api.get("/me"), coach_api.get("/nothing-here"),
                     coach_api.get(f"/clients/{people.client.id}/export?format=csv")):  # fmt: skip
        assert "no-store" in response["Cache-Control"]
