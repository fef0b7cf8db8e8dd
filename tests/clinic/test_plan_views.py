from __future__ import annotations

import html
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from selfmob.clinic.exports.plan_words import dose_words
from selfmob.clinic.models import Plan, PlanItem, Session
from selfmob.clinic.services.sessions import session_log
from selfmob.knowledge.catalogue import load_catalogue
from tests.support.factories import assessment_form
from tests.support.personas import ANON, TODAY, Personas, as_, login


def plan_data(**row: str) -> dict[str, str]:
    data = {
        "starts_on": timezone.localdate().isoformat(),
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "12",
        "items-0-include": "on",
        "items-0-technique": "ankle-banded-posterior-glide",
        "items-0-side": "right",
        "items-0-retest": "wblt-distance",
        "items-0-every_days": "1",
        "items-0-pain_limit": "2",
    }
    return data | {f"items-0-{k}": v for k, v in row.items()}


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 403), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_the_plan_page(screened: Personas, who: str, status: int) -> None:
    url = reverse("plan_new", args=[screened.client.id])
    assert as_(screened, who).get(url).status_code == status


def test_a_solo_user_plans_for_themself(people: Personas) -> None:
    record = people.solo.client_record
    assert login(people.solo).get(reverse("plan_new", args=[record.id])).status_code == 200


def test_suggestions_prefill_the_plan(screened: Personas) -> None:
    http = as_(screened, "owner")
    http.post(reverse("assessment_new", args=[screened.client.id]), assessment_form())
    page = http.get(reverse("plan_new", args=[screened.client.id])).content.decode()
    assert 'value="ankle-belt-self-mwm" selected' in page
    assert http.put(reverse("plan_new", args=[screened.client.id])).status_code == 405


def test_starting_a_plan(screened: Personas) -> None:
    response = as_(screened, "owner").post(
        reverse("plan_new", args=[screened.client.id]), plan_data()
    )
    assert response.status_code == 302
    item = Plan.objects.get().items.get()
    assert (item.technique_id, item.side, item.every_days) == (
        "ankle-banded-posterior-glide",
        "right",
        1,
    )
    today = as_(screened, "client").get(reverse("today")).content.decode()
    assert "Banded ankle mobilization" in today


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"pain_limit": "5"}, "less than or equal to 3"),
        ({"retest": "wrist-extension"}, "measures radiocarpal"),
        ({"every_days": ""}, "weekdays or every N days"),
        ({"include": ""}, "add at least one technique"),
    ],
)
def test_a_bad_plan_shows_the_error_and_saves_nothing(
    screened: Personas, row: dict[str, str], message: str
) -> None:
    url = reverse("plan_new", args=[screened.client.id])
    response = as_(screened, "owner").post(url, plan_data(**row))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Plan.objects.exists()


def test_no_plan_before_the_screen(people: Personas) -> None:
    url = reverse("plan_new", args=[people.client.id])
    response = as_(people, "owner").post(url, plan_data())
    assert response.status_code == 400
    assert "screen the client for red flags" in response.content.decode()
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 403), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_the_item_edit_page(
    ankle_item: PlanItem, screened: Personas, who: str, status: int
) -> None:
    assert as_(screened, who).get(reverse("item_edit", args=[ankle_item.id])).status_code == status


def test_changing_an_item_keeps_logged_sessions(ankle_item: PlanItem, screened: Personas) -> None:
    session = log_today(ankle_item)
    url = reverse("item_edit", args=[ankle_item.id])
    response = as_(screened, "owner").post(url, {"weekdays": ["2", "5"], "pain_limit": "1"})
    assert response.status_code == 302
    ankle_item.refresh_from_db()
    assert (ankle_item.weekdays, ankle_item.every_days, ankle_item.pain_limit) == ([2, 5], None, 1)
    session.refresh_from_db()
    assert session.pain_limit == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pain_limit": "4"}, "less than or equal to 3"),
        ({"pain_limit": "1"}, "weekdays or every N days"),
    ],
)
def test_bad_item_changes_save_nothing(
    ankle_item: PlanItem, screened: Personas, data: dict[str, str], message: str
) -> None:
    response = as_(screened, "owner").post(reverse("item_edit", args=[ankle_item.id]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    ankle_item.refresh_from_db()
    assert (ankle_item.every_days, ankle_item.pain_limit) == (1, 2)


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 302), ("client", 403), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_removing_an_item(ankle_item: PlanItem, screened: Personas, who: str, status: int) -> None:
    session = log_today(ankle_item)
    url = reverse("item_remove", args=[ankle_item.id])
    assert as_(screened, who).post(url).status_code == status
    ankle_item.refresh_from_db()
    assert (ankle_item.removed_at is not None) == (who == "owner")
    assert Session.objects.get() == session
    assert as_(screened, "owner").get(url).status_code == 405


def log_today(item: PlanItem) -> Session:
    return session_log(
        plan_item=item, idempotency_key=uuid.uuid4(), performed_on=TODAY, pre=7.0, post=8.0,
        pain_rest=0, pain_during=1, today=TODAY,
    ).session  # fmt: skip


def test_the_coach_changes_the_dose_from_now_on(ankle_item: PlanItem, screened: Personas) -> None:
    session = log_today(ankle_item)
    url = reverse("item_edit", args=[ankle_item.id])
    page = as_(screened, "owner").get(url).content.decode()
    default = ankle_item.dose
    assert f'name="sets" value="{default["sets"]}"' in page  # the current numbers, to change
    data = {"every_days": "1", "pain_limit": "2", "sets": "5", "reps": str(default["reps"]),
            "seconds": str(default["seconds"]), "rest_seconds": "20"}  # fmt: skip
    assert as_(screened, "owner").post(url, data).status_code == 302
    ankle_item.refresh_from_db()
    assert (ankle_item.dose["sets"], ankle_item.dose["rest_seconds"]) == (5, 20)
    assert ankle_item.dose["grade"] == "coach"
    today = as_(screened, "client").get(reverse("today")).content.decode()
    assert ankle_item.dose["text"] in today and "starting dose from selfmob" not in today
    session.refresh_from_db()
    assert session.pain_limit == 2  # the logged session is untouched
    refused = as_(screened, "owner").post(url, data | {"sets": "0"})
    assert refused.status_code == 400
    ankle_item.refresh_from_db()
    assert ankle_item.dose["sets"] == 5


def test_the_builder_shows_each_suggested_technique_as_a_card(screened: Personas) -> None:
    http = as_(screened, "owner")
    http.post(reverse("assessment_new", args=[screened.client.id]), assessment_form())
    page = html.unescape(http.get(reverse("plan_new", args=[screened.client.id])).content.decode())
    catalogue = load_catalogue()
    suggested = [
        t
        for t in catalogue.techniques.values()
        if f'<label for="id_items-0-include" class="inline">{t.name}' in page
    ]
    assert len(suggested) == 1  # the first card is the best fit, named
    best = suggested[0]
    assert "best fit" in page
    assert f"<strong>Equipment:</strong> {', '.join(best.equipment)}" in page
    assert best.steps[0] in page
    assert "Why this technique" in page


def test_the_client_page_shows_each_items_dose(ankle_item: PlanItem, screened: Personas) -> None:
    page = html.unescape(
        as_(screened, "owner").get(reverse("client", args=[screened.client.id])).content.decode()
    )
    assert dose_words(ankle_item.dose) in page
