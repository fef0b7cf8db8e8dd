"""Reads: small, named queries the views, API and services share."""

from __future__ import annotations

from selfmob.clinic import errors
from selfmob.clinic.models import Client, Screening


def latest_screening(client: Client) -> Screening | None:
    return client.screenings.select_related("clearance").order_by("-created_at").first()


def screening_block(client: Client) -> str | None:
    """Why a plan may not start now, or None. `refer` blocks until a coach records clearance."""
    screening = latest_screening(client)
    if screening is None:
        return errors.NOT_SCREENED
    if screening.verdict == Screening.Verdict.REFER and not hasattr(screening, "clearance"):
        return errors.PLAN_BLOCKED
    return None
