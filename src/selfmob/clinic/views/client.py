from __future__ import annotations

import uuid
from contextlib import AbstractContextManager

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from selfmob.clinic import selectors
from selfmob.clinic.access import (
    AuthedRequest,
    check_only_the_client,
    get_plan_item_for_user,
    get_session_for_user,
)
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.forms import NextDayPainForm, SessionForm, add_service_errors
from selfmob.clinic.models import AuditEntry, Client, User
from selfmob.clinic.services.audit import Kind, What, audit_read, audit_write
from selfmob.clinic.services.sessions import next_day_pain_record, session_log
from selfmob.knowledge.catalogue import load_catalogue


def own_record(request: HttpRequest) -> Client:
    """The signed-in client's own record (a client or a solo user); others get 404."""
    user = request.user
    if not isinstance(user, User):
        raise Http404("not found")
    record = Client.objects.filter(user=user).first()
    if record is None:
        raise Http404("not found")
    return record


@login_required
@require_GET
def today(request: AuthedRequest) -> HttpResponse:
    client = own_record(request)
    audit_read(via=request, user=request.user, client=client, what=What.TODAY)
    day = timezone.localdate()
    gate = selectors.screening_gate(client)
    blocked = gate.block
    cards = (
        []
        if blocked
        else [
            (
                due,
                SessionForm(
                    prefix=due.item.id.hex,
                    initial={"key": SessionForm.new_key(), "performed_on": day},
                ),
            )
            for due in selectors.due_items(client, day)
        ]
    )
    context = {
        "client": client,
        "blocked": blocked,
        "start": selectors.start_of(client, gate),
        "items": selectors.live_items(client) if client.coach_id is None else [],
        "cards": cards,
        "day": day,
        "ceiling": load_catalogue().policy.pain.ceiling,
        "awaiting": selectors.awaiting_next_day_pain(client, day),
        "pain_form": NextDayPainForm(),
    }
    return render(request, "clinic/today.html", context)


@login_required
@require_POST
def next_day_pain(request: AuthedRequest, session_id: str) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    check_only_the_client(request.user, session.client)
    form = NextDayPainForm(request.POST)
    if form.is_valid():
        try:
            with _audited(request, session.client, session.id):
                _, guidance = next_day_pain_record(
                    session=session, pain=form.cleaned_data["pain"], today=timezone.localdate()
                )
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            if guidance:
                messages.warning(request, guidance)
            else:
                messages.success(request, "Thanks: next-day pain recorded.")
            return redirect("today")
    context = {"session": session, "form": form}
    return render(request, "clinic/next_day_error.html", context, status=400)


@login_required
@require_POST
def log_session(request: AuthedRequest, item_id: str) -> HttpResponse:
    item = get_plan_item_for_user(request.user, item_id)
    check_only_the_client(request.user, item.plan.client)
    form = SessionForm(request.POST, prefix=item.id.hex)  # one prefix per card: unique ids
    logged = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            with _audited(request, item.plan.client) as entry:
                logged = session_log(
                    plan_item=item,
                    idempotency_key=data["key"],
                    performed_on=data["performed_on"],
                    pre=data["pre"],
                    post=data["post"],
                    pain_rest=data["pain_rest"],
                    pain_during=data["pain_during"],
                    instrument=data["instrument"],
                    measured_by=data["measured_by"],
                    readings=data["readings"],
                    today=timezone.localdate(),
                )
                entry.record_id = logged.session.id
        except InvalidInput as exc:
            add_service_errors(form, exc)
    if logged is None:
        context = {
            "item": item,
            "form": form,
            "technique": load_catalogue().technique(item.technique_id),
        }
        return render(request, "clinic/log_error.html", context, status=400)
    # Post/redirect/get: a reload shows the result instead of posting again.
    return redirect("session", session_id=logged.session.id, permanent=False)


@login_required
@require_GET
def session_detail(request: AuthedRequest, session_id: str) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    audit_read(via=request, user=request.user, client=session.client, what=What.SESSION)
    catalogue = load_catalogue()
    context = {
        "session": session,
        "pain": selectors.session_pain(session),
        "test": catalogue.test(session.test_id),
        "error": selectors.session_mdc(session),
    }
    return render(request, "clinic/logged.html", context)


def _audited(
    request: AuthedRequest, client: Client, session_id: uuid.UUID | None = None
) -> AbstractContextManager[AuditEntry]:
    """A change to one of the client's sessions, recorded in its transaction."""
    return audit_write(
        via=request,
        user=request.user,
        client=client,
        kind=Kind.CHANGE,
        what=What.SESSION,
        record_id=session_id,
    )
