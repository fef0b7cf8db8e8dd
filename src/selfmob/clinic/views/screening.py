from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from selfmob.clinic import errors, selectors
from selfmob.clinic.access import (
    AuthedRequest,
    get_client_for_clearance,
    get_client_for_user,
    writes_for,
)
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.forms import ClearanceForm, ScreeningForm, add_service_errors
from selfmob.clinic.services.audit import Kind, What, audit_read, audit_write
from selfmob.clinic.services.screening import clearance_record, screening_record
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions


@login_required
@require_http_methods(["GET", "POST"])
def screening(request: AuthedRequest, client_id: str) -> HttpResponse:
    user = request.user
    client = get_client_for_user(user, client_id)
    neck = request.GET.get("neck") == "1" or request.POST.get("neck") == "1"
    asked = questions(load_catalogue(), neck=neck)
    form = ScreeningForm(request.POST or None, questions=asked)
    if request.method == "POST" and form.is_valid():
        try:
            with audit_write(
                via=request, user=user, client=client, kind=Kind.CHANGE, what=What.SCREENING
            ) as entry:
                made = screening_record(
                    client=client, answers=form.answers(), neck=neck, recorded_by=user
                )
                entry.record_id = made.id
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            return redirect("screening_result", client_id=client.id)
    context = {"client": client, "form": form, "neck": neck}
    return render(request, "clinic/screening.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET"])
def screening_result(request: AuthedRequest, client_id: str) -> HttpResponse:
    user = request.user
    client = get_client_for_user(user, client_id)
    gate = selectors.screening_gate(client)
    latest = gate.in_force
    if latest is None:
        raise Http404("not found")
    audit_read(via=request, user=user, client=client, what=What.SCREENING)
    context = {
        "client": client,
        "screening": latest,
        "result": selectors.screening_summary(latest),
        "clearance_form": ClearanceForm() if writes_for(user, client) else None,
    }
    return render(request, "clinic/screening_result.html", context)


@login_required
@require_POST
def clearance(request: AuthedRequest, client_id: str) -> HttpResponse:
    user = request.user
    client = get_client_for_clearance(user, client_id)
    gate = selectors.screening_gate(client)
    latest, pending = gate.in_force, gate.pending_refer
    form = ClearanceForm(request.POST)
    if pending is not None and form.is_valid():
        try:
            with audit_write(
                via=request, user=user, client=client, kind=Kind.CLEAR, what=What.CLEARANCE
            ) as entry:
                note = form.cleaned_data["note"]
                entry.record_id = clearance_record(screening=pending, cleared_by=user, note=note).id
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            if client.coach_id is None:
                return redirect("today")
            return redirect("client", client_id=client.id)
    elif pending is None:
        form.add_error(None, errors.NOTHING_TO_CLEAR)
    context = {
        "client": client,
        "screening": latest,
        "result": selectors.screening_summary(latest) if latest else None,
        "clearance_form": form,
    }
    return render(request, "clinic/screening_result.html", context, status=400)
