"""Schemathesis against the API's own OpenAPI document, through Django's WSGI application.

Every operation of /api/v1/openapi.json is called with data that fits the document and with
data that does not, as a coach and as a client (each with a personal API token), with path
ids drawn both at random and from the records of a whole practice (tests/support/factories).
Each answer must be no server error, have a documented status, a documented content type and
a body that fits the documented schema; a request that breaks the schema must be refused.
The file exports are checked too: their content types are documented (JSON and FHIR JSON
bodies against their schema). Examples are fixed (`derandomize`) and few per operation, so
the run takes seconds and fails the same way every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from selfmob.clinic.models import Assessment, Client, Plan, PlanItem, Session, User
from selfmob.clinic.services.api_tokens import api_token_create
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.wsgi import application
from tests.support.factories import Practice

DOCUMENT = "/api/v1/openapi.json"
EXAMPLES = 25
"""Per operation and caller: about 700 calls per caller, some 20 s for both on two cores."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
CATALOGUE_IDS = 3
"""Catalogue ids per path parameter: the first few tests and techniques."""


@pytest.fixture
def wsgi(settings: Any) -> Iterator[Any]:
    """Django's own WSGI application, inside the test's transaction. Django closes the
    database connection at the start and end of a request made through WSGI, which would
    end the test's transaction; its test client turns that off the same way."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis's Host
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def caller(practice: Practice, who: str) -> User:
    if who == "coach":
        return practice.coach
    user = practice.ana.user
    assert user is not None
    return user


def operation_of(result: Any) -> Any:
    """The operation, or the document's error about it (which fails the test)."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


def known_ids() -> dict[str, list[str]]:
    """Every record's id per path parameter: the caller's own and others' (those must 404)."""
    catalogue = load_catalogue()
    models = {
        "client_id": Client,
        "assessment_id": Assessment,
        "plan_id": Plan,
        "item_id": PlanItem,
        "session_id": Session,
    }
    ids = {
        name: [str(pk) for pk in model._default_manager.values_list("id", flat=True)]
        for name, model in models.items()
    }
    ids["test_id"] = list(islice(catalogue.tests, CATALOGUE_IDS))
    ids["technique_id"] = list(islice(catalogue.techniques, CATALOGUE_IDS))
    return ids


def cases(operation: Any, ids: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    """Schema-fitting and schema-breaking requests, the document's own examples, and
    schema-fitting requests and examples about records that exist (random UUIDs alone would
    only ever reach 404, random bodies only ever 400)."""
    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    strategies += operation.get_strategies_from_examples()
    for name in [p.name for p in operation.path_parameters]:
        for value in ids[name]:
            known = {name: value}
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))
            strategies += operation.get_strategies_from_examples(path_parameters=known)
    return st.one_of(strategies)


def problems_of(operation: Any, ids: dict[str, list[str]], token: str) -> str | None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the report names the case
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(operation, ids))
    def check(case: Any) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        case.validate_response(response, checks=CHECKS)

    try:
        check()
    except (FailureGroup, Exception) as exc:  # each failing operation is reported
        return f"{operation.label}:\n{exc}"
    return None


@pytest.mark.parametrize("who", ["coach", "client"])
def test_every_operation_answers_as_documented(practice: Practice, wsgi: Any, who: str) -> None:
    _, token = api_token_create(user=caller(practice, who), name="schemathesis")
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, wsgi)
    operations = [operation_of(result) for result in schema.get_all_operations()]
    ids = known_ids()
    problems = [p for op in operations if (p := problems_of(op, ids, token)) is not None]
    assert len(operations) == 37
    assert problems == [], "\n\n".join(problems)
