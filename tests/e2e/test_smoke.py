"""The browser reaches the app, signs in, and axe finds no serious problem on the log-in page."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.support.browser import axe_violations, describe


def test_the_login_page_renders_and_passes_axe(page: Page, axe_source: str) -> None:
    page.goto("/login")
    assert page.title().startswith("Log in")
    violations = axe_violations(page, axe_source)
    assert not violations, describe(violations)
