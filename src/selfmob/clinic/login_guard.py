"""Failed log-ins, counted where every process and host sees them (counters.py), per account
and per address, in a fixed window; past either limit no password is checked until the
window ends.

- Each try is counted before its password is checked, so requests in parallel cannot get
  more guesses than the limit. A success takes its own count back.
- The real user is never locked out for long, even by someone who keeps failing on purpose:
  a browser that has logged in to the account before (a signed cookie) is counted apart from
  everyone else; a success or a password reset clears the account's counts (and the reset
  logs the owner in); a window ends by itself (15 minutes by default).
- Accounts are counted under a keyed hash of the e-mail (never the e-mail); IPv6 addresses
  per /64, which one person usually holds whole.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from selfmob.clinic.counters import count_clear, count_hit, count_peek, count_take_back
from selfmob.clinic.throttle import client_address

TOO_MANY_LOGINS = (
    "Too many failed log-ins from here or for this account. Try again in {wait}, or reset "
    "your password."
)
DEVICE_COOKIE = "selfmob_device"
_SALT = "selfmob.login_guard"


@dataclass(frozen=True)
class Attempt:
    account: str
    """A keyed hash of the normalised e-mail."""
    address: str
    """The address, or its /64 for IPv6."""
    known_device: bool


def login_attempt(request: HttpRequest, email: str) -> Attempt:
    account = account_id(email)
    cookie = request.COOKIES.get(DEVICE_COOKIE, "")
    return Attempt(account, _address_key(client_address(request)), _device_is(cookie, account))


def account_id(email: str) -> str:
    """The same for every spelling Django's log-in form would accept as this e-mail."""
    normal = unicodedata.normalize("NFKC", email).strip().casefold()
    return salted_hmac(_SALT, normal).hexdigest()[:32]


def _address_key(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _keys(attempt: Attempt) -> list[tuple[str, int]]:
    kind = "login-device" if attempt.known_device else "login-account"
    return [
        (f"{kind}:{attempt.account}", settings.LOGIN_FAILURES_PER_ACCOUNT),
        (f"login-address:{attempt.address}", settings.LOGIN_FAILURES_PER_ADDRESS),
    ]


def login_wait(attempt: Attempt, *, now: float | None = None) -> int:
    """Seconds until this attempt may be made; 0 when it may be made now."""
    seconds = settings.LOGIN_WINDOW_SECONDS
    for key, limit in _keys(attempt):
        window = count_peek(key, seconds=seconds, now=now)
        if window.count >= limit:
            return window.retry_after
    return 0


def login_try(attempt: Attempt, *, now: float | None = None) -> bool:
    """Count the try; False when it is over a limit and its password must not be checked."""
    seconds = settings.LOGIN_WINDOW_SECONDS
    counts = [
        (count_hit(key, seconds=seconds, now=now).count, limit) for key, limit in _keys(attempt)
    ]
    return all(count <= limit for count, limit in counts)


def login_succeeded(attempt: Attempt, *, now: float | None = None) -> None:
    """The owner got in: the account's failures stop counting, and this try is taken back."""
    seconds = settings.LOGIN_WINDOW_SECONDS
    for kind in ("login-account", "login-device"):
        count_clear(f"{kind}:{attempt.account}", seconds=seconds, now=now)
    count_take_back(f"login-address:{attempt.address}", seconds=seconds, now=now)


def login_wait_words(seconds: int) -> str:
    """`seconds` as whole minutes, rounded up: "1 minute", "15 minutes"."""
    minutes = -(-seconds // 60)
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def remember_device(response: HttpResponse, email: str) -> None:
    """Mark this browser as one that has logged in to the account (signed, a year)."""
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(account_id(email), salt=_SALT, compress=True),
        max_age=settings.LOGIN_DEVICE_DAYS * 86_400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _device_is(cookie: str, account: str) -> bool:
    if not cookie:
        return False
    try:
        found = signing.loads(cookie, salt=_SALT, max_age=settings.LOGIN_DEVICE_DAYS * 86_400)
    except signing.BadSignature:
        return False
    return bool(found == account)


def reset_email_allowed(request: HttpRequest, email: str, *, now: float | None = None) -> bool:
    """Count one reset e-mail for the account and the address; False past either hourly
    limit."""
    keys = [
        (f"reset-account:{account_id(email)}", settings.RESET_EMAILS_PER_ACCOUNT),
        (
            f"reset-address:{_address_key(client_address(request))}",
            settings.RESET_EMAILS_PER_ADDRESS,
        ),
    ]
    counts = [(count_hit(key, seconds=3600, now=now).count, limit) for key, limit in keys]
    return all(count <= limit for count, limit in counts)
