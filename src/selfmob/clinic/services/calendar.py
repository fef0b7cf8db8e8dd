"""Calendar feeds: a secret, revocable address of a client's plan as iCalendar. The token is
returned once, at creation; only its hash is stored. A client has at most one working feed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from selfmob.clinic.models import CalendarFeed, Client, User
from selfmob.clinic.tokens import new_token


@transaction.atomic
def calendar_feed_create(*, client: Client, created_by: User) -> tuple[CalendarFeed, str]:
    """A new feed; the earlier one stops working. Returns the raw token, shown once."""
    now = timezone.now()
    # One change per client at a time (PostgreSQL; SQLite's IMMEDIATE transactions already
    # take turns), so two clicks never leave two working feeds.
    Client.objects.select_for_update().filter(id=client.id).values_list("id").first()
    _revoke(client, now)
    token, hashed = new_token()
    feed = CalendarFeed.objects.create(
        client=client, token_hash=hashed, created_by=created_by, created_at=now
    )
    return feed, token


def calendar_feed_revoke(*, client: Client, now: datetime) -> int:
    """Stop the client's feed; returns how many were working (0 or 1)."""
    return _revoke(client, now)


def _revoke(client: Client, now: datetime) -> int:
    return CalendarFeed.objects.filter(client=client, revoked_at__isnull=True).update(
        revoked_at=now
    )
