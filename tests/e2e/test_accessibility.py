"""axe-core finds no serious or critical problem on any page, for every role, with data present.

Each case opens one page as it is really seen: the demo practice (eight weeks of history), a
client invited but not yet signed up, a client on a red-flag hold, and forms sent back with
their errors. axe runs at phone width, then again at desktop width on the same page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import BrowserContext, Page, expect

from selfmob.clinic.demo import demo_load
from selfmob.clinic.models import Assessment, Client, PlanItem, Session, User
from selfmob.clinic.services.accounts import client_create, invite_create
from selfmob.clinic.services.audit import Interface, Origin, audit_read
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import screening_record
from selfmob.clinic.services.sessions import session_log
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions
from tests.support.browser import DESKTOP, axe_violations, describe, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

LUNGE = "wblt-distance"
ERRORS = ".errorlist"


@dataclass(frozen=True)
class Practice:
    """The demo practice plus the states the demo lacks."""

    coach: User
    ana: Client  # improving; an every-day item too, so something is due whatever the weekday
    ana_item: PlanItem
    ana_session: Session  # logged yesterday: today asks for its next-day pain
    cai: Client  # pain above her limit this week
    cai_session: Session
    dee: Client  # invited, no account yet
    invite_token: str
    eve: Client  # a `refer` screen without clearance, with an account
    assessment: Assessment


def build_practice() -> Practice:
    today = timezone.localdate()
    with override_settings(LOCAL=True):  # the demo refuses to load in production
        demo_load(today=today)
    coach = User.objects.get(email="coach@demo.test")
    ana, cai = (Client.objects.get(email=e) for e in ("ana@demo.test", "cai@demo.test"))
    extra = ItemInput("ankle-belt-self-mwm", LUNGE, "right", every_days=1)
    plan = plan_create(
        client=ana, created_by=coach, starts_on=today - timedelta(days=1), ends_on=None,
        items=[extra],
    )  # fmt: skip
    item = plan.items.get()
    logged = session_log(
        plan_item=item, idempotency_key=uuid.uuid4(), performed_on=today - timedelta(days=1),
        pre=10.0, post=11.5, pain_rest=0, pain_during=1, today=today,
    )  # fmt: skip
    dee = client_create(coach=coach, name="Dee Novak", email="dee@demo.test")
    _, token = invite_create(client=dee)
    return Practice(
        coach=coach,
        ana=ana,
        ana_item=item,
        ana_session=logged.session,
        cai=cai,
        cai_session=Session.objects.filter(client=cai, over_limit=True).get(),
        dee=dee,
        invite_token=token,
        eve=_referred(coach),
        assessment=ana.assessments.get(),
    )


def _referred(coach: User) -> Client:
    eve = client_create(coach=coach, name="Eve Marsh", email="eve@demo.test")
    eve.user = User.objects.create_user(eve.email, "demo-password", role=User.Role.CLIENT)
    eve.save(update_fields=["user"])
    answers: dict[str, object] = {q.id: False for q in questions(load_catalogue())}
    answers["calf-swelling"] = True
    screening_record(client=eve, answers=answers, neck=False, recorded_by=coach)
    return eve


@dataclass(frozen=True)
class Visit:
    who: Callable[[Practice], User | None]
    path: Callable[[Practice], str]
    title: str
    status: int = 200
    fill: dict[str, str] = field(default_factory=dict)
    submit: str | None = None
    shows: str | None = None  # a selector that must then be visible (errors, an alert)


def anonymous(p: Practice) -> None:
    return None


def coach(p: Practice) -> User:
    return p.coach


def ana(p: Practice) -> User:
    assert p.ana.user is not None
    return p.ana.user


def cai(p: Practice) -> User:
    assert p.cai.user is not None
    return p.cai.user


def eve(p: Practice) -> User:
    assert p.eve.user is not None
    return p.eve.user


def url(name: str, *args: Callable[[Practice], object]) -> Callable[[Practice], str]:
    return lambda p: reverse(name, args=[arg(p) for arg in args])


def reset_link(p: Practice) -> str:
    user = p.coach
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def ana_id(p: Practice) -> object:
    return p.ana.id


def trail(name: str) -> Callable[[Practice], str]:
    """The page `name`, once the coach, Ana and an API token have read Ana's records."""

    def path(p: Practice) -> str:
        assert p.ana.user is not None
        api = Origin(Interface.API, "192.0.2.7")
        audit_read(via=Origin(Interface.PAGE), user=p.coach, client=p.ana, what="progress")
        audit_read(via=api, user=p.ana.user, client=p.ana, what="session")
        return reverse(name)

    return path


