"""A per-account limit on the heavy reads (exports and PDFs), so one account cannot keep the
server's workers busy. Counted per minute in each process's cache: a ceiling, not a meter."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., HttpResponse])
TOO_MANY = "too many exports in a minute: wait a minute and try again"


def allowed(user_id: object, *, now: float | None = None) -> bool:
    """Count one export for the account; False once it is over the minute's limit."""
    minute = int((time.time() if now is None else now) // 60)
    key = f"exports:{user_id}:{minute}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new minute
        cache.set(key, 1, timeout=90)
        count = 1
    return count <= settings.EXPORTS_PER_MINUTE


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
