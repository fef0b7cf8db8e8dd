"""Failed log-ins are counted per account and per address in the shared store: past the
limit the answer is 429, even with the right password, until the window ends; the owner's
success or a password reset clears the account's count."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client as HttpClient

from selfmob.clinic.counters import count_hit, count_peek
from selfmob.clinic.models import RateCount, User
from selfmob.clinic.throttle import TOO_MANY_LOGINS, login_wait_words

RIGHT = "the-right-password-42"
WINDOW_START = 1_800_000_000.0  # a multiple of 900: the start of a window


@pytest.fixture
def owner(people: Any, settings: Any) -> User:
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    settings.LOGIN_WINDOW_SECONDS = 900
    user: User = people.coach
    user.set_password(RIGHT)
    user.save()
    return user


def attempt(email: str, password: str, *, address: str = "10.0.0.1") -> Any:
    http = HttpClient(REMOTE_ADDR=address)
    return http.post("/login", {"username": email, "password": password})


def test_counts_in_the_database_are_atomic_and_per_window(db: None) -> None:
    hits = [count_hit("k", seconds=60, now=WINDOW_START + s).count for s in (1, 2, 3)]
    assert hits == [1, 2, 3]
    assert count_peek("k", seconds=60, now=WINDOW_START + 4).count == 3
    assert count_peek("k", seconds=60, now=WINDOW_START + 4).retry_after == 56
    assert count_hit("k", seconds=60, now=WINDOW_START + 61).count == 1  # a new window
    assert RateCount.objects.count() == 1  # the ended window's row was dropped


def test_the_account_is_refused_past_its_limit_even_with_the_right_password(
    owner: User,
) -> None:
    with time_machine.travel(WINDOW_START + 10, tick=False):
        statuses = [attempt(owner.email, "wrong").status_code for _ in range(3)]
        refused = attempt(owner.email, RIGHT)
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "890"
    assert TOO_MANY_LOGINS.format(wait="15 minutes") in refused.content.decode()
    assert "_auth_user_id" not in refused.client.session


def test_the_limit_counts_every_address_and_the_window_ends_by_itself(owner: User) -> None:
    with time_machine.travel(WINDOW_START + 10, tick=False):
        for n in range(3):
            attempt(owner.email.upper(), "wrong", address=f"10.0.1.{n}")
        assert attempt(owner.email, RIGHT, address="10.0.2.1").status_code == 429
    with time_machine.travel(WINDOW_START + 901, tick=False):
        assert attempt(owner.email, RIGHT).status_code == 302


def test_one_address_trying_many_accounts_is_refused(owner: User, people: Any) -> None:
    with time_machine.travel(WINDOW_START + 10, tick=False):
        for n in range(5):
            attempt(f"nobody{n}@example.test", "wrong")
        assert attempt(owner.email, RIGHT).status_code == 429
        assert attempt(owner.email, RIGHT, address="10.9.9.9").status_code == 302


def test_a_success_clears_the_accounts_failures(owner: User) -> None:
    with time_machine.travel(WINDOW_START + 10, tick=False):
        attempt(owner.email, "wrong")
        attempt(owner.email, "wrong")
        assert attempt(owner.email, RIGHT).status_code == 302
        attempt(owner.email, "wrong", address="10.0.0.2")
        attempt(owner.email, "wrong", address="10.0.0.2")
        assert attempt(owner.email, RIGHT, address="10.0.0.3").status_code == 302


def test_a_password_reset_lets_the_owner_in_at_once(owner: User) -> None:
    with time_machine.travel(WINDOW_START + 10, tick=False):
        for _ in range(3):
            attempt(owner.email, "wrong")
        http = HttpClient()
        http.post("/password-reset", {"email": owner.email})
        link = re.search(r"/password-reset/[^/\s]+/[^/\s]+", str(mail.outbox[-1].body))
        assert link is not None
        form = http.get(link.group(0), follow=True)
        new = "another-long-password-7"
        done = http.post(form.request["PATH_INFO"], {"new_password1": new, "new_password2": new})
        assert done.status_code == 302
        assert attempt(owner.email, new).status_code == 302


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "1 minute"), (60, "1 minute"), (61, "2 minutes"), (900, "15 minutes")],
)
def test_the_wait_is_said_in_whole_minutes_rounded_up(seconds: int, words: str) -> None:
    assert login_wait_words(seconds) == words


def test_an_empty_or_malformed_form_is_not_counted(owner: User) -> None:
    for _ in range(5):
        HttpClient().post("/login", {"username": owner.email})
    assert RateCount.objects.count() == 0


def test_behind_a_proxy_the_forwarded_address_counts(owner: User, settings: Any) -> None:
    settings.PROXY_HOPS = 1
    with time_machine.travel(WINDOW_START + 10, tick=False):
        for n in range(5):
            HttpClient(HTTP_X_FORWARDED_FOR=f"spoofed{n}, 10.7.7.7").post(
                "/login", {"username": f"x{n}@example.test", "password": "wrong"}
            )
        assert attempt(owner.email, RIGHT, address="10.0.0.9").status_code == 302
        forwarded = HttpClient(HTTP_X_FORWARDED_FOR="10.7.7.7")
        refused = forwarded.post("/login", {"username": owner.email, "password": RIGHT})
        assert refused.status_code == 429


def test_the_admin_log_in_is_counted_and_refused_alike(owner: User) -> None:
    owner.is_staff = owner.is_superuser = True
    owner.save()
    with time_machine.travel(WINDOW_START + 10, tick=False):
        for _ in range(3):
            HttpClient(REMOTE_ADDR="10.0.0.1").post(
                "/admin/login/", {"username": owner.email, "password": "wrong"}
            )
        http = HttpClient(REMOTE_ADDR="10.0.0.1")
        http.post("/admin/login/", {"username": owner.email, "password": RIGHT})
        assert "_auth_user_id" not in http.session  # the right password is not even checked
        assert attempt(owner.email, RIGHT).status_code == 429


def test_a_password_checked_in_code_is_not_counted(owner: User) -> None:
    assert authenticate(email=owner.email, password="wrong") is None
    assert authenticate(email=owner.email, password=RIGHT) == owner
    assert RateCount.objects.count() == 0
