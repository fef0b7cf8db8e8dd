"""The OpenAPI document names every failure an operation can answer, each with the error
schema (the schemathesis run in test_schemathesis.py checks the answers against it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def operations(db: None) -> list[tuple[str, dict[str, Any]]]:
    document = HttpClient().get("/api/v1/openapi.json").json()
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def statuses(operation: dict[str, Any]) -> set[int]:
    return {int(status) for status in operation["responses"]}


def test_there_are_thirty_seven_operations(operations: list[tuple[str, dict[str, Any]]]) -> None:
    assert len(operations) == 37


def test_every_failure_has_the_error_schema(operations: list[tuple[str, dict[str, Any]]]) -> None:
    for label, operation in operations:
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {"application/json": {"schema": ERROR}}, label


def test_signed_in_operations_name_401(operations: list[tuple[str, dict[str, Any]]]) -> None:
    for label, operation in operations:
        signed_in = bool(operation.get("security"))
        assert (401 in statuses(operation)) == signed_in, label
        assert signed_in == ("/catalogue/" not in label), label


def test_operations_with_a_body_name_400_and_413(
    operations: list[tuple[str, dict[str, Any]]],
) -> None:
    for label, operation in operations:
        if "requestBody" in operation:
            assert {400, 413} <= statuses(operation), label


def test_writes_name_413_and_403(operations: list[tuple[str, dict[str, Any]]]) -> None:
    for label, operation in operations:
        if not label.startswith("GET") and operation.get("security"):
            assert {403, 413} <= statuses(operation), label


def test_operations_with_parameters_name_400_or_404(
    operations: list[tuple[str, dict[str, Any]]],
) -> None:
    for label, operation in operations:
        places = {p["in"] for p in operation.get("parameters", [])}
        if "query" in places:
            assert 400 in statuses(operation), label
        if "path" in places:
            assert 404 in statuses(operation), label


def test_only_exports_name_429(operations: list[tuple[str, dict[str, Any]]]) -> None:
    limited = [label for label, operation in operations if 429 in statuses(operation)]
    assert limited == ["GET /api/v1/clients/{client_id}/export"]


def test_the_export_names_its_file_types(operations: list[tuple[str, dict[str, Any]]]) -> None:
    export = dict(operations)["GET /api/v1/clients/{client_id}/export"]
    assert set(export["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/fhir+json",
        "text/calendar",
        "application/pdf",
    }
