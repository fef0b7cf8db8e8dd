"""The access log: who read, exported or changed a client's records, when and how.

A coach sees the entries about their clients, filtered by client, person, kind and days; a
client or a solo user sees who accessed their own record (the link is on the Account page).
Names are looked up as the page is made: the trail itself holds only ids (trail.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from selfmob.clinic.access import AuthedRequest
from selfmob.clinic.forms import AuditFilterForm
from selfmob.clinic.models import AuditEntry, User
from selfmob.clinic.trail import TrailFilter, people_of, trail_for
from selfmob.clinic.views.client import own_record
from selfmob.clinic.views.coach import coach_of

PER_PAGE = 100


@login_required
@require_GET
def coach_log(request: AuthedRequest) -> HttpResponse:
    coach = coach_of(request)
    form = _filters(request, coach)
    wanted = _wanted(form) if form.is_valid() else TrailFilter()
    context = {"form": form, "page": _page(request, trail_for(coach, wanted))}
    return render(request, "clinic/access_log.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def my_log(request: AuthedRequest) -> HttpResponse:
    client = own_record(request)
    context = {"client": client, "page": _page(request, trail_for(request.user))}
    return render(request, "clinic/my_access_log.html", context)


def _filters(request: HttpRequest, coach: User) -> AuditFilterForm:
    people = [(p.id, "You" if p == coach else p.name or p.email) for p in people_of(coach)]
    return AuditFilterForm(
        request.GET or None,
        clients=[(c.id, c.name) for c in coach.clients.order_by("name", "id")],
        people=people,
        kinds=list(AuditEntry.Kind.choices),
    )


def _wanted(form: AuditFilterForm) -> TrailFilter:
    data = form.cleaned_data
    return TrailFilter(
        client_ids=None if data["client"] is None else [data["client"]],
        user_ids=None if data["person"] is None else [data["person"]],
        kind=data["kind"] or None,
        since=data["since"],
        until=data["until"],
    )


def _page(request: HttpRequest, entries: QuerySet[AuditEntry]) -> Page[AuditEntry]:
    return Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
