"""One error shape for every failure: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from selfmob.clinic.errors import InvalidInput

PREFIX = "/api/"
CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "server_error",
}
SERVER_ERROR = "the server failed to answer this request; the failure is logged"


def error_response(
    status: int, message: str, fields: dict[str, str] | None = None, *, code: str | None = None
) -> JsonResponse:
    body = {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }
    return JsonResponse(body, status=status)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """ninja's location ("body", "data", "items", 0, "pre") as items[0].pre."""
    parts = [p for p in loc if p not in ("body", "query", "path", "data", "payload")]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "__all__"


def _validation_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "finite_number":
        return "not a finite number"
    if kind == "missing":
        return "this field is required"
    if kind == "value_error":  # our own validators' messages, without pydantic's prefix
        return str(error.get("ctx", {}).get("error", error.get("msg", "invalid value")))
    return str(error.get("msg", "invalid value"))


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = {_field_path(e.get("loc", ())): _validation_message(e) for e in exc.errors}
        first = next(iter(fields.items()))
        return error_response(400, f"{first[0]}: {first[1]}", fields)

    @api.exception_handler(InvalidInput)
    def invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return error_response(400, str(exc), exc.fields)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            401, "sign in, or send a personal API token as 'Authorization: Bearer <token>'"
        )
        response["WWW-Authenticate"] = 'Bearer realm="selfmob"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and "parse" in str(exc):
            return error_response(400, "the body is not valid JSON", code="malformed")
        return error_response(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "not found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(403, str(exc) or "not allowed")

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        """To Django, in DEBUG too (where ninja would answer a plain-text traceback): it logs
        the failure and answers 500, which ApiErrorsMiddleware puts into the error shape."""
        raise exc


class ApiErrorsMiddleware:
    """Under /api/: refuse oversized bodies with 413 before anything reads them, give the
    responses Django makes itself (405, unknown paths, the 500 of an unhandled exception, in
    DEBUG or not) the API's error shape, and mark every answer as not to be stored by
    caches."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            response: HttpResponse = self.get_response(request)
            return response
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        if length.isdigit() and limit and int(length) > limit:
            return error_response(413, f"the body is larger than {limit} bytes")
        try:
            response = self.get_response(request)
        except RequestDataTooBig:
            return error_response(413, f"the body is larger than {limit} bytes")
        if response.status_code == 405 and not _is_json(response):
            allowed = response.get("Allow", "")
            shaped = error_response(405, f"method {request.method} not allowed; use {allowed}")
            shaped["Allow"] = allowed
            return shaped
        if response.status_code == 404 and not _is_json(response):
            response = error_response(404, "not found")
        if response.status_code >= 500 and not _is_json(response):
            response = error_response(response.status_code, SERVER_ERROR, code="server_error")
        if not response.has_header("Cache-Control"):  # health records: kept by nobody
            patch_cache_control(response, private=True, no_store=True)
        return response


def _is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


def strict_json(body: bytes) -> Any:
    """json.loads without NaN/Infinity, which Python accepts and JSON does not."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(body, parse_constant=refuse)
