from __future__ import annotations

import pytest

from selfmob.clinic.dashboard import coach_dashboard
from selfmob.clinic.demo import COACH_EMAIL, PASSWORD, STORIES, DemoRefused, demo_load
from selfmob.clinic.models import Session, User
from tests.support.personas import TODAY


@pytest.fixture
def demo(db: None, settings: object) -> User:
    settings.LOCAL = True  # type: ignore[attr-defined]
    assert demo_load(today=TODAY)
    return User.objects.get(email=COACH_EMAIL)


def test_everyone_can_log_in(demo: User) -> None:
    for email in [COACH_EMAIL, *(s.email for s in STORIES)]:
        assert User.objects.get(email=email).check_password(PASSWORD)


def test_it_holds_eight_weeks_of_sessions(demo: User) -> None:
    for story in STORIES:
        sessions = Session.objects.filter(client__email=story.email)
        assert sessions.count() >= 25
        first = sessions.order_by("performed_on").first()
        assert first is not None
        assert (TODAY - first.performed_on).days >= 50


def test_the_three_stories_show_on_the_dashboard(demo: User) -> None:
    rows = {r.client.email: r for r in coach_dashboard(demo, TODAY)}
    ana, ben, cai = (rows[s.email] for s in STORIES)
    assert [f.kind for f in ana.flags] == []
    assert ana.latest_change is not None
    assert ana.latest_change > 1.9
    assert "no_gain" in [f.kind for f in ben.flags]
    assert [f.kind for f in cai.flags] == ["pain_over_limit", "next_day_pain"]


def test_a_second_run_changes_nothing(demo: User) -> None:
    count = Session.objects.count()
    assert not demo_load(today=TODAY)
    assert Session.objects.count() == count


def test_it_refuses_with_debug_off(db: None, settings: object) -> None:
    settings.LOCAL = False  # type: ignore[attr-defined]
    with pytest.raises(DemoRefused, match="in production"):
        demo_load(today=TODAY)
    assert not User.objects.exists()
