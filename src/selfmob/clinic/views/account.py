"""The account page: personal API tokens, made and revoked here, a coach's settings, one's
own data to download, and closing the account."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from selfmob.clinic.access import AuthedRequest, get_api_token_for_user
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.forms import ApiTokenForm, ConfirmForm, LimitForm, add_service_errors
from selfmob.clinic.models import Client, User
from selfmob.clinic.services.accounts import CLOSE_PHRASE, account_close, coach_limit_set
from selfmob.clinic.services.api_tokens import api_token_create, api_token_revoke
from selfmob.clinic.services.audit import Kind, What, audit_write


@never_cache  # the page shows a new token once: no cache may keep it
@login_required
@require_http_methods(["GET", "POST"])
def account(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            created = {"token": token, "raw": raw}
            form = ApiTokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": request.user.api_tokens.all(),
        "limit_form": LimitForm(initial={"limit_percentile": request.user.limit_percentile}),
    }
    return render(request, "clinic/account.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def account_limits(request: AuthedRequest) -> HttpResponse:
    """A coach's percentile for the limit of normal; empty brings back the default."""
    form = LimitForm(request.POST)
    if form.is_valid():
        try:
            percentile = form.cleaned_data["limit_percentile"]
            coach_limit_set(coach=request.user, percentile=percentile)
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            return redirect("account")
    context = {
        "form": ApiTokenForm(),
        "created": None,
        "tokens": request.user.api_tokens.all(),
        "limit_form": form,
    }
    return render(request, "clinic/account.html", context, status=400)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: str) -> HttpResponse:
    token = get_api_token_for_user(request.user, token_id)
    api_token_revoke(token=token, now=timezone.now())
    return redirect("account")


CLOSE_LABEL = f'Type your e-mail address or "{CLOSE_PHRASE}" to confirm'


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_close_page(request: AuthedRequest) -> HttpResponse:
    """Close one's own account: a typed confirmation, then everything is erased, the person
    is signed out and sees the goodbye page."""
    user = request.user
    record = Client.objects.filter(user=user).first()
    form = ConfirmForm(request.POST or None, label=CLOSE_LABEL)
    if request.method == "POST" and form.is_valid():
        try:
            _close(request, record, form.cleaned_data["confirm"])
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            logout(request)
            response = redirect("goodbye")
            response["Clear-Site-Data"] = '"cache", "storage"'
            return response
    has_clients = user.role == User.Role.COACH and user.clients.exists()
    context = {"form": form, "record": record, "has_clients": has_clients}
    return render(request, "clinic/account_close.html", context, status=400 if form.errors else 200)


def _close(request: AuthedRequest, record: Client | None, confirm: str) -> None:
    if record is None:  # a coach's own account is about no client record: nothing to audit
        account_close(user=request.user, confirm=confirm)
        return
    with audit_write(
        via=request, user=request.user, client=record, kind=Kind.DELETE, what=What.CLIENT
    ):
        account_close(user=request.user, confirm=confirm)
