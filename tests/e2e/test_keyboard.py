"""Keyboard alone: Tab reaches every field and button with a visible focus outline, Enter and
Space do the rest. A client signs in and logs a session; a coach screens a client."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from selfmob.clinic.models import Client, Screening, Session, User
from selfmob.clinic.services.accounts import client_create, coach_signup
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import screening_record
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions
from tests.support.browser import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-keyboard-password-42"
MIN_OUTLINE_PX = 2
MIN_CONTRAST = 3.0  # WCAG 1.4.11: a focus indicator against what surrounds it
TAB_LIMIT = 80

FOCUS_JS = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  let back = e.parentElement, colour = 'rgba(0, 0, 0, 0)';
  while (back && (colour = getComputedStyle(back).backgroundColor) === 'rgba(0, 0, 0, 0)') {
    back = back.parentElement;
  }
  const box = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(), type: e.getAttribute('type') || '',
    name: (e.labels && e.labels.length ? e.labels[0].textContent : e.textContent).trim(),
    in_main: e.closest('main') !== null, checked: !!e.checked,
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    colour: style.outlineColor,
    behind: colour === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : colour,
    visible: box.width > 4 && box.height > 4,
  };
}"""


@dataclass(frozen=True)
class Focus:
    tag: str
    type: str
    name: str
    in_main: bool
    checked: bool
    outline: str
    width: float
    colour: str
    behind: str
    visible: bool


def luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def focus_of(page: Page) -> Focus:
    return Focus(**page.evaluate(FOCUS_JS))


def assert_visible_focus(focus: Focus) -> None:
    assert focus.visible, focus
    assert focus.outline != "none", focus
    assert focus.width >= MIN_OUTLINE_PX, focus
    assert contrast(focus.colour, focus.behind) >= MIN_CONTRAST, focus


def tab_to(page: Page, wanted: Callable[[Focus], bool]) -> Focus:
    """Press Tab until the focused element is the wanted one; every stop must show focus."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        focus = focus_of(page)
        assert_visible_focus(focus)
        if wanted(focus):
            return focus
    raise AssertionError(f"Tab never reached the element; last focus: {focus_of(page)}")


def named(name: str) -> Callable[[Focus], bool]:
    return lambda focus: focus.name.startswith(name)


@dataclass(frozen=True)
class People:
    coach: User
    client: Client


def people(*, screened: bool) -> People:
    coach = coach_signup(email="dana@coach.test", password=PASSWORD, name="Dana Reyes")
    client = client_create(
        coach=coach, name="Ana Silva", email="ana@client.test", birth_year=1991, sex="f"
    )
    client.user = User.objects.create_user(client.email, PASSWORD, role=User.Role.CLIENT)
    client.save(update_fields=["user"])
    if screened:
        answers: dict[str, object] = {q.id: False for q in questions(load_catalogue())}
        screening_record(client=client, answers=answers, neck=False, recorded_by=coach)
        item = ItemInput("ankle-belt-self-mwm", "wblt-distance", "right", every_days=1)
        today: date = timezone.localdate()
        plan_create(client=client, created_by=coach, starts_on=today, ends_on=None, items=[item])
    return People(coach, client)


def test_a_client_signs_in_and_logs_a_session_with_the_keyboard_alone(page: Page) -> None:
    people(screened=True)
    page.goto("/login")
    assert focus_of(page).name == "Email"  # the field has focus as the page opens
    page.keyboard.type("ana@client.test")
    tab_to(page, named("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Today"), level=1)).to_be_visible()

    skip = tab_to(page, named("Skip to content"))
    assert not skip.in_main
    page.keyboard.press("Enter")
    assert tab_to(page, lambda focus: True).in_main  # the next stop is inside the content
    fields = (("Pain now", "2"), ("Test before", "7"), ("Pain during", "1"), ("Test after", "9"))
    for label, value in fields:
        tab_to(page, named(label))
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Session saved"))).to_be_visible()
    stored = Session.objects.get()
    assert (stored.pain_rest, stored.pre, stored.pain_during, stored.post) == (2, 7.0, 1, 9.0)


def test_a_coach_screens_a_client_with_the_keyboard_alone(
    context: BrowserContext, page: Page, live_server: object
) -> None:
    who = people(screened=False)
    sign_in_as(context, who.coach, str(live_server))
    page.goto(f"/clients/{who.client.id}")
    tab_to(page, named("Screen now"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Red-flag screen"))).to_be_visible()

    answered = 0
    while True:
        focus = tab_to(page, lambda f: f.type == "radio" or named("Save the screen")(f))
        if focus.type != "radio":
            break
        assert focus.name == "No" and not focus.checked, focus  # Tab lands on a group's first
        page.keyboard.press("Space")
        assert focus_of(page).checked
        answered += 1
    assert answered == len(questions(load_catalogue()))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Clear.", exact=True)).to_be_visible()
    screening = Screening.objects.get()
    assert screening.verdict == Screening.Verdict.CLEAR
    assert not any(screening.answers.values())


def test_the_plan_builder_can_be_tabbed_through_with_a_visible_focus(
    context: BrowserContext, page: Page, live_server: object
) -> None:
    """Links, buttons, text and number fields, selects, checkboxes and date fields."""
    who = people(screened=True)
    sign_in_as(context, who.coach, str(live_server))
    page.goto(f"/clients/{who.client.id}/plans/new")
    seen: set[str] = set()

    def kinds(focus: Focus) -> bool:
        seen.add(focus.type or focus.tag)
        return focus.name == "Start the plan"

    tab_to(page, kinds)
    assert {"a", "button", "date", "checkbox", "select", "number"} <= seen, seen
