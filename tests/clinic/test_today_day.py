"""The client's day on Today: the form in the order it is done, and next-day pain asked once
per plan item, about its latest session."""

from __future__ import annotations

import html
import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from selfmob.clinic.models import PlanItem
from selfmob.clinic.selectors import awaiting_next_day_pain
from selfmob.clinic.services.sessions import session_log
from tests.support.factories import plan_starts
from tests.support.personas import Personas, login


def logged(item: PlanItem, days_ago: int, pain: int = 1) -> uuid.UUID:
    today = timezone.localdate()
    return session_log(
        plan_item=item, idempotency_key=uuid.uuid4(), performed_on=today - timedelta(days=days_ago),
        pre=7.0, post=8.0, pain_rest=0, pain_during=pain, today=today,
    ).session.id  # fmt: skip


def test_today_is_in_the_order_it_is_done(ankle_item: PlanItem, screened: Personas) -> None:
    plan_starts(ankle_item, timezone.localdate())
    page = html.unescape(login(screened.client_user).get(reverse("today")).content.decode())
    order = ["Pain now, before you start", "Test before", "The technique", "Start the timer",
             "Pain during (0–10)", "Test after", "Save session"]  # fmt: skip
    places = [page.index(words) for words in order]
    assert places == sorted(places)


def test_next_day_pain_is_asked_about_the_latest_session_of_each_item(
    ankle_item: PlanItem, screened: Personas
) -> None:
    plan_starts(ankle_item, timezone.localdate() - timedelta(days=5))
    logged(ankle_item, 2)
    logged(ankle_item, 1, pain=2)
    latest = logged(ankle_item, 1, pain=3)
    asked = awaiting_next_day_pain(screened.client, timezone.localdate())
    assert [s.id for s in asked] == [latest]
    page = html.unescape(login(screened.client_user).get(reverse("today")).content.decode())
    assert page.count("How is the pain today") == 1
    assert "Pain then" not in page and "during: 3/10" in page


def test_once_the_latest_is_answered_older_sessions_are_not_asked(
    ankle_item: PlanItem, screened: Personas
) -> None:
    plan_starts(ankle_item, timezone.localdate() - timedelta(days=5))
    logged(ankle_item, 2)
    latest = logged(ankle_item, 1)
    login(screened.client_user).post(reverse("next_day_pain", args=[latest]), {"pain": "1"})
    assert awaiting_next_day_pain(screened.client, timezone.localdate()) == []
