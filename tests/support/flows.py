"""The steps of the coach's and the client's paths in a real browser, shared by the flow and
persona tests (tests/e2e/): each clicks links and buttons only, as a person would.

With SELFMOB_SCREENSHOTS=1, `shoot` keeps phone (390 x 844) and desktop (1280 x 900)
screenshots of a page in docs/screenshots/ for the README's tour; without it it writes
nothing, so a test run leaves the repository as it was.
"""

from __future__ import annotations

import os
import re

from playwright.sync_api import Locator, Page, expect

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions
from selfmob.knowledge.schema import Technique
from tests.support.browser import DESKTOP, PHONE, screenshot

PASSWORD = "a-long-flow-password-42"
COACH_NAME, COACH = "Dana Reyes", "dana@coach.test"
CLIENT_NAME, CLIENT = "Ana Silva", "ana@client.test"
LUNGE = "wblt-distance"
LEFT_TRIALS, RIGHT_TRIALS = (11.5, 11.0), (7.0, 7.5)  # cm from the wall: the right is stiff
REFER_QUESTION = "injury-bone-tender"


def shoot(page: Page, name: str) -> None:
    """phone-NAME.png and desktop-NAME.png of the page as it is now (SELFMOB_SCREENSHOTS=1)."""
    if os.environ.get("SELFMOB_SCREENSHOTS") != "1":
        return
    before = page.viewport_size
    for prefix, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        screenshot(page, f"{prefix}-{name}")
    if before is not None:
        page.set_viewport_size(before)


# The coach's steps -----------------------------------------------------------------------


def coach_signs_up(page: Page, *, shots: bool = False) -> None:
    page.goto("/login")
    if shots:
        shoot(page, "login")
    page.get_by_role("link", name="Sign up as a coach").click()
    page.get_by_label("Name", exact=True).fill(COACH_NAME)
    page.get_by_label("Email", exact=True).fill(COACH)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("I agree to the processing").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Clients", level=1)).to_be_visible()


def coach_adds_client(page: Page) -> None:
    page.get_by_role("link", name="Add a client").click()
    page.get_by_label("Name", exact=True).fill(CLIENT_NAME)
    page.get_by_label("Email", exact=True).fill(CLIENT)
    page.get_by_label("Birth year").fill("1991")
    page.get_by_label("Sex").select_option(label="Female")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name=CLIENT_NAME, level=1)).to_be_visible()


def open_client(page: Page) -> None:
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name=CLIENT_NAME).click()
    expect(page.get_by_role("heading", name=CLIENT_NAME, level=1)).to_be_visible()


def coach_screens(page: Page, *, yes_to: str | None = None, shots: bool = False) -> None:
    """Answer every general red-flag question "No", or "Yes" to the question `yes_to`."""
    page.get_by_role("link", name="Screen now").click()
    no = page.get_by_role("radio", name="No", exact=True)
    asked = questions(load_catalogue())
    expect(no).to_have_count(len(asked))
    for i in range(len(asked)):
        no.nth(i).check()
    if yes_to is not None:
        text = next(q.text for q in asked if q.id == yes_to)
        page.get_by_role("group", name=text).get_by_role("radio", name="Yes").check()
    if shots:
        shoot(page, "screening")
    page.get_by_role("button", name="Save the screen").click()
    verdict = "See a professional first." if yes_to else "Clear."
    expect(page.get_by_text(verdict, exact=True)).to_be_visible()


def coach_assesses(page: Page, *, shots: bool = False) -> None:
    page.get_by_role("link", name="New assessment").click()
    first = page.get_by_role("group", name="Test 1")
    first.get_by_label("Test", exact=True).select_option(LUNGE)
    first.get_by_label("Instrument").select_option("tape-measure")
    for side, trials in (("Left", LEFT_TRIALS), ("Right", RIGHT_TRIALS)):
        for n, value in enumerate(trials, start=1):
            first.get_by_label(f"{side}, trial {n}").fill(str(value))
    page.get_by_role("button", name="Save and see the restriction map").click()
    expect(page.get_by_role("heading", name=f"Restriction map: {CLIENT_NAME}")).to_be_visible()
    if shots:
        shoot(page, "assessment")


def coach_builds_plan(page: Page, *, shots: bool = False) -> Technique:
    """Start the plan as the suggestions pre-fill it; the top suggestion comes ticked."""
    page.get_by_role("link", name=CLIENT_NAME).click()
    page.get_by_role("link", name="New plan").click()
    first = page.locator("fieldset").first  # the best fit, named on its card
    expect(first.locator("input[name$='-include']")).to_be_checked()
    expect(first).to_contain_text("best fit")
    expect(first.get_by_label("Side")).to_have_value("right")
    expect(first.get_by_label("Re-test")).to_have_value(LUNGE)
    technique = load_catalogue().technique(
        first.get_by_label("Technique", exact=True).input_value()
    )
    assert technique.joint == "talocrural", technique.id
    if shots:
        shoot(page, "plan")
    page.get_by_role("button", name="Start the plan").click()
    plan = page.locator("section").filter(has=page.get_by_role("heading", name="Plan", exact=True))
    expect(plan.get_by_text(technique.name).first).to_be_visible()
    return technique


def coach_makes_invite(page: Page) -> str:
    page.get_by_role("button", name="Create an invite link").click()
    link = page.get_by_label("Invite link").input_value()
    assert "/invite/" in link
    return link


def coach_sets_up_a_client(page: Page, *, shots: bool = False) -> tuple[Technique, str]:
    """Everything before the client's first session; gives the technique and invite link."""
    coach_signs_up(page, shots=shots)
    coach_adds_client(page)
    coach_screens(page, shots=shots)
    open_client(page)
    coach_assesses(page, shots=shots)
    technique = coach_builds_plan(page, shots=shots)
    return technique, coach_makes_invite(page)


def dashboard_row(page: Page) -> Locator:
    page.goto("/coach")
    rows = page.locator("tbody tr").filter(has_text=CLIENT_NAME)
    expect(rows).to_have_count(1)
    return rows


# The client's steps ----------------------------------------------------------------------


def client_accepts(page: Page, link: str) -> None:
    page.goto(link)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I agree to the processing").check()
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Today"), level=1)).to_be_visible()


def client_logs(
    page: Page, *, pre: float, pain: int, post: float, rest: int = 0, shot: str = ""
) -> None:
    page.get_by_label("Pain now, before you start").fill(str(rest))
    page.get_by_label("Test before").fill(str(pre))
    page.get_by_label("Pain during").fill(str(pain))
    page.get_by_label("Test after").fill(str(post))
    if shot:
        shoot(page, shot)
    # A double tap, as on a phone with a slow network: still one session.
    page.get_by_role("button", name="Save session").dblclick()
    expect(page.get_by_role("heading", name=re.compile(r"^Session saved"))).to_be_visible()


def plain_text(page: Page) -> str:
    return " ".join(page.locator("main").inner_text().split())
