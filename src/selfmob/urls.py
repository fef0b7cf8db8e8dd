from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from selfmob.clinic.api.main import api
from selfmob.clinic.views import (
    account,
    accounts,
    assessments,
    audit,
    calendar,
    client,
    coach,
    exports,
    fhir,
    handouts,
    measure,
    plans,
    progress,
    pwa,
    screening,
)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [
    path("", accounts.home, name="home"),
    path("login", accounts.Login.as_view(), name="login"),
    path("logout", accounts.Logout.as_view(), name="logout"),
    path("signup", accounts.signup, {"role": "coach"}, name="signup"),
    path("signup/solo", accounts.signup, {"role": "solo"}, name="signup_solo"),
    path("invite/<str:token>", accounts.invite, name="invite"),
    path("privacy", accounts.privacy, name="privacy"),
    path("goodbye", accounts.goodbye, name="goodbye"),
    path(
        "password-reset",
        accounts.RequestReset.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent",
        auth_views.PasswordResetDoneView.as_view(template_name="clinic/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>",
        accounts.ResetPassword.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="clinic/password_reset_done.html"
        ),
        name="password_reset_complete",
    ),
    path("coach", coach.dashboard, name="dashboard"),
    path("coach/access-log", audit.coach_log, name="access_log"),
    path("clients/new", coach.client_new, name="client_new"),
    path("clients/<uuid:client_id>", coach.client_detail, name="client"),
    path("clients/<uuid:client_id>/invite", coach.client_invite, name="client_invite"),
    path("clients/<uuid:client_id>/edit", coach.client_edit, name="client_edit"),
    path("clients/<uuid:client_id>/archive", coach.client_archive_page, name="client_archive"),
    path("clients/<uuid:client_id>/restore", coach.client_restore_page, name="client_restore"),
    path("clients/<uuid:client_id>/delete", coach.client_delete_page, name="client_delete"),
    path("clients/<uuid:client_id>/screening", screening.screening, name="screening"),
    path(
        "clients/<uuid:client_id>/screening/result",
        screening.screening_result,
        name="screening_result",
    ),
    path("clients/<uuid:client_id>/clearance", screening.clearance, name="clearance"),
    path(
        "clients/<uuid:client_id>/assessments/new",
        assessments.assessment_new,
        name="assessment_new",
    ),
    path("assessments/<uuid:assessment_id>", assessments.assessment_detail, name="assessment"),
    path("clients/<uuid:client_id>/plans/new", plans.plan_new, name="plan_new"),
    path("clients/<uuid:client_id>/progress", progress.progress, name="progress"),
    path("clients/<uuid:client_id>/calendar", calendar.calendar_page, name="client_calendar"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("clients/<uuid:client_id>/handout.pdf", handouts.handout_pdf, name="handout_pdf"),
    path("clients/<uuid:client_id>/report.pdf", handouts.report_pdf, name="report_pdf"),
    path("clients/<uuid:client_id>/export.json", exports.client_json, name="client_export_json"),
    path("clients/<uuid:client_id>/export.csv", exports.client_table, name="client_export_csv"),
    path("clients/<uuid:client_id>/export.fhir.json", fhir.client_fhir, name="client_fhir"),
    path("export.json", exports.practice_json, name="practice_export_json"),
    path("export.csv", exports.practice_table, name="practice_export_csv"),
    path("today", client.today, name="today"),
    path("measure/<slug:test_id>", measure.measure, name="measure"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("items/<uuid:item_id>/sessions", client.log_session, name="log_session"),
    path("items/<uuid:item_id>/edit", plans.item_edit, name="item_edit"),
    path("items/<uuid:item_id>/remove", plans.item_remove, name="item_remove"),
    path("sessions/<uuid:session_id>", client.session_detail, name="session"),
    path("sessions/<uuid:session_id>/next-day", client.next_day_pain, name="next_day_pain"),
    path("account", account.account, name="account"),
    path("account/access-log", audit.my_log, name="my_access_log"),
    path("account/limits", account.account_limits, name="account_limits"),
    path("account/close", account.account_close_page, name="account_close"),
    path("account/tokens/<uuid:token_id>/revoke", account.token_revoke, name="token_revoke"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
