"""Exports through the API: every format for the client's own people, nobody else."""

from __future__ import annotations

import json

import pytest

from selfmob.clinic.models import PlanItem
from tests.support.api import ROLES, Api, as_role
from tests.support.personas import Personas

FIRST_BYTES = {
    "json": (b"{", "application/json"),
    "csv": (b"record,", "text/csv; charset=utf-8"),
    "fhir": (b"{", "application/fhir+json"),
    "ics": (b"BEGIN:VCALENDAR", "text/calendar; charset=utf-8"),
    "pdf": (b"%PDF-", "application/pdf"),
}


@pytest.mark.parametrize("fmt", list(FIRST_BYTES))
def test_each_format_downloads(screened: Personas, ankle_item: PlanItem, fmt: str) -> None:
    response = Api(screened.coach).get(f"/clients/{screened.client.id}/export?format={fmt}")
    assert response.status_code == 200, response.content[:300]
    start, content_type = FIRST_BYTES[fmt]
    assert response["Content-Type"] == content_type
    assert response.content.startswith(start)
    assert response["Content-Disposition"].startswith("attachment; filename=")
    if fmt == "json":
        assert json.loads(response.content)["clients"][0]["id"] == str(screened.client.id)
    if fmt == "fhir":
        from fhir.resources.R4B.bundle import Bundle

        bundle = Bundle.model_validate_json(response.content)
        kinds = {e.resource.get_resource_type() for e in bundle.entry or [] if e.resource}
        assert "Patient" in kinds


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_coach_and_the_client_export(screened: Personas, role: str) -> None:
    response = as_role(screened, role).get(f"/clients/{screened.client.id}/export?format=csv")
    expected = {"coach": 200, "client_user": 200, "anonymous": 401}.get(role, 404)
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [("format=docx", "format"), ("", "format"), ("format=pdf&page=a3", "page"),
     ("format=pdf&pdf=letters", "pdf")],
)  # fmt: skip
def test_bad_export_options_get_400(screened: Personas, query: str, field: str) -> None:
    response = Api(screened.coach).get(f"/clients/{screened.client.id}/export?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
