from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from selfmob.clinic import selectors
from selfmob.clinic.access import AuthedRequest, get_client_for_coach, get_client_for_user
from selfmob.clinic.dashboard import coach_dashboard
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.forms import ClientEditForm, ClientForm, ConfirmForm, add_service_errors
from selfmob.clinic.models import User
from selfmob.clinic.services.accounts import client_create, invite_create, invite_email
from selfmob.clinic.services.audit import Identified, Kind, What, audit_read, audit_write
from selfmob.clinic.services.clients import (
    client_archive,
    client_delete,
    client_restore,
    client_update,
    clients_archived,
)

ARCHIVED = "{name} is archived: off your client list, every record kept. Restore them below."
RESTORED = "{name} is back on your client list."
DELETED = "{name}'s records and account are deleted."


def coach_of(request: HttpRequest) -> User:
    """The signed-in coach; anyone else gets 404 (coach pages do not exist for them)."""
    user = request.user
    if not isinstance(user, User) or user.role != User.Role.COACH:
        raise Http404("not found")
    return user


@login_required
@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    coach = coach_of(request)
    rows = coach_dashboard(coach, timezone.localdate())
    archived = list(clients_archived(coach=coach))
    shown: list[Identified] = [*(r.client for r in rows), *archived]
    audit_read(via=request, user=coach, client=shown, what=What.CLIENT_LIST)
    return render(request, "clinic/dashboard.html", {"rows": rows, "archived": archived})


@login_required
@require_http_methods(["GET", "POST"])
def client_new(request: AuthedRequest) -> HttpResponse:
    coach = coach_of(request)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with audit_write(
                via=request, user=coach, client=None, kind=Kind.CHANGE, what=What.CLIENT
            ) as entry:
                client = client_create(coach=coach, **data)
                entry.client_id = client.id
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            return redirect("client", client_id=client.id)
    status = 400 if form.errors else 200
    return render(request, "clinic/client_new.html", {"form": form}, status=status)


@login_required
@require_GET
def client_detail(request: AuthedRequest, client_id: str) -> HttpResponse:
    coach = coach_of(request)
    client = get_client_for_user(coach, client_id)
    audit_read(via=request, user=coach, client=client, what=What.CLIENT)
    gate = selectors.screening_gate(client)
    context = {
        "client": client,
        "screening": gate.in_force,
        "blocked": gate.block,
        "due": selectors.due_items(client, timezone.localdate()),
        "items": selectors.active_items(client),
    }
    return render(request, "clinic/client.html", context)


@login_required
@require_POST
def client_invite(request: AuthedRequest, client_id: str) -> HttpResponse:
    coach = coach_of(request)
    client = get_client_for_user(coach, client_id)
    try:
        with audit_write(
            via=request, user=coach, client=client, kind=Kind.INVITE, what=What.INVITE
        ) as entry:
            invite, token = invite_create(client=client)
            entry.record_id = invite.id
    except InvalidInput as exc:
        context = {"client": client, "error": exc.fields["__all__"]}
        return render(request, "clinic/invite_link.html", context, status=400)
    link = request.build_absolute_uri(reverse("invite", args=[token]))
    emailed = invite_email(client=client, link=link, expires_at=invite.expires_at)
    context = {"client": client, "link": link, "invite": invite, "emailed": emailed}
    return render(request, "clinic/invite_link.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: AuthedRequest, client_id: str) -> HttpResponse:
    client = get_client_for_coach(request.user, client_id)
    initial = {f: getattr(client, f) for f in ("name", "email", "birth_year", "sex")}
    locked = client.user_id is not None
    form = ClientEditForm(request.POST or None, initial=initial, email_locked=locked)
    if request.method == "POST" and form.is_valid():
        try:
            with audit_write(
                via=request, user=request.user, client=client, kind=Kind.CHANGE, what=What.CLIENT
            ):
                client_update(client=client, **form.cleaned_data)
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The client's details are saved.")
            return redirect("client", client_id=client.id)
    status = 400 if form.errors else 200
    context = {"client": client, "form": form}
    return render(request, "clinic/client_edit.html", context, status=status)


@login_required
@require_POST
def client_archive_page(request: AuthedRequest, client_id: str) -> HttpResponse:
    client = get_client_for_coach(request.user, client_id)
    with audit_write(
        via=request, user=request.user, client=client, kind=Kind.CHANGE, what=What.CLIENT
    ):
        client_archive(client=client)
    messages.success(request, ARCHIVED.format(name=client.name))
    return redirect("dashboard")


@login_required
@require_POST
def client_restore_page(request: AuthedRequest, client_id: str) -> HttpResponse:
    client = get_client_for_coach(request.user, client_id)
    with audit_write(
        via=request, user=request.user, client=client, kind=Kind.CHANGE, what=What.CLIENT
    ):
        client_restore(client=client)
    messages.success(request, RESTORED.format(name=client.name))
    return redirect("client", client_id=client.id)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def client_delete_page(request: AuthedRequest, client_id: str) -> HttpResponse:
    """Asks for the client's name typed out; offers their JSON document first."""
    client = get_client_for_coach(request.user, client_id)
    form = ConfirmForm(request.POST or None, label=f"Type {client.name} to confirm")
    if request.method == "POST" and form.is_valid():
        try:
            with audit_write(
                via=request, user=request.user, client=client, kind=Kind.DELETE, what=What.CLIENT
            ):
                client_delete(client=client, confirm=form.cleaned_data["confirm"])
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, DELETED.format(name=client.name))
            return redirect("dashboard")
    status = 400 if form.errors else 200
    context = {"client": client, "form": form}
    return render(request, "clinic/client_delete.html", context, status=status)
