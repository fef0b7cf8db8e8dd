"""Limits that every process and host shares (src/selfmob/clinic/counters.py):

- exports and PDFs per account and minute, so one account cannot keep the workers busy;
- failed log-ins per account and per address in a window, so passwords cannot be guessed.
  A successful log-in or a password reset clears the account's count, and a window ends by
  itself: the real user waits at most one window (15 minutes by default).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from selfmob.clinic.counters import count_clear, count_hit, count_peek

View = TypeVar("View", bound=Callable[..., HttpResponse])
TOO_MANY = "too many exports in a minute: wait a minute and try again"
TOO_MANY_LOGINS = (
    "Too many failed log-ins from here or for this account. Try again in {wait}, or reset "
    "your password."
)


def allowed(user_id: object, *, now: float | None = None) -> bool:
    """Count one export for the account; False once it is over the minute's limit."""
    window = count_hit(f"exports:{user_id}", seconds=60, now=now)
    return window.count <= settings.EXPORTS_PER_MINUTE


def limited(view: View) -> View:
    """For a page view behind login_required: 429 past the limit."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not allowed(getattr(request.user, "id", None)):
            response = HttpResponse(TOO_MANY, status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's, or the one the trusted proxies put in front."""
    if settings.PROXY_HOPS > 0:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= settings.PROXY_HOPS and hops[-settings.PROXY_HOPS]:
            return hops[-settings.PROXY_HOPS]
    return str(request.META.get("REMOTE_ADDR", ""))


def _login_keys(email: str, address: str) -> tuple[str, str]:
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"login-account:{account}", f"login-address:{address}"


def login_wait(*, email: str, address: str, now: float | None = None) -> int:
    """Seconds until this account and address may try again; 0 when they may try now."""
    account, place = _login_keys(email, address)
    seconds = settings.LOGIN_WINDOW_SECONDS
    for key, limit in (
        (account, settings.LOGIN_FAILURES_PER_ACCOUNT),
        (place, settings.LOGIN_FAILURES_PER_ADDRESS),
    ):
        window = count_peek(key, seconds=seconds, now=now)
        if window.count >= limit:
            return window.retry_after
    return 0


def login_wait_words(seconds: int) -> str:
    """`seconds` as whole minutes, rounded up: "1 minute", "15 minutes"."""
    minutes = -(-seconds // 60)
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def login_failed(*, email: str, address: str, now: float | None = None) -> None:
    for key in _login_keys(email, address):
        count_hit(key, seconds=settings.LOGIN_WINDOW_SECONDS, now=now)


def login_succeeded(*, email: str, now: float | None = None) -> None:
    """The account's owner got in (or reset the password): their failures no longer count."""
    account, _ = _login_keys(email, "")
    count_clear(account, seconds=settings.LOGIN_WINDOW_SECONDS, now=now)
