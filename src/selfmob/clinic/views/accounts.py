from __future__ import annotations

from typing import Any

from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LoginView, LogoutView, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.forms import PasswordForm, SignupForm, add_service_errors
from selfmob.clinic.models import User
from selfmob.clinic.services.accounts import coach_signup, invite_accept, solo_signup
from selfmob.clinic.throttle import (
    TOO_MANY_LOGINS,
    client_address,
    login_succeeded,
    login_wait,
    login_wait_words,
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
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invite_accept(token=token, password=form.cleaned_data["password"])
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            login(request, user)
            return redirect("today")
    status = 400 if form.errors else 200
    return render(request, "clinic/invite.html", {"form": form}, status=status)


class Login(LoginView):
    """Log in. Failed passwords are counted by the authentication backend
    (selfmob.clinic.auth_backend); past the limit this page answers 429 whatever the password,
    until the window ends."""

    template_name = "clinic/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = login_wait(email=self._email(), address=client_address(request))
        if wait:
            return self._too_many(wait)
        return super().post(request, *args, **kwargs)

    def _email(self) -> str:
        return str(self.request.POST.get("username", ""))

    def _too_many(self, wait: int) -> HttpResponse:
        form = self.get_form()
        form.errors.clear()
        form.add_error(None, TOO_MANY_LOGINS.format(wait=login_wait_words(wait)))
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(wait)
        return response


class ResetPassword(PasswordResetConfirmView):
    """A new password from an e-mailed link; the account's failed log-ins stop counting."""

    template_name = "clinic/password_reset_confirm.html"

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        response = super().form_valid(form)
        login_succeeded(email=form.user.email)
        return response


class Logout(LogoutView):
    """Log out, and have the browser drop what it kept for this person: the pages and the
    queue of unsent sessions the offline mode keeps (the page warns first if any wait)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
