"""Passwords are checked in one place, whatever page asks (the log-in page, the admin's
log-in): tries are counted per account and per address in the shared store, and past
either limit no password is checked at all until the window ends (login_guard.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from selfmob.clinic.login_guard import login_attempt, login_succeeded, login_try
from selfmob.clinic.models import User


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = username or kwargs.get(User.USERNAME_FIELD)
        if request is None or not email or password is None:
            # Not a sign-in over the network (code checking a password it holds): no count.
            return super().authenticate(request, username=username, password=password, **kwargs)
        attempt = login_attempt(request, email)
        if not login_try(attempt):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            login_succeeded(attempt)
        return user
