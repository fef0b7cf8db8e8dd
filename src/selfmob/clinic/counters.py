"""Counters of fixed time windows that every process and host shares: in Redis when the site
has it (INCR is atomic), in the database otherwise (one upsert, atomic on SQLite and
PostgreSQL). Django's DatabaseCache is not used for this: its `incr` reads and then writes, so
two workers counting at once would lose a count."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F

from selfmob.clinic.models import RateCount

_TABLE = RateCount._meta.db_table
_UPSERT = (
    f'INSERT INTO {_TABLE} ("key", "count", "expires_at") VALUES (%s, 1, %s) '
    f'ON CONFLICT ("key") DO UPDATE SET "count" = {_TABLE}."count" + 1 RETURNING "count"'
)


@dataclass(frozen=True)
class Window:
    """A key's count in the current window, and the seconds left until the window ends."""

    count: int
    retry_after: int


def _window(key: str, seconds: int, now: float | None) -> tuple[str, float, int]:
    at = time.time() if now is None else now
    start = int(at // seconds) * seconds
    ends = start + seconds
    return f"{key}:{start}", float(ends), max(1, int(ends - at + 0.999))


def count_hit(key: str, *, seconds: int, now: float | None = None) -> Window:
    """Add one to the key's count in the current window of `seconds`, and return it."""
    full, ends, left = _window(key, seconds, now)
    if settings.REDIS_URL:
        return Window(_redis_incr(full, seconds), left)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [full, ends])
        count = int(cursor.fetchone()[0])
    if count == 1:  # a new window: drop the counters whose windows have ended
        RateCount.objects.filter(expires_at__lte=ends - seconds).delete()
    return Window(count, left)


def count_peek(key: str, *, seconds: int, now: float | None = None) -> Window:
    """The key's count in the current window, without adding to it."""
    full, _, left = _window(key, seconds, now)
    if settings.REDIS_URL:
        return Window(int(cache.get(full, 0)), left)
    found = RateCount.objects.filter(key=full).values_list("count", flat=True).first()
    return Window(found or 0, left)


def count_take_back(key: str, *, seconds: int, now: float | None = None) -> None:
    """Take one back from the key's count in the current window, if it has any."""
    full, _, _ = _window(key, seconds, now)
    if settings.REDIS_URL:
        with contextlib.suppress(ValueError):  # gone: nothing to take back
            cache.decr(full)
        return
    RateCount.objects.filter(key=full, count__gt=0).update(count=F("count") - 1)


def count_clear(key: str, *, seconds: int, now: float | None = None) -> None:
    full, _, _ = _window(key, seconds, now)
    if settings.REDIS_URL:
        cache.delete(full)
    else:
        RateCount.objects.filter(key=full).delete()


def _redis_incr(key: str, seconds: int) -> int:
    cache.add(key, 0, timeout=seconds + 10)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: the first count of a new window
        cache.set(key, 1, timeout=seconds + 10)
        return 1
