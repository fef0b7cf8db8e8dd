"""The phone as an inclinometer, in Chromium with an emulated tilt (CDP DeviceOrientation).

The page's waits are shortened for the tests only: `window.selfmobSpeed = 10` makes the steady
window 0.2 s instead of 2 s (see static/clinic/measure.js)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import CDPSession, Page, expect

from selfmob.clinic.models import Measurement, PlanItem, Session
from tests.support.browser import axe_violations, describe, sign_in
from tests.support.personas import PASSWORD

FAST = "window.selfmobSpeed = 10;"
EMAIL = "ana@example.test"

# The browser's sensor API shaped for each branch. `answer` is what requestPermission resolves
# to (None: the browser has no such function); `events` says when readings reach the page:
# "always", "after-grant" (as on iOS, where nothing arrives before the user allows it) or "never".
SHAPE = """
(({answer, events}) => {
  let granted = false;
  addEventListener('deviceorientation', (event) => {
    const blocked = events === 'never' || (events === 'after-grant' && !granted);
    if (blocked) event.stopImmediatePropagation();
  }, true);
  DeviceOrientationEvent.requestPermission = answer === null ? undefined : async () => {
    granted = answer === 'granted';
    return answer;
  };
})(%s);
"""


def shape(page: Page, answer: str | None, events: str) -> None:
    page.add_init_script(FAST + SHAPE % json.dumps({"answer": answer, "events": events}))


def tilt(cdp: CDPSession, beta: float) -> None:
    cdp.send(
        "DeviceOrientation.setDeviceOrientationOverride", {"alpha": 0, "beta": beta, "gamma": 0}
    )


def trials(page: Page, cdp: CDPSession, angles: list[int]) -> None:
    """Zero flat, then hold each angle until it is taken, going back to the zero between."""
    status = page.locator("[data-measure]:visible [data-status]")
    tilt(cdp, 0)
    page.get_by_role("button", name="Set zero").click()
    expect(status).to_contain_text("Zero set")
    for n, angle in enumerate(angles, start=1):
        tilt(cdp, angle)
        expect(status).to_contain_text(f"Trial {n}: {angle}°")
        if n < len(angles):
            tilt(cdp, 0)
            expect(status).to_contain_text(f"Ready for trial {n + 1}")


def test_a_lunge_angle_measured_with_the_phone_is_logged_with_the_session(
    page: Page, lunge_item: PlanItem, axe_source: str
) -> None:
    page.add_init_script(FAST)
    cdp = page.context.new_cdp_session(page)
    tilt(cdp, 0)
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/today")
    page.get_by_role("button", name="Measure before with the phone").click()
    dialog = page.get_by_role("dialog", name="Measure with the phone")
    expect(dialog.get_by_role("status")).to_contain_text("Sensor ready")
    trials(page, cdp, [38, 40, 42])
    expect(dialog.get_by_role("status")).to_contain_text("Mean of 3 trials: 40°")
    violations = axe_violations(page, axe_source)
    assert not violations, describe(violations)
    dialog.get_by_role("button", name="Put 40° in “Test before”").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Test before")).to_be_focused()
    expect(page.get_by_label("Test before")).to_have_value("40")
    instrument = page.locator("[name$='-instrument']")
    expect(instrument).to_have_value("")  # only one of the two values is the phone's so far
    page.get_by_role("button", name="Measure after with the phone").click()
    expect(dialog.get_by_role("status")).to_contain_text("Sensor ready")
    trials(page, cdp, [44, 45, 46])
    dialog.get_by_role("button", name="Put 45° in “Test after”").click()
    expect(page.get_by_label("Test after")).to_be_focused()  # the dialog has closed
    expect(instrument).to_have_value("phone-inclinometer")
    page.get_by_label("Test before").fill("41")  # changed by hand: no longer the phone's
    expect(instrument).to_have_value("")
    page.get_by_label("Test before").fill("40")
    expect(instrument).to_have_value("phone-inclinometer")
    page.get_by_label("Pain now, before you start (0–10)").fill("0")
    page.get_by_label("Pain during (0–10)").fill("1")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url("**/sessions/*")
    session = Session.objects.get()
    assert (session.instrument, session.pre, session.post) == ("phone-inclinometer", 40.0, 45.0)


def test_without_a_sensor_the_dialog_offers_typing_the_value(
    page: Page, lunge_item: PlanItem
) -> None:
    shape(page, answer=None, events="never")
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/today")
    page.get_by_role("button", name="Measure after with the phone").click()
    dialog = page.get_by_role("dialog", name="Measure with the phone")
    expect(dialog.get_by_text("No motion sensor answers")).to_be_visible()
    expect(dialog.get_by_role("button", name="Set zero")).to_be_hidden()
    expect(dialog.get_by_role("button", name="Allow the motion sensor")).to_be_hidden()
    dialog.get_by_role("button", name="Close").click()
    expect(page.get_by_label("Test after")).to_be_focused()
    page.get_by_label("Test before").fill("39")
    page.get_by_label("Pain now, before you start (0–10)").fill("0")
    page.get_by_label("Pain during (0–10)").fill("0")
    page.get_by_label("Test after").fill("41")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url("**/sessions/*")
    assert Session.objects.get().instrument == ""


@pytest.mark.parametrize("answer", [None, "granted"])
def test_a_sensor_that_answers_is_used_without_asking(
    page: Page, lunge_item: PlanItem, answer: str | None
) -> None:
    """Whether or not the browser has requestPermission, readings that arrive are enough."""
    shape(page, answer=answer, events="always")
    cdp = page.context.new_cdp_session(page)
    tilt(cdp, 0)
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/measure/wrist-extension")
    expect(page.locator("[data-status]")).to_contain_text("Sensor ready")
    expect(page.get_by_role("button", name="Allow the motion sensor")).to_be_hidden()


def test_a_self_test_is_recorded_as_a_phone_assessment(
    page: Page, lunge_item: PlanItem, axe_source: str
) -> None:
    """Where no reading arrives until the user allows it (iOS), a button asks."""
    shape(page, answer="granted", events="after-grant")
    cdp = page.context.new_cdp_session(page)
    tilt(cdp, 0)
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/measure/wrist-extension")
    allow = page.get_by_role("button", name="Allow the motion sensor")
    expect(allow).to_be_visible()
    violations = axe_violations(page, axe_source)
    assert not violations, describe(violations)
    allow.click()
    tilt(cdp, 0.5)
    expect(page.locator("[data-status]")).to_contain_text("Sensor ready")
    trials(page, cdp, [60, 63])
    page.get_by_role("button", name="Use these 2 trials").click()
    expect(page.locator("[data-status]")).to_contain_text("Mean of 2 trials: 61.5°")
    expect(page.get_by_label("Trial 1")).to_have_value("60")
    expect(page.get_by_label("Trial 3")).to_have_value("")
    page.get_by_label("right").check()
    page.get_by_role("button", name="Record this measurement").click()
    expect(page.get_by_role("status").first).to_contain_text("Recorded: Wrist extension, right")
    measurement = Measurement.objects.select_related("assessment").get()
    assert measurement.instrument == "phone-inclinometer"
    assert measurement.trials == [60.0, 63.0]
    assert measurement.assessment.measured_by == "Ana"


def test_a_refused_sensor_says_so_and_offers_typing(page: Page, lunge_item: PlanItem) -> None:
    shape(page, answer="denied", events="after-grant")
    cdp = page.context.new_cdp_session(page)
    tilt(cdp, 0)
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/measure/wrist-extension")
    page.get_by_role("button", name="Allow the motion sensor").click()
    expect(page.get_by_text("The motion sensor was not allowed")).to_be_visible()
    expect(page.get_by_role("button", name="Set zero")).to_be_hidden()
    expect(page.get_by_label("Trial 1")).to_be_editable()


def test_a_sensor_allowed_but_silent_is_reported_as_no_sensor(
    page: Page, lunge_item: PlanItem
) -> None:
    shape(page, answer="granted", events="never")
    sign_in(page, EMAIL, PASSWORD)
    page.goto("/measure/wrist-extension")
    page.get_by_role("button", name="Allow the motion sensor").click()
    expect(page.get_by_text("No motion sensor answers")).to_be_visible()
    expect(page.get_by_role("button", name="Allow the motion sensor")).to_be_hidden()
