"""A client's record as a FHIR R4 Bundle (docs/fhir.md), for the owner coach or the client
themself (a solo user too); outsiders get 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from selfmob.clinic.access import AuthedRequest, get_client_for_user
from selfmob.clinic.exports.fhir import client_bundle_json
from selfmob.clinic.services.audit import What, audit_export
from selfmob.clinic.throttle import limited

FHIR_JSON = "application/fhir+json; charset=utf-8"


@never_cache  # health records: no shared or stored copies
@login_required
@limited
@require_GET
def client_fhir(request: AuthedRequest, client_id: str) -> HttpResponse:
    client = get_client_for_user(request.user, client_id)
    base_url = request.build_absolute_uri("/").rstrip("/")
    body = client_bundle_json(client, base_url=base_url)
    audit_export(via=request, user=request.user, client=client, what=What.FHIR)
    response = HttpResponse(body, content_type=FHIR_JSON)
    stem = slugify(client.name) or "client"
    filename = f"selfmob-{stem}-{timezone.localdate().isoformat()}.fhir.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
