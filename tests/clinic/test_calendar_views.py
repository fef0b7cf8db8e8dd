"""The calendar page and the secret feed: every persona, every state of a feed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from icalendar import Calendar

from selfmob.clinic.models import CalendarFeed, PlanItem
from selfmob.clinic.services.calendar import calendar_feed_create, calendar_feed_revoke
from selfmob.clinic.tokens import token_hash
from tests.support.personas import ANON, Personas, as_, login

FEED_PATH = re.compile(r'value="(https?://testserver(/calendar/[^"]+\.ics))"')


def page_url(people: Personas) -> str:
    return reverse("client_calendar", args=[people.client.id])


def feed_path_of(html: str) -> str:
    match = FEED_PATH.search(html)
    assert match, "the page shows the address once"
    return match.group(2)


def test_a_new_feed_stores_only_the_hash(people: Personas) -> None:
    feed, token = calendar_feed_create(client=people.client, created_by=people.coach)
    stored = CalendarFeed.objects.get()
    assert stored.id == feed.id and stored.revoked_at is None
    assert stored.token_hash == token_hash(token) != token
    assert len(token) >= 40


def test_a_new_feed_revokes_the_earlier_one(people: Personas) -> None:
    first, _ = calendar_feed_create(client=people.client, created_by=people.coach)
    second, _ = calendar_feed_create(client=people.client, created_by=people.client_user)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).get() == second


def test_revoking_stops_the_feed_and_leaves_other_clients_alone(people: Personas) -> None:
    calendar_feed_create(client=people.client, created_by=people.coach)
    theirs, _ = calendar_feed_create(client=people.other_client, created_by=people.other_coach)
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert calendar_feed_revoke(client=people.client, now=now) == 1
    assert calendar_feed_revoke(client=people.client, now=now) == 0
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).get() == theirs


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 200), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_the_calendar_page(people: Personas, who: str, status: int) -> None:
    response = as_(people, who).get(page_url(people))
    assert response.status_code == status
    if who == ANON:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 200), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_making_a_feed(people: Personas, who: str, status: int) -> None:
    response = as_(people, who).post(page_url(people), {"action": "create"})
    assert response.status_code == status
    assert CalendarFeed.objects.count() == (1 if status == 200 else 0)


def test_a_solo_user_makes_their_own_feed(people: Personas) -> None:
    url = reverse("client_calendar", args=[people.solo.client_record.id])
    assert login(people.solo).post(url, {"action": "create"}).status_code == 200


def test_the_calendar_page_wrong_method(people: Personas) -> None:
    assert as_(people, "owner").put(page_url(people)).status_code == 405


def test_an_unknown_action_is_refused(people: Personas) -> None:
    response = as_(people, "owner").post(page_url(people), {"action": "share"})
    assert response.status_code == 400
    assert CalendarFeed.objects.count() == 0


def test_the_address_is_shown_once_in_both_forms(people: Personas) -> None:
    http = as_(people, "client")
    html = http.post(page_url(people), {"action": "create"}).content.decode()
    path = feed_path_of(html)
    assert f'value="webcal://testserver{path}"' in html
    assert "Google Calendar" in html and "Outlook" in html and "Apple" in html
    again = http.get(page_url(people))
    assert path not in again.content.decode()
    assert "An address is working" in again.content.decode()
    assert "no-store" in again["Cache-Control"]


def test_the_feed_serves_the_plan_without_a_login(ankle_item: PlanItem, screened: Personas) -> None:
    html = as_(screened, "owner").post(page_url(screened), {"action": "create"}).content.decode()
    response = HttpClient().get(feed_path_of(html))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"].startswith("private, max-age=")
    calendar = Calendar.from_ical(response.content)
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert f"{ankle_item.id}@selfmob" in uids
    assert "http://testserver/today" in str(calendar.walk("VEVENT")[0]["URL"])


def test_a_revoked_address_stops_working(people: Personas) -> None:
    http = as_(people, "owner")
    path = feed_path_of(http.post(page_url(people), {"action": "create"}).content.decode())
    assert HttpClient().get(path).status_code == 200
    response = http.post(page_url(people), {"action": "revoke"})
    assert response.status_code == 302 and response["Location"] == page_url(people)
    assert HttpClient().get(path).status_code == 404
    assert "No address is working" in http.get(page_url(people)).content.decode()


def test_a_new_address_replaces_the_old_one(people: Personas) -> None:
    http = as_(people, "client")
    old = feed_path_of(http.post(page_url(people), {"action": "create"}).content.decode())
    new = feed_path_of(http.post(page_url(people), {"action": "create"}).content.decode())
    assert old != new
    assert HttpClient().get(old).status_code == 404
    assert HttpClient().get(new).status_code == 200


def test_an_outsider_cannot_revoke_a_feed(people: Personas) -> None:
    calendar_feed_create(client=people.client, created_by=people.coach)
    for who in ("other_coach", "other_client"):
        assert as_(people, who).post(page_url(people), {"action": "revoke"}).status_code == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_an_unknown_token_is_not_found(people: Personas) -> None:
    _, token = calendar_feed_create(client=people.client, created_by=people.coach)
    assert HttpClient().get(reverse("calendar_feed", args=[token + "x"])).status_code == 404
    assert HttpClient().get(reverse("calendar_feed", args=[token])).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_feed_answers_only_get(people: Personas, method: str) -> None:
    _, token = calendar_feed_create(client=people.client, created_by=people.coach)
    response = getattr(HttpClient(), method)(reverse("calendar_feed", args=[token]))
    assert response.status_code == 405
