"""Accounts: coach and solo sign-up, clients created by a coach, single-use invites."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from selfmob.clinic import errors
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import Client, Invite, User
from selfmob.clinic.tokens import new_token, token_hash
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.measures import checked_percentile


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput.one("password", " ".join(exc.messages)) from None


def _new_user(*, email: str, password: str, name: str, role: str) -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email=email).exists():
        raise InvalidInput.one("email", errors.EMAIL_TAKEN)
    user = User(email=email, name=name, role=role)
    _check_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def coach_signup(*, email: str, password: str, name: str) -> User:
    return _new_user(email=email, password=password, name=name, role=User.Role.COACH)


@transaction.atomic
def solo_signup(
    *, email: str, password: str, name: str, birth_year: int | None = None, sex: str = ""
) -> User:
    user = _new_user(email=email, password=password, name=name, role=User.Role.SOLO)
    client = Client(user=user, name=name, email=user.email, birth_year=birth_year, sex=sex)
    client.full_clean()
    client.save()
    return user


@transaction.atomic
def client_create(
    *, coach: User, name: str, email: str, birth_year: int | None = None, sex: str = ""
) -> Client:
    if coach.role != User.Role.COACH:
        raise InvalidInput.one("__all__", errors.NOT_A_COACH)
    email = User.objects.normalize_email(email).lower()
    if Client.objects.filter(coach=coach, email=email).exists():
        raise InvalidInput.one("email", errors.CLIENT_EXISTS)
    client = Client(coach=coach, name=name, email=email, birth_year=birth_year, sex=sex)
    try:
        client.full_clean()
    except ValidationError as exc:
        raise InvalidInput({k: " ".join(v) for k, v in exc.message_dict.items()}) from None
    client.save()
    return client


@transaction.atomic
def invite_create(*, client: Client, now: datetime | None = None) -> tuple[Invite, str]:
    """A new invite; earlier unused ones stop working. Returns the raw token, shown once."""
    now = now or timezone.now()
    if client.user_id is not None:
        raise InvalidInput.one("__all__", errors.HAS_ACCOUNT)
    client.invites.filter(used_at__isnull=True).update(expires_at=now)
    token, hashed = new_token()
    invite = Invite.objects.create(
        client=client,
        token_hash=hashed,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITE_DAYS),
    )
    return invite, token


@transaction.atomic
def invite_accept(*, token: str, password: str, now: datetime | None = None) -> User:
    now = now or timezone.now()
    invite = (
        Invite.objects.select_for_update()
        .select_related("client")
        .filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if invite is None:
        raise InvalidInput.one("token", errors.INVITE_INVALID)
    client = invite.client
    if client.user_id is not None:  # an invite never resets an existing account's password
        raise InvalidInput.one("token", errors.INVITE_INVALID)
    user = _new_user(email=client.email, password=password, name=client.name, role=User.Role.CLIENT)
    client.user = user
    client.save(update_fields=["user"])
    invite.used_at = now
    invite.save(update_fields=["used_at"])
    return user


def coach_limit_set(*, coach: User, percentile: float | None) -> User:
    """The percentile of healthy people that sets the limit of normal for this coach's
    clients (None: the catalogue's default). The knowledge core's own check decides."""
    if coach.role != User.Role.COACH:
        raise InvalidInput.one("limit_percentile", errors.COACH_SETTING)
    try:
        checked_percentile(percentile)
    except KnowledgeError as exc:
        raise InvalidInput.one("limit_percentile", exc.message) from None
    coach.limit_percentile = percentile
    coach.save(update_fields=["limit_percentile"])
    return coach
