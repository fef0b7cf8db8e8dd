from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from selfmob.clinic import selectors
from selfmob.clinic.access import (
    AuthedRequest,
    get_assessment_for_user,
    get_client_for_user,
    writes_for,
)
from selfmob.clinic.diagram import body_svg
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.forms import AssessmentForm, MeasurementRows, add_service_errors
from selfmob.clinic.services.assessments import assessment_record
from selfmob.clinic.services.audit import Kind, What, audit_read, audit_write
from selfmob.knowledge.catalogue import load_catalogue

NO_ROWS = "Enter at least one test with a value."


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthedRequest, client_id: str) -> HttpResponse:
    user = request.user
    client = get_client_for_user(user, client_id)
    today = timezone.localdate()
    data = request.POST or None
    form = AssessmentForm(data, initial={"measured_on": today, "measured_by": user.name})
    own = client.user_id == user.id  # a solo user measuring themself
    rows = MeasurementRows(data, prefix="rows", form_kwargs={"self_only": own})
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        inputs = [m for row in rows for m in row.inputs()]
        try:
            with audit_write(
                via=request, user=user, client=client, kind=Kind.CHANGE, what=What.ASSESSMENT
            ) as entry:
                assessment = assessment_record(
                    client=client,
                    recorded_by=user,
                    measurements=inputs,
                    today=today,
                    **form.cleaned_data,
                )
                entry.record_id = assessment.id
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            return redirect("assessment", assessment_id=assessment.id)
    bad = request.method == "POST"
    tests = [t for t in load_catalogue().tests.values() if t.self_testable or not own]
    instruments = {t.id: t.instruments for t in tests}
    context = {"client": client, "form": form, "rows": rows, "own": own, "tests": tests,
               "instruments": instruments}  # fmt: skip
    return render(request, "clinic/assessment_new.html", context, status=400 if bad else 200)


@login_required
@require_GET
def assessment_detail(request: AuthedRequest, assessment_id: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, assessment_id)
    audit_read(via=request, user=request.user, client=assessment.client, what=What.ASSESSMENT)
    results = selectors.restriction_map(assessment, timezone.localdate())
    client = assessment.client
    context = {
        "assessment": assessment,
        "client": client,
        "tests": selectors.map_tests(results),
        "suggested": any(r.suggestions for r in results),
        "plans": writes_for(request.user, client),
        "blocked": selectors.screening_gate(client).block,
        # The SVG is built from escaped parts only (diagram.py).
        "diagram": mark_safe(body_svg(selectors.body_marks(results))),
    }
    return render(request, "clinic/assessment.html", context)
