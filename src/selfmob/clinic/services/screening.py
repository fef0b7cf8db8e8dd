"""Red-flag screening and a coach's clearance, both kept in the history."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Count, Q

from selfmob.clinic.errors import NOTHING_TO_CLEAR, InvalidInput
from selfmob.clinic.models import Clearance, Client, Screening, User
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.screen import screen

ALREADY_CLEARED = "this screening was already cleared"
NOTE_NEEDED = "say who saw the client and what they advised"


@transaction.atomic
def screening_record(
    *, client: Client, answers: Mapping[str, object], neck: bool, recorded_by: User
) -> Screening:
    try:
        result = screen(load_catalogue(), answers, neck=neck)
    except KnowledgeError as exc:
        raise InvalidInput.from_knowledge(exc) from None
    _lock(client)
    screening = Screening.objects.create(
        client=client,
        answers=dict(answers),
        neck=neck or any(k.startswith("cervical-") for k in answers),
        verdict=result.verdict,
        urgent=result.urgent,
        recorded_by=recorded_by,
    )
    refresh_status(client)
    return screening


@transaction.atomic
def clearance_record(*, screening: Screening, cleared_by: User, note: str) -> Clearance:
    if screening.verdict != Screening.Verdict.REFER:
        raise InvalidInput.one("__all__", NOTHING_TO_CLEAR)
    if Clearance.objects.filter(screening=screening).exists():
        raise InvalidInput.one("__all__", ALREADY_CLEARED)
    if len(note.strip()) < 3:
        raise InvalidInput.one("note", NOTE_NEEDED)
    _lock(screening.client)
    clearance = Clearance.objects.create(
        screening=screening, cleared_by=cleared_by, note=note.strip()
    )
    refresh_status(screening.client)
    return clearance


def _lock(client: Client) -> None:
    """One screening change per client at a time (PostgreSQL; SQLite's IMMEDIATE
    transactions already take turns), so the status below never misses a screen."""
    Client.objects.select_for_update().filter(id=client.id).values_list("id").first()


def refresh_status(client: Client) -> None:
    """Recompute the client's status from all their screens and store it."""
    counts = client.screenings.aggregate(
        all=Count("id"),
        refer=Count("id", filter=Q(verdict=Screening.Verdict.REFER, clearance__isnull=True)),
    )
    status = Client.ScreeningStatus
    if not counts["all"]:
        client.screening_status = status.NOT_SCREENED
    else:
        client.screening_status = status.REFERRED if counts["refer"] else status.CLEAR
    Client.objects.filter(id=client.id).update(screening_status=client.screening_status)
