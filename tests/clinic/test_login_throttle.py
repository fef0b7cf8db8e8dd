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
from django.test import RequestFactory

from selfmob.clinic.counters import count_hit, count_peek
from selfmob.clinic.login_guard import (
    DEVICE_COOKIE,
    TOO_MANY_LOGINS,
    account_id,
    login_attempt,
    login_try,
    login_wait_words,
)
from selfmob.clinic.models import RateCount, User

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


def test_counts_in_the_database_are_per_window(db: None) -> None:
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
        assert (done.status_code, done["Location"]) == (302, "/")
        assert http.session["_auth_user_id"] == str(owner.id)  # the reset logged them in
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
        direct = HttpClient(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="10.7.7.7")
        answer = direct.post("/login", {"username": owner.email, "password": RIGHT})
        assert answer.status_code == 302  # not from a trusted proxy: its header is ignored
        garbage = HttpClient(HTTP_X_FORWARDED_FOR="x" * 500)
        answer = garbage.post("/login", {"username": owner.email, "password": RIGHT})
        assert answer.status_code == 302  # not an address: the connection's is used


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


def test_a_browser_that_logged_in_before_is_not_locked_out_by_others(owner: User) -> None:
    """Someone failing on purpose every window cannot keep the owner out of their account."""
    device = HttpClient(REMOTE_ADDR="10.0.0.5")
    with time_machine.travel(WINDOW_START + 10, tick=False):
        assert (
            device.post("/login", {"username": owner.email, "password": RIGHT}).status_code == 302
        )
        device.post("/logout")
        assert DEVICE_COOKIE in device.cookies
    for window in (1, 2):  # the attacker locks the account again in each new window
        with time_machine.travel(WINDOW_START + 900 * window + 10, tick=False):
            for n in range(3):
                attempt(owner.email, "wrong", address=f"10.6.6.{n}")
            assert attempt(owner.email, RIGHT, address="10.0.0.7").status_code == 429
            answer = device.post("/login", {"username": owner.email, "password": RIGHT})
            assert answer.status_code == 302
            device.post("/logout")


def test_a_remembered_browser_has_its_own_limit(owner: User) -> None:
    device = HttpClient(REMOTE_ADDR="10.0.0.5")
    with time_machine.travel(WINDOW_START + 10, tick=False):
        device.post("/login", {"username": owner.email, "password": RIGHT})
        device.post("/logout")
        for _ in range(3):
            device.post("/login", {"username": owner.email, "password": "wrong"})
        assert (
            device.post("/login", {"username": owner.email, "password": RIGHT}).status_code == 429
        )


def test_a_forged_device_cookie_counts_for_nothing(owner: User) -> None:
    with time_machine.travel(WINDOW_START + 10, tick=False):
        for _ in range(3):
            attempt(owner.email, "wrong")
        forged = HttpClient(REMOTE_ADDR="10.0.0.8")
        forged.cookies[DEVICE_COOKIE] = account_id(owner.email)  # unsigned
        assert (
            forged.post("/login", {"username": owner.email, "password": RIGHT}).status_code == 429
        )


def test_each_try_is_counted_before_its_password_is_checked(owner: User) -> None:
    """Requests in parallel all pass a look at the count; the count itself stops them."""
    request = RequestFactory().post("/login", REMOTE_ADDR="10.0.0.1")
    tries = [login_try(login_attempt(request, owner.email)) for _ in range(5)]
    assert tries == [True, True, True, False, False]


def test_every_spelling_of_an_email_is_one_account() -> None:
    assert account_id(" Ana@Example.TEST ") == account_id("ana@example.test")
    assert account_id("ａｎａ@example.test") == account_id("ana@example.test")  # full width
    assert account_id("ana@example.test") != account_id("ben@example.test")
    assert "ana" not in account_id("ana@example.test")


def test_ipv6_addresses_count_per_64(owner: User, people: Any) -> None:
    with time_machine.travel(WINDOW_START + 10, tick=False):
        for n in range(5):
            attempt(f"nobody{n}@example.test", "wrong", address=f"2001:db8:1:2::{n + 1}")
        assert attempt(owner.email, RIGHT, address="2001:db8:1:2:ffff::9").status_code == 429
        assert attempt(owner.email, RIGHT, address="2001:db8:1:3::1").status_code == 302


def test_reset_emails_are_limited_per_account(owner: User) -> None:
    with time_machine.travel(WINDOW_START + 10, tick=False):
        answers = [HttpClient().post("/password-reset", {"email": owner.email}) for _ in range(5)]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/password-reset/sent")}
    assert len(mail.outbox) == 3
