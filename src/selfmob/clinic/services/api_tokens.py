"""Personal API tokens: made on the account page, shown once, stored as a hash, revocable."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import ApiToken, User
from selfmob.clinic.tokens import new_token, token_hash

PREFIX = "smb_"
NAME_NEEDED = "give the token a name, e.g. the program that will use it"
TOO_MANY = "revoke a token first: at most {n} active tokens per account"
MAX_ACTIVE = 20
TOUCH_EVERY = timedelta(minutes=5)
"""`last_used_at` is written at most this often, so reads stay reads."""


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput.one("name", NAME_NEEDED)
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE:
        raise InvalidInput.one("__all__", TOO_MANY.format(n=MAX_ACTIVE))
    raw, hashed = new_token(PREFIX)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[: len(PREFIX) + 6], token_hash=hashed
    )
    return token, raw


def api_token_revoke(*, token: ApiToken, now: datetime) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    return token


def api_token_user(raw: str, *, now: datetime | None = None) -> User | None:
    """The active user a token belongs to, or None for an unknown or revoked token."""
    found = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = now or timezone.now()
    if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(id=found.id).update(last_used_at=now)
    return found.user
