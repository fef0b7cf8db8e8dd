"""The API object: authentication, the strict JSON parser, error handlers and routes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.parser import Parser

from selfmob.clinic.api import errors
from selfmob.clinic.api.auth import CookieAuth, TokenAuth
from selfmob.clinic.api.routes import audit, catalogue, clients, plans, reports


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        content_type = request.content_type or ""
        if content_type not in ("application/json", ""):
            raise ValueError(f"send JSON (Content-Type: application/json), not {content_type}")
        return errors.strict_json(request.body)


DESCRIPTION = """The selfmob API: the same records and rules as the web app.

Sign in with a personal API token (account page) as `Authorization: Bearer <token>`;
the app's own pages use the session cookie with a CSRF token. Every error, a server fault (500,
`server_error`) included, has the shape `{"error": {"code": …, "message": …, "fields": {…}}}`.
Lists take `limit` and `offset`, each within the bounds its parameter states, and answer
`{"items": […], "count": N}`. Names refuse control characters and line breaks."""

api = NinjaAPI(
    title="selfmob API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), CookieAuth()],
    parser=StrictParser(),
)
errors.install(api)
api.add_router("/catalogue", catalogue.router)
api.add_router("/", clients.router)
api.add_router("/", plans.router)
api.add_router("/", reports.router)
api.add_router("/", audit.router)
