"""Offline: the service worker keeps Today; a session saved offline waits on the phone and is
sent once when the network is back."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from selfmob.clinic.models import PlanItem, Session
from tests.support.browser import sign_in
from tests.support.personas import PASSWORD

EMAIL = "ana@example.test"
COACH = "coach@example.test"
KEPT = "caches.open('selfmob-pages').then((c) => c.match('/today')).then(Boolean)"


def today_kept_offline(page: Page) -> None:
    """Sign in, let the service worker take over, and have it keep Today."""
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/today")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()  # now through the worker, which keeps a copy
    page.wait_for_function(KEPT)


def go_offline(context: BrowserContext) -> None:
    context.set_offline(True)


def back_online(context: BrowserContext) -> None:
    context.set_offline(False)


def reload_offline(page: Page, context: BrowserContext) -> None:
    go_offline(context)
    page.reload()
    # Chromium gives a document the worker served while offline navigator.onLine = true; going
    # online and offline again brings the page's view of the network in line with the test's.
    back_online(context)
    go_offline(context)


def fill_session(page: Page, pre: str, pain: str, post: str, rest: str = "2") -> None:
    if rest:
        page.get_by_label("Pain now, before you start (0–10)").fill(rest)
    page.get_by_label("Test before").fill(pre)
    page.get_by_label("Pain during (0–10)").fill(pain)
    page.get_by_label("Test after").fill(post)
    page.get_by_role("button", name="Save session").click()


def test_today_opens_offline_from_the_kept_copy(
    page: Page, context: BrowserContext, lunge_item: PlanItem
) -> None:
    today_kept_offline(page)
    reload_offline(page, context)
    expect(page.get_by_role("heading", name="Banded ankle mobilization")).to_be_visible()
    expect(page.get_by_text("this is the copy of Today kept on this phone")).to_be_visible()
    back_online(context)


def test_a_session_saved_offline_is_sent_once_when_back_online(
    page: Page, context: BrowserContext, lunge_item: PlanItem, browser: Browser, live_server: Any
) -> None:
    today_kept_offline(page)
    reload_offline(page, context)
    fill_session(page, pre="38", pain="1", post="42")
    expect(page.get_by_text("Waiting to send: 1")).to_be_visible()
    expect(page.get_by_text("Saved on this phone, waiting to send")).to_contain_text(
        "pain at rest 2, before 38, pain 1, after 42"
    )
    # The form is empty again for the next session, and so is the hint's "You started at 2".
    expect(page.get_by_label("Pain now, before you start (0–10)")).to_have_value("")
    expect(page.locator("[data-pain-hint]")).to_contain_text("If it rose more than 2 above")
    assert not Session.objects.exists()
    back_online(context)
    sent = page.get_by_text("Sent: Banded ankle mobilization")
    expect(sent).to_contain_text("pain at rest 2, before 38, pain 1, after 42")
    expect(page.locator("[data-waiting]")).to_be_hidden()
    page.reload()  # a page load sends the queue again: nothing is left in it
    expect(page.get_by_role("heading", name="Banded ankle mobilization")).to_be_visible()
    session = Session.objects.get()
    assert (session.pain_rest, session.pre, session.post, session.pain_during) == (2, 38.0, 42.0, 1)
    coach = browser.new_context(base_url=live_server.url).new_page()
    sign_in(coach, COACH, PASSWORD)
    coach.goto("/coach")
    row = coach.get_by_role("row", name="Ana")
    expect(row).to_contain_text("1 of 1")  # adherence: today's one session, counted once
    expect(row).to_contain_text(timezone.localdate().strftime("%b"))
    coach.context.close()


def test_a_queued_entry_sent_twice_lands_once(
    page: Page, context: BrowserContext, lunge_item: PlanItem
) -> None:
    """Two sends of the same waiting entry, as from two tabs: the server keeps one."""
    today_kept_offline(page)
    reload_offline(page, context)
    fill_session(page, pre="38", pain="1", post="42")
    expect(page.get_by_text("Waiting to send: 1")).to_be_visible()
    entry = page.evaluate(
        """() => new Promise((done) => { indexedDB.open('selfmob').onsuccess = (e) => {
        e.target.result.transaction('outbox').objectStore('outbox').getAll().onsuccess =
          (r) => done(r.target.result[0]); }; })"""
    )
    back_online(context)
    expect(page.get_by_text("Sent: Banded ankle mobilization")).to_be_visible()
    status = page.evaluate(
        """(entry) => fetch(entry.action, {
          method: 'POST', body: new URLSearchParams(entry.fields) }).then((r) => r.status)""",
        entry,
    )
    assert status == 200  # the stored session, shown again
    assert Session.objects.count() == 1


def test_logging_out_clears_the_kept_pages(
    page: Page, context: BrowserContext, lunge_item: PlanItem
) -> None:
    today_kept_offline(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    assert page.evaluate(KEPT) is False
    assert page.evaluate("localStorage.getItem('selfmob-waiting')") is None


def test_a_visit_after_the_session_ended_drops_the_kept_copy(
    page: Page, context: BrowserContext, lunge_item: PlanItem
) -> None:
    today_kept_offline(page)
    context.clear_cookies()  # the session ends without a log-out (expired, or cookies wiped)
    page.goto("/today")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.wait_for_function(f"{KEPT}.then((kept) => !kept)")
    assert page.evaluate(KEPT) is False


def test_offline_a_session_without_the_pain_at_rest_is_not_kept(
    page: Page, context: BrowserContext, lunge_item: PlanItem
) -> None:
    today_kept_offline(page)
    reload_offline(page, context)
    fill_session(page, pre="38", pain="1", post="42", rest="")
    rest = page.get_by_label("Pain now, before you start (0–10)")
    assert rest.evaluate("(field) => field.validity.valueMissing") is True
    expect(page.locator("[data-waiting]")).to_be_hidden()
    assert page.evaluate("localStorage.getItem('selfmob-waiting')") in (None, "0")
    back_online(context)
    assert not Session.objects.exists()


def test_an_entry_kept_before_the_pain_at_rest_was_asked_is_refused_not_stored(
    page: Page, context: BrowserContext, lunge_item: PlanItem
) -> None:
    """A phone's queue from before the update holds no pain at rest: the server refuses the
    session (it never was stored) and the page says to enter it again."""
    today_kept_offline(page)
    reload_offline(page, context)
    fill_session(page, pre="38", pain="1", post="42")
    expect(page.get_by_text("Waiting to send: 1")).to_be_visible()
    page.evaluate(
        """() => new Promise((done) => { indexedDB.open('selfmob').onsuccess = (e) => {
        const store = e.target.result.transaction('outbox', 'readwrite').objectStore('outbox');
        store.getAll().onsuccess = (r) => {
          const entry = r.target.result[0];
          entry.fields = entry.fields.filter(([name]) => !name.endsWith('-pain_rest'));
          store.put(entry).onsuccess = done;
        }; }; })"""
    )
    back_online(context)
    expect(page.get_by_text("Not saved: Banded ankle mobilization")).to_contain_text(
        "before 38, pain 1, after 42. The server did not accept it; please enter it again."
    )
    assert not Session.objects.exists()
