"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium is never downloaded (`playwright install` fails here): it is the Debian package at
/usr/bin/chromium (SELFMOB_CHROMIUM overrides). Without it the tests skip with the reason,
except under CI=true, where they fail. axe-core comes from the npm registry, pinned by version
and checked against its published SHA-512, and is cached in var/cache. The constants and the
plain helpers (signing in, axe, screenshots) are in tests/support/browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from selfmob.clinic.models import PlanItem
from selfmob.clinic.services.accounts import client_create, coach_signup
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import screening_record
from tests.support.browser import AXE_SHA512, AXE_URL, AXE_VERSION, CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.support.knowledge import all_no
from tests.support.personas import PASSWORD, user_for

# Playwright's sync API keeps an event loop on this thread; Django's ORM refuses to run next to
# one unless told it is safe (it is: the loop never runs ORM code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    reason = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true needs the browser tests: {reason}")
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    """A fresh phone-sized context whose requests leave only for the live server."""
    made = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True)
    made.set_default_timeout(10_000)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def axe_source() -> str:
    cache = Path(settings.DATA_DIR) / "cache" / f"axe-core-{AXE_VERSION}.min.js"
    if not cache.exists():
        with urllib.request.urlopen(AXE_URL, timeout=60) as response:
            tarball = response.read()
        digest = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
        if digest != AXE_SHA512:
            raise RuntimeError(f"axe-core {AXE_VERSION} does not match its published SHA-512")
        with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
            member = archive.extractfile("package/axe.min.js")
            assert member is not None
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(member.read())
    return cache.read_text()


@pytest.fixture
def lunge_item(transactional_db: None) -> PlanItem:
    """A screened, coached client whose plan re-tests with the lunge angle."""
    coach = coach_signup(email="coach@example.test", password=PASSWORD, name="Coach")
    client = client_create(coach=coach, name="Ana", email="ana@example.test")
    user_for(client)
    screening_record(client=client, answers=all_no(), neck=False, recorded_by=coach)
    item = ItemInput("ankle-banded-posterior-glide", "wblt-angle", "right", every_days=1)
    plan = plan_create(
        client=client, created_by=coach, starts_on=timezone.localdate(), ends_on=None, items=[item]
    )
    return plan.items.get()
