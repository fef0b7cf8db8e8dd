from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from selfmob.clinic import selectors
from selfmob.clinic.access import AuthedRequest, get_client_for_planning, get_plan_item_for_planning
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.forms import (
    DOSE_FIELDS,
    PlanForm,
    PlanItemEditForm,
    PlanItems,
    add_service_errors,
)
from selfmob.clinic.models import AuditEntry, Client, PlanItem, User
from selfmob.clinic.services.audit import Kind, What, audit_read, audit_write
from selfmob.clinic.services.plans import plan_create, plan_item_remove, plan_item_update
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.suggest import Suggestion

NONE_CHOSEN = "Tick at least one technique."


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: AuthedRequest, client_id: str) -> HttpResponse:
    user = request.user
    client = get_client_for_planning(user, client_id)
    audit_read(via=request, user=user, client=client, what=What.PLAN)  # the suggestions
    today = timezone.localdate()
    data = request.POST or None
    form = PlanForm(data, initial={"starts_on": today})
    suggested = _suggested(client, today)
    items = PlanItems(data, prefix="items", initial=[row for row, _ in suggested])
    if request.method == "POST" and form.is_valid() and items.is_valid():
        chosen = [i for i in (row.item() for row in items) if i is not None]
        try:
            with audit_write(
                via=request, user=user, client=client, kind=Kind.CHANGE, what=What.PLAN
            ) as entry:
                plan = plan_create(
                    client=client, created_by=user, items=chosen, **form.cleaned_data
                )
                entry.record_id = plan.id
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            if user.role == User.Role.COACH:
                return redirect("client", client_id=client.id)
            return redirect("today")
    blocked = selectors.screening_gate(client).block
    catalogue = load_catalogue()
    ceiling = catalogue.policy.pain.ceiling
    why = [s for _, s in suggested] + [None] * (len(items.forms) - len(suggested))
    cards = [
        (row, catalogue.techniques.get(str(row["technique"].value())), s)
        for row, s in zip(items.forms, why, strict=True)
    ]
    context = {
        "client": client,
        "form": form,
        "items": items,
        "cards": cards,
        "blocked": blocked,
        "ceiling": ceiling,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "clinic/plan_new.html", context, status=status)


def _suggested(client: Client, today: date) -> list[tuple[dict[str, object], Suggestion]]:
    """One row per suggestion of the latest assessment, best first, the best fit for each
    restricted side ticked, with the default schedule; each with its suggestion."""
    latest = client.assessments.first()
    if latest is None:
        return []
    rows = []
    for result in selectors.restriction_map(latest, today):
        for s in result.suggestions:
            row = {
                "include": s.rank == 1,
                "technique": s.technique,
                "side": s.side or "",
                "retest": result.test.id,
                "every_days": 1,
                "pain_limit": s.pain_rule.limit,
            }
            rows.append((row, s))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthedRequest, item_id: str) -> HttpResponse:
    item = get_plan_item_for_planning(request.user, item_id)
    audit_read(via=request, user=request.user, client=item.plan.client, what=What.PLAN_ITEM)
    initial = {
        "every_days": item.every_days,
        "weekdays": item.weekdays,
        "pain_limit": item.pain_limit,
    } | {name: item.dose.get(name) for name in DOSE_FIELDS}
    form = PlanItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in DOSE_FIELDS}
        try:
            with _audited(request, item, Kind.CHANGE):
                plan_item_update(item=item, dose=form.dose(), **data)
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Plan updated; logged sessions keep their own record.")
            return _back(item)
    technique = load_catalogue().technique(item.technique_id)
    context = {"item": item, "form": form, "technique": technique}
    return render(request, "clinic/item_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def item_remove(request: AuthedRequest, item_id: str) -> HttpResponse:
    item = get_plan_item_for_planning(request.user, item_id)
    with _audited(request, item, Kind.DELETE):
        plan_item_remove(item=item, now=timezone.now())
    messages.success(request, "Removed from the plan; its logged sessions stay in the history.")
    return _back(item)


def _back(item: PlanItem) -> HttpResponse:
    """A coach goes back to the client's page; a solo user to Today."""
    if item.plan.client.coach_id is None:
        return redirect("today")
    return redirect("client", client_id=item.plan.client_id)


def _audited(
    request: AuthedRequest, item: PlanItem, kind: str
) -> AbstractContextManager[AuditEntry]:
    """A change to a plan item, recorded in its transaction."""
    return audit_write(
        via=request,
        user=request.user,
        client=item.plan.client,
        kind=kind,
        what=What.PLAN_ITEM,
        record_id=item.id,
    )
