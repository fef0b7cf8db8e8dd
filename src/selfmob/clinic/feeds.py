"""Reads for calendar feeds (the writes are in services/calendar.py)."""

from __future__ import annotations

from selfmob.clinic.models import CalendarFeed, Client
from selfmob.clinic.tokens import token_hash


def active_feed(client: Client) -> CalendarFeed | None:
    """The client's working feed, if any."""
    return client.calendar_feeds.filter(revoked_at__isnull=True).order_by("-created_at").first()


def feed_by_token(token: str) -> CalendarFeed | None:
    """The working feed with this token, with its client, or None."""
    return (
        CalendarFeed.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("client", "created_by")
        .first()
    )
