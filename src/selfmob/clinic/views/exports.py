"""Downloads of a client's or a whole practice's data: the JSON document and the CSV table.

A client's files: the owner coach or the client themself (a solo user too); outsiders get
404. The practice's files: the signed-in coach only; anyone else gets 404, as for every coach
page. Web downloads never carry password hashes (only `selfmob export` can add them).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from selfmob.clinic.access import AuthedRequest, get_client_for_user
from selfmob.clinic.exports.document import client_document, document_json, practice_document
from selfmob.clinic.exports.tables import client_csv, practice_csv
from selfmob.clinic.models import Client
from selfmob.clinic.services.audit import What, audit_export
from selfmob.clinic.throttle import limited
from selfmob.clinic.views.coach import coach_of

JSON = "application/json"
CSV = "text/csv; charset=utf-8"


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body.encode(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _filename(stem: str, extension: str) -> str:
    return f"selfmob-{stem}-{timezone.localdate().isoformat()}.{extension}"


def _client_stem(client: Client) -> str:
    return slugify(client.name) or "client"


@never_cache
@login_required
@limited
@require_GET
def client_json(request: AuthedRequest, client_id: str) -> HttpResponse:
    client = get_client_for_user(request.user, client_id)
    body = document_json(client_document(client))
    audit_export(via=request, user=request.user, client=client, what=What.JSON)
    return _download(body, JSON, _filename(_client_stem(client), "json"))


@never_cache
@login_required
@limited
@require_GET
def client_table(request: AuthedRequest, client_id: str) -> HttpResponse:
    client = get_client_for_user(request.user, client_id)
    body = client_csv(client)
    audit_export(via=request, user=request.user, client=client, what=What.CSV)
    return _download(body, CSV, _filename(_client_stem(client), "csv"))


@never_cache
@login_required
@limited
@require_GET
def practice_json(request: AuthedRequest) -> HttpResponse:
    coach = coach_of(request)
    body = document_json(practice_document(coach))
    audit_export(via=request, user=coach, client=coach.clients.only("id"), what=What.JSON)
    return _download(body, JSON, _filename("practice", "json"))


@never_cache
@login_required
@limited
@require_GET
def practice_table(request: AuthedRequest) -> HttpResponse:
    coach = coach_of(request)
    body = practice_csv(coach)
    audit_export(via=request, user=coach, client=coach.clients.only("id"), what=What.CSV)
    return _download(body, CSV, _filename("practice", "csv"))
