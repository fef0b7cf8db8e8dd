"""Each persona's path in Chromium, by clicking links only (the one typed address is the start
page; an invite link arrives as the client would get it). The whole loop of a coach and the
client they invite is in test_flows.py; here: a solo user from sign-up to Progress, a client
invited before any screen, the map on a phone, and an integrator with a token made on the
Account page. With SELFMOB_SCREENSHOTS=1 the pages are kept at phone and desktop widths."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from selfmob.clinic.models import Session
from tests.support.browser import DESKTOP, PHONE
from tests.support.flows import (
    CLIENT_NAME,
    LUNGE,
    PASSWORD,
    client_accepts,
    client_logs,
    coach_adds_client,
    coach_assesses,
    coach_makes_invite,
    coach_screens,
    coach_signs_up,
    open_client,
    plain_text,
    shoot,
)

pytestmark = pytest.mark.django_db(transaction=True)

MAP_ON_A_PHONE_PX = 2500  # the bound for one test's map at 390 px wide


def test_a_solo_user_goes_from_sign_up_to_progress_by_links(page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("link", name=re.compile("on your own")).click()
    page.get_by_label("Name", exact=True).fill("Sol Reyes")
    page.get_by_label("Email", exact=True).fill("sol@solo.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("I agree to the processing").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    assert "Please pause" not in plain_text(page)
    shoot(page, "solo-start")

    page.get_by_role("link", name="Start with the safety questions").click()
    no = page.get_by_role("radio", name="No", exact=True)
    for i in range(no.count()):
        no.nth(i).check()
    page.get_by_role("button", name="Save the screen").click()
    expect(page.get_by_text("Clear.", exact=True)).to_be_visible()
    page.get_by_role("link", name="Back").click()

    page.get_by_role("link", name="Measure your range of motion").click()
    first = page.get_by_role("group", name="Test 1")
    first.get_by_label("Test", exact=True).select_option(LUNGE)
    expect(first.get_by_text("On your own:")).to_be_visible()  # the set-up shows under the test
    first.get_by_label("Left, trial 1").fill("11")
    first.get_by_label("Right, trial 1").fill("4.5")
    shoot(page, "solo-measure")
    page.get_by_role("button", name="Save and see the restriction map").click()
    expect(page.get_by_role("heading", name=re.compile("^Restriction map"))).to_be_visible()

    page.get_by_role("link", name="Build a plan from this assessment").first.click()
    expect(page.get_by_text("best fit").first).to_be_visible()
    shoot(page, "solo-plan")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", name="Your plan")).to_be_visible()
    words = plain_text(page).lower().replace("no coach?", "")
    assert "coach" not in words, words
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(1)

    client_logs(page, pre=4.5, pain=1, post=7.5)
    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", name=re.compile("^Progress"))).to_be_visible()
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("link", name=re.compile("JSON document"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Close your account"))).to_be_visible()
    assert Session.objects.count() == 1


def test_a_client_invited_before_any_screen_waits_for_the_coach(
    page: Page, browser: Any, live_server: Any
) -> None:
    page.set_viewport_size(DESKTOP)
    coach_signs_up(page)
    coach_adds_client(page)
    link = coach_makes_invite(page)
    expect(page.get_by_role("button", name=re.compile("Copy"))).to_be_visible()
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    client_accepts(phone, link)
    words = plain_text(phone)
    assert "Your coach has not set up your plan yet" in words
    assert "Please pause" not in words and "red-flag answers" not in words
    shoot(phone, "client-waiting")
    again = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    again.goto(link)
    expect(again.get_by_role("heading", name=re.compile("has been used"))).to_be_visible()
    expect(again.get_by_label("Password")).to_have_count(0)
    again.get_by_role("link", name="Log in").first.click()
    expect(again.get_by_role("button", name="Log in")).to_be_visible()


def test_the_map_of_one_test_fits_a_phone(page: Page) -> None:
    page.set_viewport_size(DESKTOP)
    coach_signs_up(page)
    coach_adds_client(page)
    coach_screens(page)
    open_client(page)
    coach_assesses(page)
    page.set_viewport_size(PHONE)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MAP_ON_A_PHONE_PX, height
    why = page.locator("summary", has_text="Why?").first
    why.click()  # the reasons stay one tap away
    expect(page.get_by_text(re.compile("limit of normal of")).first).to_be_visible()


def test_an_integrator_reads_the_practice_with_a_token_made_on_the_account_page(
    page: Page, live_server: Any
) -> None:
    page.set_viewport_size(DESKTOP)
    coach_signs_up(page)
    coach_adds_client(page)
    coach_screens(page)
    open_client(page)
    coach_assesses(page)
    page.get_by_role("link", name="Account").click()
    page.get_by_label("Name", exact=True).fill("practice software")
    page.get_by_role("button", name="Make a token").click()
    token = page.locator("#new-token").input_value()

    def api(path: str) -> Any:
        request = urllib.request.Request(
            f"{live_server.url}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)

    clients = api("/clients")
    assert [c["name"] for c in clients["items"]] == [CLIENT_NAME]
    client_id = clients["items"][0]["id"]
    [assessment] = api(f"/clients/{client_id}/assessments")["items"]
    [lunge] = api(f"/assessments/{assessment['id']}")["restriction_map"]
    assert lunge["sides"]["right"]["status"] in ("restricted", "borderline")
    assert api("/me")["consent_version"]
