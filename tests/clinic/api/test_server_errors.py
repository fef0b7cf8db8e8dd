"""An unhandled exception under /api/ answers 500 in the error shape, never an HTML or
plain-text page, with DEBUG off and on; Django still logs it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from selfmob.clinic.api.errors import SERVER_ERROR
from selfmob.clinic.api.routes import clients
from selfmob.clinic.views import coach
from tests.support.api import Api
from tests.support.personas import Personas, login


class Broken(RuntimeError):
    pass


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The selector behind GET /clients fails."""

    def fail(*args: object, **kwargs: object) -> None:
        raise Broken("a bug")

    monkeypatch.setattr(clients, "clients_for_user", fail)


@pytest.mark.usefixtures("broken")
@pytest.mark.parametrize("debug", [False, True])
def test_an_unhandled_exception_answers_500_in_the_error_shape(
    people: Personas, settings: Any, caplog: pytest.LogCaptureFixture, debug: bool
) -> None:
    settings.DEBUG = debug
    api = Api(people.coach)
    api.http.raise_request_exception = False
    response = api.get("/clients")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"code": "server_error", "message": SERVER_ERROR, "fields": {}}
    }
    assert "no-store" in response["Cache-Control"]
    assert any(r.exc_info and r.exc_info[0] is Broken for r in caplog.records)


@pytest.mark.usefixtures("broken")
def test_the_exception_reaches_django_which_the_test_client_re_raises(people: Personas) -> None:
    with pytest.raises(Broken):
        Api(people.coach).get("/clients")


def test_pages_outside_the_api_keep_django_s_own_500(
    people: Personas, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise Broken("a bug")

    monkeypatch.setattr(coach, "coach_dashboard", fail)
    settings.DEBUG = False
    http = login(people.coach)
    http.raise_request_exception = False
    response = http.get(reverse("dashboard"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
