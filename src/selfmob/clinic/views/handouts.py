"""The plan and the progress report as PDF, for the owner coach and the client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from selfmob.clinic.access import AuthedRequest, get_client_for_user
from selfmob.clinic.exports.pdf import checked_page_size, plan_handout, progress_report
from selfmob.clinic.models import Client
from selfmob.clinic.services.audit import audit_export, export_what
from selfmob.clinic.throttle import limited

Render = Callable[[Client, str, date], bytes]


@login_required
@limited
@never_cache  # health records: no shared or stored copies
@require_GET
def handout_pdf(request: AuthedRequest, client_id: str) -> HttpResponse:
    plan_url = request.build_absolute_uri(reverse("today"))

    def render(client: Client, size: str, today: date) -> bytes:
        return plan_handout(client, page_size=size, plan_url=plan_url, today=today)

    return _pdf(request, client_id, "plan", render)


@login_required
@limited
@never_cache
@require_GET
def report_pdf(request: AuthedRequest, client_id: str) -> HttpResponse:
    def render(client: Client, size: str, today: date) -> bytes:
        return progress_report(client, page_size=size, today=today)

    return _pdf(request, client_id, "progress", render)


def _pdf(request: AuthedRequest, client_id: str, kind: str, render: Render) -> HttpResponse:
    client = get_client_for_user(request.user, client_id)
    try:
        size = checked_page_size(request.GET.get("page", "a4"))
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    today = timezone.localdate()
    body = render(client, size, today)
    audit_export(via=request, user=request.user, client=client, what=export_what("pdf", kind))
    response = HttpResponse(body, content_type="application/pdf")
    name = f"selfmob-{kind}-{slugify(client.name) or 'client'}-{today.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
