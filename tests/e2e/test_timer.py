"""The session timer on a Today card: pacing, pause, stop, and the pain question after it.

`window.selfmobSpeed` runs the timer's clock faster for the tests only (static/clinic/timer.js):
at 10, a dose of one oscillation a second beats every 0.1 s."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from selfmob.clinic.models import PlanItem
from selfmob.clinic.services.accounts import client_create, coach_signup
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import screening_record
from tests.support.browser import axe_violations, describe, sign_in
from tests.support.knowledge import all_no
from tests.support.personas import PASSWORD, user_for

EMAIL = "ana@example.test"
COACH = "coach@example.test"
PAIN = "Pain during (0–10)"
REST = "Pain now, before you start (0–10)"


def plan_for_ana(technique: str, test: str) -> PlanItem:
    """A screened, coached client with one technique due every day from today."""
    coach = coach_signup(email=COACH, password=PASSWORD, name="Coach")
    client = client_create(coach=coach, name="Ana", email=EMAIL)
    user_for(client)
    screening_record(client=client, answers=all_no(), neck=False, recorded_by=coach)
    item = ItemInput(technique, test, "right", every_days=1)
    plan = plan_create(
        client=client, created_by=coach, starts_on=timezone.localdate(), ends_on=None, items=[item]
    )
    return plan.items.get()


@pytest.fixture
def oscillation(transactional_db: None) -> PlanItem:
    """3 sets of 30 s, one oscillation a second; pain limit 2."""
    return plan_for_ana("knee-extension-anterior-glide", "knee-extension")


@pytest.fixture
def holds(transactional_db: None) -> PlanItem:
    """One set of 5 holds of 10 s."""
    return plan_for_ana("wrist-hand-dorsal-glide", "wrist-flexion")


def open_today(page: Page, speed: int) -> Locator:
    page.add_init_script(f"window.selfmobSpeed = {speed};")
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/today")
    return page.locator("section.card")


def count(card: Locator) -> int:
    return int(card.locator("[data-count]").text_content() or 0)


def test_the_timer_paces_oscillations_and_pause_stops_the_count(
    page: Page, oscillation: PlanItem, axe_source: str
) -> None:
    card = open_today(page, speed=10)
    card.get_by_role("button", name="Start the timer").click()
    expect(card.locator("[data-phase]")).to_have_text("Oscillate")
    expect(card.locator("[data-where]")).to_contain_text("Set 1 of 3 · one every 1 s")
    page.wait_for_function("Number(document.querySelector('[data-count]').textContent) >= 4")
    card.get_by_role("button", name="Pause").click()
    paused = count(card)
    page.wait_for_timeout(400)  # four beats at this speed
    assert count(card) == paused
    violations = axe_violations(page, axe_source)
    assert not violations, describe(violations)
    card.get_by_role("button", name="Resume").click()
    page.wait_for_function(f"Number(document.querySelector('[data-count]').textContent) > {paused}")


def test_stop_moves_focus_to_the_pain_question(page: Page, oscillation: PlanItem) -> None:
    card = open_today(page, speed=10)
    page.get_by_label(REST).fill("1")
    card.get_by_role("button", name="Start the timer").click()
    card.get_by_role("button", name="Stop").click()
    pain = page.get_by_label(PAIN)
    expect(pain).to_be_focused()
    hint = (
        "How much did it hurt (0–10)? You started at 1: if it went above 3, stop for today."
        " Next time use the easier version, or ask your coach, a physiotherapist or a doctor."
    )
    expect(pain).to_have_accessible_description(hint)
    said = card.locator("[data-say]")
    expect(said).to_have_text(f"Stopped. {hint}")
    expect(card.get_by_role("button", name="Start again")).to_be_visible()
    assert "push through" not in (said.text_content() or "")


def test_holds_are_counted_with_a_let_go_between(page: Page, holds: PlanItem) -> None:
    card = open_today(page, speed=20)
    # Every text the card shows under the count, in order, however fast they change.
    page.evaluate(
        """() => { const where = document.querySelector('[data-where]'); window.seen = [];
        new MutationObserver(() => seen.push(where.textContent))
          .observe(where, { childList: true, characterData: true, subtree: true }); }"""
    )
    card.get_by_role("button", name="Start the timer").click()
    page.wait_for_function("window.seen.includes('Hold 3 of 5 · Set 1 of 1')")
    assert page.evaluate("window.seen")[:4] == [
        "Hold 1 of 5 · Set 1 of 1",
        "Next: hold 2 of 5",
        "Hold 2 of 5 · Set 1 of 1",
        "Next: hold 3 of 5",
    ]
    expect(card.locator("[data-count]")).not_to_have_text("")


def test_the_end_of_the_dose_moves_focus_to_the_pain_question(page: Page, holds: PlanItem) -> None:
    card = open_today(page, speed=200)  # the whole dose (62 s) in about 0.3 s
    card.get_by_role("button", name="Start the timer").click()
    expect(card.locator("[data-phase]")).to_have_text("Done")
    expect(page.get_by_label(PAIN)).to_be_focused()
    expect(card.locator("[data-say]")).to_contain_text("Done: well done. How much did it hurt")


def test_pain_above_the_limit_gets_guidance_and_flags_the_coach(
    page: Page, oscillation: PlanItem, browser: Browser, live_server: Any
) -> None:
    card = open_today(page, speed=10)
    page.get_by_label(REST).fill("0")
    card.get_by_role("button", name="Start the timer").click()
    card.get_by_role("button", name="Stop").click()
    page.keyboard.type("5")  # focus is on the pain question
    expect(card.get_by_role("alert")).to_have_text(
        "That is more than 2 above your pain before you started (0). Stop for today and save"
        " the session; your coach will see it. Do not push through pain."
    )
    page.get_by_label("Test before").fill("-8")
    page.get_by_label("Test after").fill("-6")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url("**/sessions/*")
    expect(page.get_by_role("alert")).to_contain_text("Pain above your limit.")
    coach = browser.new_context(base_url=live_server.url).new_page()
    sign_in(coach, COACH, PASSWORD)
    coach.goto("/coach")
    row = coach.get_by_role("row", name="Ana")
    expect(row).to_contain_text("Pain went above the limit during a session.")
    coach.context.close()


def test_the_warning_follows_the_pain_at_rest_and_the_ceiling(
    page: Page, oscillation: PlanItem
) -> None:
    card = open_today(page, speed=10)
    rest, pain, alert = page.get_by_label(REST), page.get_by_label(PAIN), card.get_by_role("alert")
    rest.fill("3")
    pain.fill("5")  # 2 above a rest of 3: within the limit
    expect(alert).to_have_count(0)
    pain.fill("6")
    expect(alert).to_contain_text("That is above 5/10, the most pain allowed during the technique.")
    rest.fill("4")  # 6 is within 2 of 4, but above the ceiling still
    expect(alert).to_contain_text("That is above 5/10")
    pain.fill("5")
    expect(alert).to_have_count(0)
    rest.fill("6")
    expect(alert).to_have_text(
        "Your pain is already above 5/10 before you start: do not start today. If it stays"
        " there, see your coach, a physiotherapist or a doctor."
    )
