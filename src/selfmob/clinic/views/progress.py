from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from selfmob.clinic.access import AuthedRequest, get_client_for_user
from selfmob.clinic.progress import client_progress, series_chart
from selfmob.clinic.services.audit import What, audit_read
from selfmob.knowledge.catalogue import load_catalogue


@login_required
@require_GET
def progress(request: AuthedRequest, client_id: str) -> HttpResponse:
    client = get_client_for_user(request.user, client_id)
    audit_read(via=request, user=request.user, client=client, what=What.PROGRESS)
    summary = client_progress(client, timezone.localdate())
    charts = [mark_safe(series_chart(s)) for s in summary.series]  # numbers and escaped text
    context = {
        "client": client,
        "summary": summary,
        "series": zip(summary.series, charts, strict=True),
        "pain_policy": load_catalogue().policy.pain,
    }
    return render(request, "clinic/progress.html", context)
