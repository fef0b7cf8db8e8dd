"""Exports and PDFs per account and minute, counted where every process and host sees it
(src/selfmob/clinic/counters.py), so one account cannot keep the workers busy; and the
client's address, for this and the log-in guard (src/selfmob/clinic/login_guard.py)."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from selfmob.clinic.counters import count_hit

View = TypeVar("View", bound=Callable[..., HttpResponse])
TOO_MANY = "too many exports in a minute: wait a minute and try again"


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
    """The client's address: the connection's, or, when the connection comes from a trusted
    proxy (SELFMOB_TRUSTED_PROXIES), the one SELFMOB_PROXY_HOPS proxies put in front of
    X-Forwarded-For. Anything that is not an IP address is ignored."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if settings.PROXY_HOPS > 0 and _trusted(remote):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= settings.PROXY_HOPS and _is_ip(hops[-settings.PROXY_HOPS]):
            return hops[-settings.PROXY_HOPS]
    return remote


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _trusted(remote: str) -> bool:
    if not _is_ip(remote):
        return False
    address = ipaddress.ip_address(remote)
    return any(address in ipaddress.ip_network(n, strict=False) for n in settings.TRUSTED_PROXIES)
