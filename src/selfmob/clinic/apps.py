from __future__ import annotations

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "selfmob.clinic"
    label = "clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from selfmob.clinic import checks  # noqa: F401 - registers the system checks
