"""The downloads against every persona, with exact status codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
import time_machine
from django.urls import reverse

from selfmob.clinic.exports.tables import COLUMNS
from tests.support.personas import ANON, Personas, as_, login

CLIENT_VIEWS = ("client_export_json", "client_export_csv")
PRACTICE_VIEWS = ("practice_export_json", "practice_export_csv")
MATRIX = [("owner", 200), ("other_coach", 404), ("client", 200), ("other_client", 404), (ANON, 302)]


@pytest.mark.parametrize("view", CLIENT_VIEWS)
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_a_clients_files(people: Personas, view: str, who: str, status: int) -> None:
    url = reverse(view, args=[people.client.id])
    assert as_(people, who).get(url).status_code == status


@pytest.mark.parametrize("view", CLIENT_VIEWS)
def test_anonymous_is_sent_to_log_in(people: Personas, view: str) -> None:
    url = reverse(view, args=[people.client.id])
    response = as_(people, ANON).get(url)
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("view", CLIENT_VIEWS)
def test_a_solo_user_downloads_their_own_files(people: Personas, view: str) -> None:
    url = reverse(view, args=[people.solo.client_record.id])
    assert login(people.solo).get(url).status_code == 200


@pytest.mark.parametrize("view", CLIENT_VIEWS)
def test_a_solo_user_cannot_download_a_coachs_client(people: Personas, view: str) -> None:
    url = reverse(view, args=[people.client.id])
    assert login(people.solo).get(url).status_code == 404


@pytest.mark.parametrize("view", CLIENT_VIEWS + PRACTICE_VIEWS)
def test_downloads_are_read_only(people: Personas, view: str) -> None:
    args = [people.client.id] if view in CLIENT_VIEWS else []
    assert as_(people, "owner").post(reverse(view, args=args)).status_code == 405


@pytest.mark.parametrize("view", PRACTICE_VIEWS)
@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("client", 404), ("other_client", 404), (ANON, 302)]
)
def test_the_practice_files(people: Personas, view: str, who: str, status: int) -> None:
    assert as_(people, who).get(reverse(view)).status_code == status


@pytest.mark.parametrize("view", PRACTICE_VIEWS)
def test_a_solo_user_has_no_practice(people: Personas, view: str) -> None:
    assert login(people.solo).get(reverse(view)).status_code == 404


def test_each_coach_gets_only_their_own_practice(people: Personas) -> None:
    body = as_(people, "other_coach").get(reverse("practice_export_json")).json()
    assert body["coach"]["email"] == "other@example.test"
    assert [c["email"] for c in body["clients"]] == ["ben@example.test"]


@time_machine.travel("2026-11-23 10:00Z", tick=False)
def test_the_json_download(people: Personas) -> None:
    response = as_(people, "client").get(reverse("client_export_json", args=[people.client.id]))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="selfmob-ana-2026-11-23.json"'
    assert "no-store" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["schema"] == "selfmob.practice"
    assert [c["id"] for c in body["clients"]] == [str(people.client.id)]
    assert body["clients"][0]["account"]["password_hash"] is None


@time_machine.travel("2026-11-23 10:00Z", tick=False)
def test_the_csv_download(people: Personas) -> None:
    response = as_(people, "owner").get(reverse("practice_export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="selfmob-practice-2026-11-23.csv"'
    )
    reader = csv.reader(io.StringIO(response.content.decode("utf-8"), newline=""))
    assert tuple(next(reader)) == COLUMNS


def test_the_practice_json_never_carries_password_hashes(people: Personas) -> None:
    body = as_(people, "owner").get(reverse("practice_export_json")).json()
    assert body["coach"]["password_hash"] is None
    assert people.coach.password not in json.dumps(body)
