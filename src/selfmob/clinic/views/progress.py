from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from selfmob.clinic.access import AuthedRequest, get_client_for_user
from selfmob.clinic.charts import progress_svg
from selfmob.clinic.progress import client_progress


@login_required
@require_GET
def progress(request: AuthedRequest, client_id: str) -> HttpResponse:
    client = get_client_for_user(request.user, client_id)
    summary = client_progress(client, timezone.localdate())
    charts = [
        # The SVG is built from numbers and escaped text only (charts.py).
        mark_safe(
            progress_svg(
                s.points,
                title=f"{s.test.name}, {s.side or 'both'}",
                unit=s.test.unit,
                baseline=s.baseline,
                mdc=s.mdc,
                threshold=s.threshold,
            )
        )
        for s in summary.series
    ]
    context = {
        "client": client,
        "summary": summary,
        "series": zip(summary.series, charts, strict=True),
    }
    return render(request, "clinic/progress.html", context)
