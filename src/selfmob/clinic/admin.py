"""Django admin, for superusers: every table, read mostly, searchable by e-mail or name."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from selfmob.clinic import models


@admin.register(models.User)
class UserAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("email", "name", "role", "is_staff", "is_active", "date_joined")
    list_filter = ("role", "is_staff", "is_active")
    search_fields = ("email", "name")
    exclude = ("password",)


@admin.register(models.Client)
class ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "email", "coach", "created_at")
    search_fields = ("name", "email", "coach__email")


@admin.register(models.Screening)
class ScreeningAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("client", "verdict", "urgent", "neck", "created_at")
    list_filter = ("verdict", "urgent")


@admin.register(models.Session)
class SessionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("client", "performed_on", "technique_id", "test_id", "verdict", "over_limit")
    list_filter = ("verdict", "over_limit")
    search_fields = ("client__name", "client__email")
    date_hierarchy = "performed_on"


for model in (
    models.Clearance,
    models.Assessment,
    models.Measurement,
    models.Plan,
    models.PlanItem,
    models.Invite,
):
    admin.site.register(model)


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only: the trail is append-only (the database refuses changes too)."""

    list_display = ("at", "kind", "interface", "what", "client_id", "user_id", "address")
    list_filter = ("kind", "interface", "what")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
