"""Production fails closed: outside the local profile, a real secret and explicit hosts are
required."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from selfmob.settings import DEV_SECRET_KEY

WEAK_SECRET = (
    "SELFMOB_SECRET_KEY must be set to a long random value in production (SELFMOB_LOCAL=0)."
)
NO_HOSTS = "SELFMOB_ALLOWED_HOSTS must list this site's host names in production (SELFMOB_LOCAL=0)."
WILDCARD_HOST = "SELFMOB_ALLOWED_HOSTS must not contain '*' in production (SELFMOB_LOCAL=0)."


@register("security", deploy=False)
def production_fails_closed(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.LOCAL:
        return []
    errors: list[CheckMessage] = []
    if settings.SECRET_KEY == DEV_SECRET_KEY or len(settings.SECRET_KEY) < 50:
        errors.append(Error(WEAK_SECRET, id="selfmob.E001"))
    if not settings.ALLOWED_HOSTS:
        errors.append(Error(NO_HOSTS, id="selfmob.E002"))
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(Error(WILDCARD_HOST, id="selfmob.E003"))
    return errors
