"""A coach's client records: their details changed, archived and restored, and erased.

Erasing a client deletes every record about them and their account, if they have one: the
sessions, plans, assessments, screens, clearances, calendar links and invites, the client
record, and the account with its API tokens. The audit trail keeps only ids
(models.AuditEntry), so it keeps the fact of the erasure and nothing personal.
"""

from __future__ import annotations

import copy
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from selfmob.clinic import errors
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import (
    ApiToken,
    Assessment,
    CalendarFeed,
    Clearance,
    Client,
    Invite,
    Measurement,
    Plan,
    PlanItem,
    Screening,
    Session,
    User,
)

BIRTH_YEAR = "give a birth year from 1900 to this year, or leave it empty"
EMAIL_IS_LOGIN = (
    "this client has an account and signs in with this e-mail: only they can change it "
    "(ask them to write to you from the new address and add them again)"
)
CONFIRM_NAME = "type the client's name, {name}, exactly as shown, to delete their records"


def check_birth_year(year: int | None, now: datetime | None = None) -> None:
    """The one rule for a birth year: empty, or from 1900 to this year."""
    this_year = timezone.localdate(now or timezone.now()).year
    if year is not None and not 1900 <= year <= this_year:
        raise InvalidInput.one("birth_year", BIRTH_YEAR)


@transaction.atomic
def client_update(
    *, client: Client, name: str, email: str, birth_year: int | None, sex: str
) -> Client:
    """New details for a client, returned as a new instance. The e-mail of a client with an
    account is their log-in, which the coach cannot change (a password reset would then go
    to the new address); their account's name follows the record's."""
    email = User.objects.normalize_email(email).lower()
    if client.user_id is not None and email != client.email:
        raise InvalidInput.one("email", EMAIL_IS_LOGIN)
    taken = Client.objects.filter(coach_id=client.coach_id, email=email).exclude(id=client.id)
    if client.coach_id is not None and taken.exists():
        raise InvalidInput.one("email", errors.CLIENT_EXISTS)
    check_birth_year(birth_year)
    changed = copy.copy(client)  # refused details never reach the caller's instance
    changed.name, changed.email, changed.birth_year, changed.sex = name, email, birth_year, sex
    try:
        changed.full_clean()
    except ValidationError as exc:
        raise InvalidInput({k: " ".join(v) for k, v in exc.message_dict.items()}) from None
    changed.save(update_fields=["name", "email", "birth_year", "sex"])
    if changed.user_id is not None:
        User.objects.filter(id=changed.user_id).exclude(name=name).update(name=name)
    return changed


def client_archive(*, client: Client, now: datetime | None = None) -> Client:
    """Off the dashboard and the client list; every record is kept. Archiving again keeps
    the first time."""
    if client.archived_at is None:
        client.archived_at = now or timezone.now()
        client.save(update_fields=["archived_at"])
    return client


def client_restore(*, client: Client) -> Client:
    """Back on the dashboard and the client list."""
    if client.archived_at is not None:
        client.archived_at = None
        client.save(update_fields=["archived_at"])
    return client


def clients_archived(*, coach: User) -> QuerySet[Client]:
    """A coach's archived clients, by name (the one read of this module, for the pages)."""
    return Client.objects.filter(coach=coach, archived_at__isnull=False).order_by("name", "id")


def confirms_name(client: Client, typed: str) -> bool:
    """Whether `typed` is the client's name (spaces around and letter case aside)."""
    return typed.strip().casefold() == client.name.strip().casefold()


@transaction.atomic
def client_delete(*, client: Client, confirm: str) -> None:
    """Erase the client's records and account, once `confirm` is their name."""
    if not confirms_name(client, confirm):
        raise InvalidInput.one("confirm", CONFIRM_NAME.format(name=client.name))
    client_erase(client=client)


@transaction.atomic
def client_erase(*, client: Client) -> None:
    """Delete everything about the client, then the record and its account. Sessions go
    before their plan items (a plan item protects its sessions), and every record that
    names its author goes before that author's account (authors are protected)."""
    Session.objects.filter(client=client).delete()
    PlanItem.objects.filter(plan__client=client).delete()
    Plan.objects.filter(client=client).delete()
    Measurement.objects.filter(assessment__client=client).delete()
    Assessment.objects.filter(client=client).delete()
    Clearance.objects.filter(screening__client=client).delete()
    Screening.objects.filter(client=client).delete()
    CalendarFeed.objects.filter(client=client).delete()
    Invite.objects.filter(client=client).delete()
    account = client.user
    client.delete()
    if account is not None:
        ApiToken.objects.filter(user=account).delete()
        account.delete()
