"""The FHIR download, for every persona."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient

from selfmob.clinic.models import Client
from tests.support.personas import ANON, Personas, as_, login


def fhir_url(client: Client) -> str:
    return reverse("client_fhir", args=[client.id])


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("client", 200), ("other_coach", 404), ("other_client", 404), (ANON, 302)],
)
def test_the_fhir_download(people: Personas, who: str, status: int) -> None:
    assert as_(people, who).get(fhir_url(people.client)).status_code == status


def test_anonymous_is_sent_to_log_in(people: Personas) -> None:
    response = as_(people, ANON).get(fhir_url(people.client))
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_the_fhir_download_wrong_method(people: Personas) -> None:
    assert as_(people, "owner").post(fhir_url(people.client)).status_code == 405


def test_a_solo_user_downloads_their_own_record(people: Personas) -> None:
    record = people.solo.client_record
    assert login(people.solo).get(fhir_url(record)).status_code == 200
    assert as_(people, "owner").get(fhir_url(record)).status_code == 404


def test_it_is_a_fhir_json_attachment_with_this_site_as_identifier_system(
    people: Personas,
) -> None:
    response = as_(people, "client").get(fhir_url(people.client))
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.fhir.json"')
    assert "no-store" in response["Cache-Control"]
    bundle = Bundle.model_validate_json(response.content)
    [patient] = [e.resource for e in bundle.entry or [] if isinstance(e.resource, Patient)]
    [identifier] = patient.identifier or []
    assert identifier.system == "http://testserver/fhir/client-id"
    assert identifier.value == str(people.client.id)
