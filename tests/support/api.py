"""API callers: each persona with a personal token, and anonymous."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from selfmob.clinic.models import User
from selfmob.clinic.services.api_tokens import api_token_create
from tests.support.personas import Personas


class Api:
    """A JSON caller; `user=None` is anonymous."""

    def __init__(self, user: User | None) -> None:
        self.http = HttpClient()
        if user is not None:
            _, raw = api_token_create(user=user, name="tests")
            self.http.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def call(self, method: str, path: str, body: Any = None) -> Any:
        send = getattr(self.http, method.lower())
        if body is None:
            return send(f"/api/v1{path}")
        return send(f"/api/v1{path}", body, content_type="application/json")

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any) -> Any:
        return self.call("POST", path, body)


ROLES = ["coach", "other_coach", "client_user", "other_client_user", "solo", "anonymous"]


def as_role(people: Personas, role: str) -> Api:
    return Api(None if role == "anonymous" else getattr(people, role))
