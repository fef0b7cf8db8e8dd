"""The whole loop in a real browser, one role per browser context, through the real pages.

A coach signs up, adds a client, screens, assesses, builds a plan from the suggestions and
makes the invite link; the client accepts it on a phone, does the technique and logs a
session; the coach sees it. The database is read only to check results.

With SELFMOB_SCREENSHOTS=1 the tests also keep phone (390 x 844) and desktop (1280 x 900)
screenshots of the main pages in docs/screenshots/ for the README's tour; without it they
write nothing, so a test run leaves the repository as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.utils import formats, timezone
from playwright.sync_api import Browser, Page, expect

from selfmob.clinic.demo import COACH_EMAIL, demo_load
from selfmob.clinic.demo import PASSWORD as DEMO_PASSWORD
from selfmob.clinic.models import Screening, Session
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.mdc import MeasuredIn
from selfmob.knowledge.rules.measures import fmt
from selfmob.knowledge.rules.suggest import dose_text
from tests.support.browser import DESKTOP, PHONE, sign_in
from tests.support.flows import (
    CLIENT_NAME,
    LUNGE,
    REFER_QUESTION,
    client_accepts,
    client_logs,
    coach_screens,
    coach_sets_up_a_client,
    dashboard_row,
    open_client,
    plain_text,
    shoot,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coach_page(page: Page) -> Page:
    """The coach works at a desk."""
    page.set_viewport_size(DESKTOP)
    return page


@pytest.fixture
def client_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """The client's own phone: a second browser, sharing nothing with the coach's."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


# The tests -------------------------------------------------------------------------------


def test_a_coach_and_a_client_run_the_whole_loop(coach_page: Page, client_page: Page) -> None:
    technique, link = coach_sets_up_a_client(coach_page, shots=True)

    client_accepts(client_page, link)
    card = client_page.locator("section").filter(
        has=client_page.get_by_role("heading", name=technique.name, level=2)
    )
    expect(card).to_have_count(1)
    expect(card.get_by_role("listitem")).to_have_text(technique.steps)
    expect(card).to_contain_text(f"Dose: {dose_text(technique.dose)}")

    client_logs(client_page, pre=7.0, pain=1, post=9.5, shot="today")
    catalogue = load_catalogue()
    within_self = MeasuredIn(timing="within_session", tester="self")
    change = classify_change(
        catalogue.test(LUNGE), before=7.0, after=9.5, policy=catalogue.policy.change,
        measured=within_self,
    )  # fmt: skip
    assert change.verdict == "real_gain"
    words = plain_text(client_page)
    assert (
        f"Real improvement: {fmt(change.change, 'cm')}, more than the test's measurement error "
        f"({fmt(change.mdc, 'cm')})." in words
    ), words
    assert "above your limit" not in words
    shoot(client_page, "session")

    row = dashboard_row(coach_page)
    expect(row.locator("td[data-label='Adherence, 14 days']")).to_have_text("1 of 1")
    expect(row.locator("td[data-label='Last session']")).to_have_text(
        formats.date_format(timezone.localdate())
    )
    expect(row.locator("td[data-label='Flags']")).to_have_text("none")
    row.get_by_role("link", name=CLIENT_NAME).click()
    coach_page.get_by_role("link", name="Progress").first.click()
    expect(coach_page.locator("td[data-label='Sessions']")).to_have_text(["1"])
    stored = Session.objects.get()
    assert (stored.pain_rest, stored.pre, stored.pain_during, stored.post) == (0, 7.0, 1, 9.5)
    assert (stored.technique_id, stored.side, stored.verdict) == (
        technique.id,
        "right",
        "real_gain",
    )


def test_pain_above_the_limit_gets_guidance_and_a_flag(coach_page: Page, client_page: Page) -> None:
    _, link = coach_sets_up_a_client(coach_page)
    client_accepts(client_page, link)

    client_logs(client_page, pre=7.0, pain=5, post=7.5)
    alert = client_page.get_by_role("alert")
    expect(alert).to_contain_text("Pain above your limit.")
    expect(alert).to_contain_text("Stop this technique for today")
    expect(alert).to_contain_text("Your pain rose from 0/10 before you started to 5/10")
    expect(alert).to_contain_text("easier version")
    expect(alert).to_contain_text("ask your coach, a physiotherapist or a doctor")
    words = plain_text(client_page).lower()
    pushes = [m.start() for m in re.finditer("push through", words)]
    assert pushes, "the guidance should say not to push through pain"
    assert all(re.search(r"(not|never) $", words[:at]) for at in pushes), words
    shoot(client_page, "pain")

    flags = dashboard_row(coach_page).locator("td[data-label='Flags']")
    expect(flags).to_contain_text("Pain went above the limit during a session.")
    assert Session.objects.get().over_limit


def test_a_refer_screen_pauses_the_client_until_the_coach_records_a_clearance(
    coach_page: Page, client_page: Page
) -> None:
    _, link = coach_sets_up_a_client(coach_page)
    client_accepts(client_page, link)  # the client's Today page stays open with its form

    open_client(coach_page)
    coach_screens(coach_page, yes_to=REFER_QUESTION)

    client_page.get_by_label("Pain now, before you start").fill("0")
    client_page.get_by_label("Test before").fill("7")
    client_page.get_by_label("Pain during").fill("0")
    client_page.get_by_label("Test after").fill("8")
    client_page.get_by_role("button", name="Save session").click()
    expect(client_page.get_by_text("see a professional")).to_be_visible()
    client_page.get_by_role("link", name="Today").click()
    expect(client_page.get_by_role("alert")).to_contain_text(
        "a doctor or physiotherapist should see you first"
    )
    expect(client_page.get_by_role("button", name="Save session")).to_have_count(0)
    assert not Session.objects.exists()
    flags = dashboard_row(coach_page).locator("td[data-label='Flags']")
    expect(flags).to_contain_text("The red-flag screen says to see a professional.")

    open_client(coach_page)
    coach_page.get_by_role("link", name="refer", exact=True).click()
    coach_page.get_by_label("Who saw the client").fill("Seen by Dr Lee (GP): no fracture.")
    coach_page.get_by_role("button", name="Record clearance").click()
    expect(coach_page.get_by_role("heading", name=CLIENT_NAME, level=1)).to_be_visible()

    client_page.reload()
    expect(client_page.get_by_role("alert")).to_have_count(0)
    client_logs(client_page, pre=7.0, pain=0, post=8.0)
    assert Session.objects.count() == 1
    refer = Screening.objects.get(verdict=Screening.Verdict.REFER)
    assert refer.clearance.note == "Seen by Dr Lee (GP): no fracture."


def test_the_demo_practice_reads_well_for_the_tour(page: Page) -> None:
    """The coach's list, a client and her progress, on the demo's eight weeks of history."""
    with override_settings(LOCAL=True):  # the demo refuses to load in production
        demo_load(today=timezone.localdate())
    page.set_viewport_size(DESKTOP)
    sign_in(page, COACH_EMAIL, DEMO_PASSWORD)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Pain went above the limit during a session.")
    shoot(page, "dashboard")

    page.get_by_role("link", name="Ana Silva").click()
    expect(page.get_by_role("heading", name="Plan")).to_be_visible()
    shoot(page, "client")

    page.get_by_role("link", name="Progress").first.click()
    chart = page.get_by_role("img", name=re.compile("knee-to-wall distance.*right"))
    expect(chart).to_be_visible()
    expect(page.locator("main")).to_contain_text("A real, lasting gain")
    shoot(page, "progress")