VISITS: dict[str, Visit] = {
    # Anonymous
    "login": Visit(anonymous, url("login"), "Log in"),
    "login-error": Visit(anonymous, url("login"), "Log in", submit="Log in", shows=ERRORS,
                         fill={"Email": "coach@demo.test", "Password": "not-the-password"}),
    "signup": Visit(anonymous, url("signup"), "Sign up"),
    "signup-error": Visit(anonymous, url("signup"), "Sign up", submit="Create account",
                          shows=ERRORS),
    "signup_solo": Visit(anonymous, url("signup_solo"), "Sign up"),
    "password_reset": Visit(anonymous, url("password_reset"), "Reset your password"),
    "password_reset-error": Visit(anonymous, url("password_reset"), "Reset your password",
                                  submit="Send the link", shows=ERRORS),
    "password_reset_done": Visit(anonymous, url("password_reset_done"), "Check your e-mail"),
    "password_reset_confirm": Visit(anonymous, reset_link, "Choose a new password"),
    "password_reset_confirm-used": Visit(
        anonymous, lambda p: reset_link(p).rsplit("/", 1)[0] + "/used-token",
        "Choose a new password", shows=".warning",
    ),
    "password_reset_complete": Visit(anonymous, url("password_reset_complete"), "Password saved"),
    "invite": Visit(anonymous, lambda p: reverse("invite", args=[p.invite_token]),
                    "Set your password"),
    "invite-error": Visit(anonymous, lambda p: reverse("invite", args=[p.invite_token]),
                          "Set your password", submit="Set password", shows=ERRORS),
    "404": Visit(anonymous, lambda p: "/no-such-page", "Page not found", status=404),
    "privacy": Visit(anonymous, url("privacy"), "Privacy"),
    # The coach
    "dashboard": Visit(coach, url("dashboard"), "Clients", shows=".flag"),
    "client_new": Visit(coach, url("client_new"), "Add a client"),
    "client_new-error": Visit(coach, url("client_new"), "Add a client", submit="Add client",
                              shows=ERRORS),
    "client": Visit(coach, url("client", ana_id), "Ana Silva"),
    "client_edit": Visit(coach, url("client_edit", ana_id), "Edit Ana Silva"),
    "client_delete": Visit(coach, url("client_delete", ana_id), "Delete Ana Silva"),
    "client_invite": Visit(coach, url("client", lambda p: p.dee.id), "Invite link",
                           submit="Create an invite link", shows="input[readonly]"),
    "screening": Visit(coach, url("screening", ana_id), "Red-flag screen"),
    "screening-neck": Visit(coach, lambda p: reverse("screening", args=[p.ana.id]) + "?neck=1",
                            "Red-flag screen"),
    "screening-error": Visit(coach, url("screening", ana_id), "Red-flag screen",
                             submit="Save the screen", shows=ERRORS),
    "screening_result": Visit(coach, url("screening_result", ana_id), "Screen result",
                              shows=".good"),
    "screening_result-refer": Visit(coach, url("screening_result", lambda p: p.eve.id),
                                    "Screen result", shows="[role=alert]"),
    "clearance-error": Visit(coach, url("screening_result", lambda p: p.eve.id),
                             "Screen result", submit="Record clearance", shows=ERRORS),
    "assessment_new": Visit(coach, url("assessment_new", ana_id), "New assessment"),
    "assessment_new-error": Visit(coach, url("assessment_new", ana_id), "New assessment",
                                  fill={"Left, trial 1": "400"}, shows=ERRORS,
                                  submit="Save and see the restriction map"),
    "assessment": Visit(coach, url("assessment", lambda p: p.assessment.id), "Restriction map",
                        shows="svg.body-diagram"),
    "plan_new": Visit(coach, url("plan_new", ana_id), "New plan"),
    "plan_new-error": Visit(coach, url("plan_new", lambda p: p.dee.id), "New plan",
                            submit="Start the plan", shows=ERRORS),
    "progress": Visit(coach, url("progress", ana_id), "Progress", shows="svg.chart"),
    "client_calendar": Visit(coach, url("client_calendar", ana_id), "Calendar"),
    "client_calendar-address": Visit(coach, url("client_calendar", ana_id), "Calendar",
                                     submit="Make an address", shows="#feed-https"),
    "item_edit": Visit(coach, url("item_edit", lambda p: p.ana_item.id), "Change the plan"),
    "item_edit-error": Visit(coach, url("item_edit", lambda p: p.ana_item.id),
                             "Change the plan", fill={"Pain limit": "9"}, submit="Save",
                             shows=ERRORS),
    "account": Visit(coach, url("account"), "Account"),
    "access_log": Visit(coach, trail("access_log"), "Access log", shows="table caption"),
    "access_log-error": Visit(coach, lambda p: reverse("access_log") + "?since=soon",
                              "Access log", status=400, shows=ERRORS),
    "account-error": Visit(coach, url("account"), "Account", submit="Make a token",
                           shows=ERRORS),
    "404-coach": Visit(coach, lambda p: reverse("client", args=[uuid.uuid4()]),
                       "Page not found", status=404),
    # The clients
    "today": Visit(ana, url("today"), "Today", shows="form"),
    "today-refer": Visit(eve, url("today"), "Today", shows="[role=alert]"),
    "log_session-error": Visit(ana, url("today"), "Check the session", submit="Save session",
                               shows=ERRORS),
    "next_day_pain-error": Visit(ana, url("today"), "Check the pain", submit="Save today’s pain",
                                 shows=ERRORS),
    "session": Visit(ana, url("session", lambda p: p.ana_session.id), "Session saved"),
    "session-pain": Visit(cai, url("session", lambda p: p.cai_session.id), "Session saved",
                          shows="[role=alert]"),
    "progress-client": Visit(ana, url("progress", ana_id), "Progress", shows="svg.chart"),
    "account-client": Visit(ana, url("account"), "Account"),
    "account_close": Visit(ana, url("account_close"), "Close your account"),
    "my_access_log": Visit(ana, trail("my_access_log"), "Who accessed your records",
                           shows="table caption"),
    "measure": Visit(ana, lambda p: reverse("measure", args=["wblt-angle"]), "Measure"),
    "measure-error": Visit(ana, lambda p: reverse("measure", args=["wblt-angle"]), "Measure",
                           submit="Record this measurement", shows=ERRORS),
    "measure-unavailable": Visit(ana, lambda p: reverse("measure", args=[LUNGE]),
                                 "Not measured with the phone", status=404),
    "403": Visit(ana, url("plan_new", ana_id), "Not allowed", status=403),
    "404-client": Visit(ana, url("dashboard"), "Page not found", status=404),
}  # fmt: skip


