"""Exports and PDFs are limited per account and minute, on the pages and the API alike."""

from __future__ import annotations

from typing import Any

from selfmob.clinic.models import PlanItem
from selfmob.clinic.throttle import TOO_MANY, allowed
from tests.support.api import Api
from tests.support.personas import Personas, login


def test_the_count_starts_again_each_minute(db: None, settings: Any) -> None:
    settings.EXPORTS_PER_MINUTE = 2
    start = 6_000_000.0  # a minute boundary
    assert [allowed("someone", now=start + s) for s in (1, 2, 3)] == [True, True, False]
    assert allowed("someone", now=start + 61)
    assert allowed("someone-else", now=start + 3)


def test_pages_answer_429_past_the_limit(
    screened: Personas, ankle_item: PlanItem, settings: Any
) -> None:
    settings.EXPORTS_PER_MINUTE = 2
    http = login(screened.coach)
    base = f"/clients/{screened.client.id}"
    paths = [f"{base}/export.csv", f"{base}/handout.pdf", f"{base}/export.fhir.json"]
    statuses = [http.get(path).status_code for path in paths]
    assert statuses == [200, 200, 429]
    refused = http.get(paths[0])
    assert refused["Retry-After"] == "60"
    assert refused.content.decode() == TOO_MANY
    assert login(screened.client_user).get(paths[0]).status_code == 200  # each account its own


def test_the_api_answers_429_in_its_error_shape(screened: Personas, settings: Any) -> None:
    settings.EXPORTS_PER_MINUTE = 1
    api = Api(screened.coach)
    path = f"/clients/{screened.client.id}/export?format=csv"
    assert api.get(path).status_code == 200
    refused = api.get(path)
    assert refused.status_code == 429
    assert refused.json()["error"] == {"code": "too_many_requests", "message": TOO_MANY,
                                       "fields": {}}  # fmt: skip
