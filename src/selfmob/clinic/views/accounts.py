from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.forms import InviteForm, SignupForm, add_service_errors
from selfmob.clinic.login_guard import (
    TOO_MANY_LOGINS,
    login_attempt,
    login_succeeded,
    login_wait,
    login_wait_words,
    remember_device,
    reset_email_allowed,
)
from selfmob.clinic.models import User
from selfmob.clinic.services.accounts import (
    CONSENT_VERSION,
    InviteStatus,
    coach_signup,
    invite_accept,
    invite_status,
    solo_signup,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    assert isinstance(user, User)
    return redirect("dashboard" if user.role == User.Role.COACH else "today")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest, role: str) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        create = coach_signup if role == "coach" else solo_signup
        try:
            user = create(**form.cleaned_data)
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            login(request, user)
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "clinic/signup.html", {"form": form, "role": role}, status=status)


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, token: str) -> HttpResponse:
    """The password form while the link is open; once used or expired, a page that says so
    (410), and for a link that never existed, 404: never the form."""
    status = invite_status(token=token)
    if status != InviteStatus.OPEN:
        return _invite_closed(request, status)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invite_accept(token=token, password=data["password"], consent=data["consent"])
        except InvalidInput as exc:
            if "token" in exc.fields:  # used a moment ago, by another request
                return _invite_closed(request, invite_status(token=token))
            add_service_errors(form, exc)
        else:
            login(request, user)
            return redirect("today")
    status_code = 400 if form.errors else 200
    return render(request, "clinic/invite.html", {"form": form}, status=status_code)


def _invite_closed(request: HttpRequest, status: InviteStatus) -> HttpResponse:
    code = 404 if status == InviteStatus.UNKNOWN else 410
    return render(request, "clinic/invite_closed.html", {"status": status}, status=code)


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "clinic/privacy.html", {"version": CONSENT_VERSION})


@require_GET
def goodbye(request: HttpRequest) -> HttpResponse:
    """Where a closed account lands, signed out."""
    return render(request, "clinic/goodbye.html")


class Login(LoginView):
    """Log in. Tries are counted by the authentication backend (login_guard.py); past a limit
    this page answers 429 without checking the password, until the window ends. A browser
    that logs in is remembered, so its owner is counted apart from anyone failing on purpose."""

    template_name = "clinic/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = login_wait(login_attempt(request, self._email()))
        if wait:
            return self._too_many(wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        remember_device(response, self._email())
        return response

    def _email(self) -> str:
        return str(self.request.POST.get("username", ""))

    def _too_many(self, wait: int) -> HttpResponse:
        # An unbound form: a bound one would check the password again to show its errors.
        form = self.get_form_class()(self.request, initial={"username": self._email()})
        context = self.get_context_data(
            form=form, refused=TOO_MANY_LOGINS.format(wait=login_wait_words(wait))
        )
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(wait)
        return response


class ResetPassword(PasswordResetConfirmView):
    """A new password from an e-mailed link logs its owner in at once, and the account's
    failed log-ins stop counting: a reset always gets the owner in."""

    template_name = "clinic/password_reset_confirm.html"
    post_reset_login = True
    success_url = reverse_lazy("home")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        response = super().form_valid(form)
        login_succeeded(login_attempt(self.request, form.user.email))
        remember_device(response, form.user.email)
        messages.success(self.request, "Your new password is saved.")
        return response


class RequestReset(PasswordResetView):
    """E-mail a reset link; at most a few an hour per account and per address, so nobody can
    flood an inbox. Past the limit the page reads the same and nothing is sent."""

    template_name = "clinic/password_reset.html"
    email_template_name = "clinic/password_reset_email.txt"
    subject_template_name = "clinic/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if reset_email_allowed(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


class Logout(LogoutView):
    """Log out, and have the browser drop what it kept for this person: the pages and the
    queue of unsent sessions the offline mode keeps (the page warns first if any wait)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
