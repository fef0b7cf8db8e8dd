"""Every view against every persona, with exact status codes."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from selfmob.clinic import errors
from selfmob.clinic.models import Client, PlanItem, Session, User
from selfmob.clinic.services.accounts import client_create, invite_create
from tests.support.factories import logged_before_rest_pain, plan_starts
from tests.support.personas import ANON, PASSWORD, Personas, as_, login


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("other_coach", 404), ("client", 404), ("other_client", 404), (ANON, 302)],
)
def test_client_page(people: Personas, who: str, status: int) -> None:
    url = reverse("client", args=[people.client.id])
    assert as_(people, who).get(url).status_code == status


def test_client_page_wrong_method(people: Personas) -> None:
    url = reverse("client", args=[people.client.id])
    assert as_(people, "owner").post(url).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("other_coach", 404), ("client", 404), ("other_client", 404), (ANON, 302)],
)
def test_invite_link(people: Personas, who: str, status: int) -> None:
    dee = client_create(coach=people.coach, name="Dee", email="dee@example.test")
    url = reverse("client_invite", args=[dee.id])
    response = as_(people, who).post(url)
    assert response.status_code == status
    if status == 200:
        assert "/invite/" in response.content.decode()


def test_no_invite_for_a_client_with_an_account(people: Personas) -> None:
    response = as_(people, "owner").post(reverse("client_invite", args=[people.client.id]))
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()
    assert not people.client.invites.exists()


def test_invite_link_wrong_method(people: Personas) -> None:
    url = reverse("client_invite", args=[people.client.id])
    assert as_(people, "owner").get(url).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("client", 404), ("other_client", 404), (ANON, 302)]
)
def test_dashboard(people: Personas, who: str, status: int) -> None:
    assert as_(people, who).get(reverse("dashboard")).status_code == status


def test_dashboard_lists_only_own_clients(people: Personas) -> None:
    page = as_(people, "owner").get(reverse("dashboard")).content.decode()
    assert "Ana" in page
    assert "Ben" not in page
    assert as_(people, "owner").post(reverse("dashboard")).status_code == 405


def test_adding_a_client(people: Personas) -> None:
    http = as_(people, "owner")
    response = http.post(reverse("client_new"), {"name": "Dee", "email": "dee@example.test"})
    assert response.status_code == 302
    dee = Client.objects.get(email="dee@example.test")
    assert response["Location"] == reverse("client", args=[dee.id])


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name": "", "email": "x@example.test"}, "This field is required"),
        ({"name": "Ana", "email": "ana@example.test"}, "already have a client"),
        ({"name": "X", "email": "not-an-email"}, "valid email"),
        ({"name": "X", "email": "x@example.test", "birth_year": "1800"}, "greater than or equal"),
    ],
)
def test_adding_a_bad_client_shows_the_error_and_saves_nothing(
    people: Personas, data: dict[str, str], field_error: str
) -> None:
    before = Client.objects.count()
    response = as_(people, "owner").post(reverse("client_new"), data)
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert Client.objects.count() == before


@pytest.mark.parametrize(("who", "status"), [("client", 404), (ANON, 302)])
def test_only_coaches_add_clients(people: Personas, who: str, status: int) -> None:
    assert as_(people, who).get(reverse("client_new")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("client", 200), ("other_client", 200), ("owner", 404), (ANON, 302)]
)
def test_today(people: Personas, who: str, status: int) -> None:
    assert as_(people, who).get(reverse("today")).status_code == status


def test_today_shows_the_due_technique_and_the_pain_rule(
    ankle_item: PlanItem, people: Personas
) -> None:
    page = as_(people, "client").get(reverse("today")).content.decode()
    assert "Banded ankle mobilization" in page
    assert "Never push through pain" in page
    assert as_(people, "client").post(reverse("today")).status_code == 405


def session_data(item: PlanItem, **overrides: object) -> dict[str, object]:
    """The Today form's fields, under the item's prefix as the page renders them."""
    fields = {
        "key": str(uuid.uuid4()),
        "performed_on": timezone.localdate().isoformat(),
        "pain_rest": "0",
        "pre": "7",
        "post": "9.5",
        "pain_during": "1",
    } | overrides
    return {f"{item.id.hex}-{name}": value for name, value in fields.items()}


@pytest.mark.parametrize(
    ("who", "status"),
    [("client", 302), ("owner", 403), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_logging_a_session(ankle_item: PlanItem, people: Personas, who: str, status: int) -> None:
    ankle_item.plan.starts_on = timezone.localdate()
    ankle_item.plan.save()
    url = reverse("log_session", args=[ankle_item.id])
    response = as_(people, who).post(url, session_data(ankle_item))
    assert response.status_code == status
    saved = who == "client"
    assert Session.objects.count() == (1 if saved else 0)
    if saved:
        assert response["Location"] == reverse("session", args=[Session.objects.get().id])


def test_a_double_submit_stores_one_session(ankle_item: PlanItem, people: Personas) -> None:
    url = reverse("log_session", args=[ankle_item.id])
    data = session_data(ankle_item)
    http = as_(people, "client")
    first = http.post(url, data)
    again = http.post(url, data)
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert "Real improvement" in http.get(again["Location"]).content.decode()
    assert Session.objects.count() == 1
    assert http.get(url).status_code == 405


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pain_during": "11"}, "less than or equal to 10"),
        ({"pain_rest": "11"}, "less than or equal to 10"),
        ({"pain_rest": "-1"}, "greater than or equal to 0"),
        ({"pain_rest": "two"}, "Enter a whole number"),
        ({"pain_rest": ""}, errors.PAIN_REST_MISSING),
        ({"pre": "abc"}, "Enter a number"),
        ({"post": "99"}, "outside the physiological range"),
        ({"measured_by": "robot"}, "Select a valid choice"),
        ({"readings": "9"}, "less than or equal to 5"),
        ({"performed_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, "in the future"),
    ],
)
def test_bad_sessions_show_the_error_and_save_nothing(
    ankle_item: PlanItem, people: Personas, overrides: dict[str, str], message: str
) -> None:
    url = reverse("log_session", args=[ankle_item.id])
    response = as_(people, "client").post(url, session_data(ankle_item, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Session.objects.count() == 0


def test_the_today_form_records_who_measured_and_explains_the_mdc(
    ankle_item: PlanItem, people: Personas
) -> None:
    url = reverse("log_session", args=[ankle_item.id])
    http = as_(people, "client")
    today = http.get(reverse("today")).content.decode()
    assert "How you measured" in today
    assert re.search(r'<input[^>]*value="self"[^>]*checked', today)
    assert not re.search(r'<input[^>]*value="clinician"[^>]*checked', today)
    data = session_data(ankle_item, measured_by="clinician", readings="2")
    page = html.unescape(http.post(url, data, follow=True).content.decode())
    stored = Session.objects.get()
    assert (stored.measured_by, stored.readings, stored.mdc_source) == ("clinician", 2, "konor2012")
    assert "Which measurement error, and why" in page
    assert "Measured within one session by a clinician, the mean of 2 readings" in page
    assert "konor2012" in page


def test_pain_above_the_limit_shows_guidance(ankle_item: PlanItem, people: Personas) -> None:
    url = reverse("log_session", args=[ankle_item.id])
    response = as_(people, "client").post(
        url, session_data(ankle_item, pain_rest="1", pain_during="4"), follow=True
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Pain above your limit" in page
    assert "do not push through pain" in page
    assert "rose from 1/10 before you started to 4/10" in page
    assert "Your coach sees this session too." in page
    assert Session.objects.get().over_limit


def test_pain_within_the_rise_above_the_rest_is_within_the_limit(
    ankle_item: PlanItem, people: Personas
) -> None:
    url = reverse("log_session", args=[ankle_item.id])
    response = as_(people, "client").post(
        url, session_data(ankle_item, pain_rest="3", pain_during="5"), follow=True
    )
    page = response.content.decode()
    assert "Pain: 3/10 before you started, 5/10 during, within your limit." in page
    assert "Pain above your limit" not in page
    assert Session.objects.get().pain_rest == 3


def test_pain_above_the_ceiling_shows_which_rule(ankle_item: PlanItem, people: Personas) -> None:
    url = reverse("log_session", args=[ankle_item.id])
    response = as_(people, "client").post(
        url, session_data(ankle_item, pain_rest="4", pain_during="6"), follow=True
    )
    assert "should never go above 5/10" in html.unescape(response.content.decode())
    assert Session.objects.get().over_limit


def test_the_page_of_an_older_session_says_which_rule_judged_it(
    ankle_item: PlanItem, people: Personas
) -> None:
    url = reverse("log_session", args=[ankle_item.id])
    as_(people, "client").post(url, session_data(ankle_item, pain_rest="2", pain_during="3"))
    session = logged_before_rest_pain(Session.objects.get())
    page = as_(people, "client").get(reverse("session", args=[session.id])).content.decode()
    assert "Pain: 3/10 during." in page
    assert "judged by the older rule" in page


def test_today_asks_for_the_pain_now_before_the_test_before(
    ankle_item: PlanItem, people: Personas
) -> None:
    page = as_(people, "client").get(reverse("today")).content.decode()
    rest = page.index("Pain now, before you start (0–10)")
    assert rest < page.index(">Test before<") < page.index("Pain during (0–10)")
    assert 'data-limit="2" data-ceiling="5"' in page
    assert f'name="{ankle_item.id.hex}-pain_rest"' in page
    assert "never go above 5/10" in page
    assert "your coach, a physiotherapist or a doctor" in page


def test_a_solo_user_is_never_sent_to_a_coach(people: Personas) -> None:
    from selfmob.clinic.services.plans import ItemInput, plan_create
    from selfmob.clinic.services.screening import screening_record
    from tests.support.knowledge import all_no

    solo = people.solo.client_record
    screening_record(client=solo, answers=all_no(), neck=False, recorded_by=people.solo)
    item = ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1)
    plan = plan_create(client=solo, created_by=people.solo, starts_on=timezone.localdate(),
                       ends_on=None, items=[item])  # fmt: skip
    http = login(people.solo)
    today = http.get(reverse("today")).content.decode()
    assert "or ask a physiotherapist or a doctor" in today
    assert "your coach," not in today
    assert "your coach will see" not in today
    logged = http.post(
        reverse("log_session", args=[plan.items.get().id]),
        session_data(plan.items.get(), pain_rest="0", pain_during="4"),
        follow=True,
    )
    page = html.unescape(logged.content.decode())
    assert "Pain above your limit" in page
    assert "a physiotherapist or a doctor" in page
    assert "Your coach sees" not in page


def test_an_invite_link_signs_the_client_in(people: Personas) -> None:
    dee = client_create(coach=people.coach, name="Dee", email="dee@example.test")
    _, token = invite_create(client=dee)
    http = HttpClient()
    assert http.get(reverse("invite", args=[token])).status_code == 200
    response = http.post(reverse("invite", args=[token]), {"password": PASSWORD, "consent": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("today")
    assert http.get(reverse("today")).status_code == 200
    second = HttpClient().post(
        reverse("invite", args=[token]), {"password": PASSWORD, "consent": "on"}
    )
    assert second.status_code == 410
    assert "This invite link has been used" in second.content.decode()


@pytest.mark.parametrize(("role", "url_name"), [("coach", "signup"), ("solo", "signup_solo")])
def test_signing_up(db: None, role: str, url_name: str) -> None:
    http = HttpClient()
    data = {"name": "New", "email": "new@example.test", "password": PASSWORD, "consent": "on"}
    assert http.post(reverse(url_name), data).status_code == 302
    assert User.objects.get(email="new@example.test").role == role
    target = "dashboard" if role == "coach" else "today"
    assert http.get(reverse("home"))["Location"] == reverse(target)


def test_login_and_logout(people: Personas) -> None:
    http = HttpClient()
    response = http.post(reverse("login"), {"username": "coach@example.test", "password": PASSWORD})
    assert response.status_code == 302
    assert http.get(reverse("dashboard")).status_code == 200
    assert http.get(reverse("logout")).status_code == 405
    out = http.post(reverse("logout"))
    assert out.status_code == 302
    assert out["Clear-Site-Data"] == '"cache", "storage"'  # kept pages and unsent queue go
    assert http.get(reverse("dashboard")).status_code == 302


def test_a_wrong_password_is_refused(people: Personas) -> None:
    response = HttpClient().post(
        reverse("login"), {"username": "coach@example.test", "password": "nope"}
    )
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode()


def test_the_dashboard_shows_the_change_in_the_test_unit(
    ankle_item: PlanItem, people: Personas
) -> None:
    plan_starts(ankle_item, timezone.localdate() - timedelta(days=1))
    url = reverse("log_session", args=[ankle_item.id])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    as_(people, "client").post(
        url, session_data(ankle_item, pre="7", post="9", performed_on=yesterday)
    )
    as_(people, "client").post(url, session_data(ankle_item, pre="9.5", post="10"))
    page = as_(people, "owner").get(reverse("dashboard")).content.decode()
    assert "2.5 cm" in page


def test_the_client_page_says_what_blocks_a_plan(people: Personas) -> None:
    page = as_(people, "owner").get(reverse("client", args=[people.client.id])).content.decode()
    assert "screen the client for red flags before starting a plan" in page


def _yesterday_session(item: PlanItem) -> Session:
    item.plan.starts_on = timezone.localdate() - timedelta(days=3)
    item.plan.save()
    http = login(item.plan.client.user)  # type: ignore[arg-type]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    http.post(reverse("log_session", args=[item.id]), session_data(item, performed_on=yesterday))
    return Session.objects.get()


def test_today_asks_for_next_day_pain_and_records_it(
    ankle_item: PlanItem, people: Personas
) -> None:
    session = _yesterday_session(ankle_item)
    http = as_(people, "client")
    today = http.get(reverse("today")).content.decode()
    assert "How is the pain today" in today
    assert "Before it: 0/10, during: 1/10." in today
    response = http.post(reverse("next_day_pain", args=[session.id]), {"pain": "2"}, follow=True)
    said = html.unescape(response.content.decode())
    assert "review" in said
    assert "up by 2 points or more on your pain before that session (0/10)" in said
    session.refresh_from_db()
    assert session.pain_next_day == 2
    assert "How is the pain today" not in http.get(reverse("today")).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("client", 302), ("owner", 403), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_next_day_pain_access(
    ankle_item: PlanItem, people: Personas, who: str, status: int
) -> None:
    session = _yesterday_session(ankle_item)
    url = reverse("next_day_pain", args=[session.id])
    assert as_(people, who).post(url, {"pain": "1"}).status_code == status
    session.refresh_from_db()
    assert (session.pain_next_day is not None) == (who == "client")


def test_bad_next_day_pain_saves_nothing(ankle_item: PlanItem, people: Personas) -> None:
    session = _yesterday_session(ankle_item)
    url = reverse("next_day_pain", args=[session.id])
    response = as_(people, "client").post(url, {"pain": "12"})
    assert response.status_code == 400
    assert "less than or equal to 10" in response.content.decode()
    session.refresh_from_db()
    assert session.pain_next_day is None
    assert as_(people, "client").get(url).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [("client", 200), ("owner", 200), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_the_session_page(ankle_item: PlanItem, people: Personas, who: str, status: int) -> None:
    as_(people, "client").post(
        reverse("log_session", args=[ankle_item.id]), session_data(ankle_item)
    )
    url = reverse("session", args=[Session.objects.get().id])
    assert as_(people, who).get(url).status_code == status
    assert as_(people, "client").post(url).status_code == 405


def test_admin_is_for_superusers_only(people: Personas) -> None:
    assert as_(people, "owner").get("/admin/clinic/session/").status_code == 302
    admin = User.objects.create_superuser("root@example.test", PASSWORD)
    assert login(admin).get("/admin/clinic/session/").status_code == 200
    assert login(admin).get("/admin/clinic/user/").status_code == 200


def test_password_reset_sends_a_link(people: Personas, mailoutbox: list[Any]) -> None:
    http = HttpClient()
    assert http.get(reverse("password_reset")).status_code == 200
    response = http.post(reverse("password_reset"), {"email": "coach@example.test"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Reset your selfmob password"
    link = re.search(r"http://testserver(/password-reset/\S+)", mailoutbox[0].body)
    assert link is not None
    form = http.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = http.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-password-77", "new_password2": "a-fresh-password-77"},
        follow=True,
    )
    assert done.redirect_chain[0] == ("/", 302)  # the reset logs its owner in
    assert "Your new password is saved." in done.content.decode()
    assert http.session["_auth_user_id"] == str(people.coach.id)
    people.coach.refresh_from_db()
    assert people.coach.check_password("a-fresh-password-77")


def test_today_gives_every_field_a_unique_id(screened: Personas) -> None:
    from selfmob.clinic.services.plans import ItemInput, plan_create

    items = [
        ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1),
        ItemInput("ankle-belt-self-mwm", "wblt-distance", "right", every_days=1),
    ]
    plan_create(
        client=screened.client,
        created_by=screened.coach,
        starts_on=timezone.localdate(),
        ends_on=None,
        items=items,
    )
    page = as_(screened, "client").get(reverse("today")).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) >= 8
    assert len(ids) == len(set(ids))
    labels = re.findall(r'<label for="([^"]+)"', page)
    assert set(labels) <= set(ids)


def test_a_refer_screen_pauses_today(ankle_item: PlanItem, people: Personas) -> None:
    from selfmob.clinic.services.screening import screening_record
    from tests.support.knowledge import all_no

    screening_record(
        client=people.client, answers=all_no() | {"nerve-symptoms": True}, neck=False,
        recorded_by=people.coach,
    )  # fmt: skip
    page = as_(people, "client").get(reverse("today")).content.decode()
    assert "Please pause your self-mobilization" in page
    assert "Banded ankle mobilization" not in page
    response = as_(people, "client").post(
        reverse("log_session", args=[ankle_item.id]), session_data(ankle_item)
    )
    assert response.status_code == 400
    assert Session.objects.count() == 0
