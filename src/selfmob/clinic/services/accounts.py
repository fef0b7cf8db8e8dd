"""Accounts: coach and solo sign-up with the person's consent, clients created by a coach,
single-use invites (e-mailed to the client), and closing one's own account."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from selfmob.clinic import errors
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import Client, Invite, User
from selfmob.clinic.services.clients import check_birth_year, client_erase
from selfmob.clinic.tokens import new_token, token_hash
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.measures import checked_percentile

CONSENT_VERSION = "2026-12-05"
"""The version of the consent text (templates/clinic/_consent.html and privacy.html): a
person's `consent_version` names the text they agreed to. Change both with the text."""
CONSENT_NEEDED = (
    "tick the box to agree to the processing of your health data: selfmob cannot keep your "
    "records without it"
)
INVITE_SUBJECT = "{coach} invited you to selfmob"
CLOSE_PHRASE = "delete my data"
CONFIRM_CLOSE = f'type your e-mail address or "{CLOSE_PHRASE}" to close your account'
COACH_HAS_CLIENTS = (
    "you still have clients ({count}, archived ones included): delete each of them first, "
    "on their page under Manage, after downloading any records you must keep"
)


class InviteStatus(StrEnum):
    """What an invite link is now: it sets a password only while open."""

    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput.one("password", " ".join(exc.messages)) from None


def _new_user(
    *, email: str, password: str, name: str, role: str, consent: bool | None, now: datetime
) -> User:
    if consent is False:
        raise InvalidInput.one("consent", CONSENT_NEEDED)
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email=email).exists():
        raise InvalidInput.one("email", errors.EMAIL_TAKEN)
    user = User(email=email, name=name, role=role)
    if consent:
        user.consent_at, user.consent_version = now, CONSENT_VERSION
    _check_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def coach_signup(
    *,
    email: str,
    password: str,
    name: str,
    consent: bool | None = None,
    now: datetime | None = None,
) -> User:
    """A coach's account. `consent`: True when the person ticked the consent box (its time
    and CONSENT_VERSION are kept), False refuses the sign-up, None is an account the operator
    makes (demo data, tests) with no consent recorded. The same for the two below."""
    return _new_user(
        email=email,
        password=password,
        name=name,
        role=User.Role.COACH,
        consent=consent,
        now=now or timezone.now(),
    )


@transaction.atomic
def solo_signup(
    *,
    email: str,
    password: str,
    name: str,
    birth_year: int | None = None,
    sex: str = "",
    consent: bool | None = None,
    now: datetime | None = None,
) -> User:
    now = now or timezone.now()
    user = _new_user(
        email=email, password=password, name=name, role=User.Role.SOLO, consent=consent, now=now
    )
    check_birth_year(birth_year, now)
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
    check_birth_year(birth_year)
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


def invite_email(*, client: Client, link: str, expires_at: datetime) -> bool:
    """E-mail the invite link to the client. False when the mail server refused it: the
    coach still has the link to share another way."""
    coach = client.coach
    sender = (coach.name or coach.email) if coach is not None else "Your coach"
    context = {"client": client, "coach": sender, "link": link, "expires_at": expires_at}
    body = render_to_string("clinic/invite_email.txt", context)
    try:
        send_mail(INVITE_SUBJECT.format(coach=sender), body, None, [client.email])
    except OSError:  # smtplib's errors are OSErrors: a refused address, no server, a timeout
        return False
    return True


def invite_status(*, token: str, now: datetime | None = None) -> InviteStatus:
    """Whether the link of `token` can still set a password (InviteStatus): never for a
    client who has an account by now."""
    invite = Invite.objects.select_related("client").filter(token_hash=token_hash(token)).first()
    if invite is None:
        return InviteStatus.UNKNOWN
    if invite.used_at is not None or invite.client.user_id is not None:
        return InviteStatus.USED
    if invite.expires_at <= (now or timezone.now()):
        return InviteStatus.EXPIRED
    return InviteStatus.OPEN


@transaction.atomic
def invite_accept(
    *, token: str, password: str, consent: bool | None = None, now: datetime | None = None
) -> User:
    """The client's account from an open invite; `consent` as for coach_signup."""
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
    user = _new_user(
        email=client.email,
        password=password,
        name=client.name,
        role=User.Role.CLIENT,
        consent=consent,
        now=now,
    )
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


def confirms_close(user: User, typed: str) -> bool:
    """Whether `typed` is the person's e-mail or CLOSE_PHRASE (spaces and case aside)."""
    typed = " ".join(typed.split()).casefold()
    return typed in (user.email.casefold(), CLOSE_PHRASE)


@transaction.atomic
def account_close(*, user: User, confirm: str) -> None:
    """Erase one's own account and the records about oneself (services/clients.client_erase),
    once `confirm` is one's e-mail or CLOSE_PHRASE. A coach first deletes their clients."""
    if not confirms_close(user, confirm):
        raise InvalidInput.one("confirm", CONFIRM_CLOSE)
    count = Client.objects.filter(coach=user).count()
    if count:
        raise InvalidInput.one("__all__", COACH_HAS_CLIENTS.format(count=count))
    record = Client.objects.filter(user=user).first()
    if record is not None:
        client_erase(client=record)  # the account goes with the record
        return
    user.api_tokens.all().delete()
    user.delete()
