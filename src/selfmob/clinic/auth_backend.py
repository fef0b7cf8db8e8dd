"""Passwords are checked in one place, whatever page asks (the log-in page, the admin's
log-in): failed attempts are counted per account and per address in the shared store, and
past either limit no password is checked at all until the window ends."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from selfmob.clinic.models import User
from selfmob.clinic.throttle import client_address, login_failed, login_succeeded, login_wait


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
        address = client_address(request)
        if login_wait(email=email, address=address):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failed(email=email, address=address)
        else:
            login_succeeded(email=email)
        return user