def open_visit(context: BrowserContext, page: Page, visit: Visit, base_url: str) -> None:
    practice = build_practice()
    user = visit.who(practice)
    if user is not None:
        sign_in_as(context, user, base_url)
    response = page.goto(visit.path(practice))
    assert response is not None
    assert response.status == visit.status, page.url
    for label, value in visit.fill.items():
        page.get_by_label(label).first.fill(value)
    if visit.submit is not None:
        page.get_by_role("button", name=visit.submit).first.click()
        page.wait_for_load_state()
    expect(page).to_have_title(re.compile("^" + re.escape(visit.title)))
    if visit.shows is not None:
        expect(page.locator(visit.shows).first).to_be_visible()


@pytest.mark.parametrize("name", list(VISITS))
def test_no_serious_axe_violations(
    context: BrowserContext, page: Page, live_server: object, axe_source: str, name: str
) -> None:
    open_visit(context, page, VISITS[name], str(live_server))
    phone = axe_violations(page, axe_source)
    assert not phone, "phone width: " + describe(phone)
    page.set_viewport_size(DESKTOP)
    desktop = axe_violations(page, axe_source)
    assert not desktop, "desktop width: " + describe(desktop)


def test_restricted_joints_carry_text_not_only_colour(
    context: BrowserContext, page: Page, live_server: object
) -> None:
    open_visit(context, page, VISITS["assessment"], str(live_server))
    for side, status in (("right", "restricted"), ("left", "within normal")):
        row = page.locator("tbody tr").filter(
            has=page.locator("td[data-label=Side]", has_text=re.compile(f"^{side}$"))
        )
        expect(row.locator("td[data-label=Status] strong")).to_have_text(status)
    marks = page.eval_on_selector_all(
        "svg.body-diagram g",
        "gs => gs.map(g => [g.querySelector('title').textContent,"
        " g.querySelector('text')?.textContent ?? ''])",
    )
    test = load_catalogue().test(LUNGE).name
    assert sorted(marks) == [
        [f"{test}, left: within normal", ""],
        [f"{test}, right: restricted", "!"],
    ]
    bang = page.locator("svg.body-diagram text", has_text="!")
    expect(bang).to_be_visible()
    expect(page.locator("main")).to_contain_text("● with ! restricted")


def two_charts(p: Practice) -> None:
    """Ana also works on her left ankle: the progress page then holds two charts."""
    today = timezone.localdate()
    left = ItemInput("ankle-banded-posterior-glide", LUNGE, "left", every_days=1)
    plan = plan_create(client=p.ana, created_by=p.coach, starts_on=today - timedelta(days=3),
                       ends_on=None, items=[left])  # fmt: skip
    for days in (3, 2):
        session_log(plan_item=plan.items.get(), idempotency_key=uuid.uuid4(),
                    performed_on=today - timedelta(days=days), pre=11.0, post=11.5,
                    pain_rest=0, pain_during=0, today=today)  # fmt: skip


def test_each_progress_chart_is_named_after_its_own_test_and_side(
    context: BrowserContext, page: Page, live_server: object
) -> None:
    practice = build_practice()
    two_charts(practice)
    sign_in_as(context, coach(practice), str(live_server))
    page.goto(reverse("progress", args=[practice.ana.id]))
    sections = page.locator("section").filter(has=page.locator("svg.chart"))
    expect(sections).to_have_count(2)
    for i in range(2):
        section = sections.nth(i)
        heading = section.get_by_role("heading", level=2).inner_text()
        expect(section.get_by_role("img")).to_have_accessible_name(
            re.compile("^" + re.escape(heading)), timeout=1_000
        )
