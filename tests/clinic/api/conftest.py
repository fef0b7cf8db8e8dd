"""API callers: each persona with a personal token, and anonymous."""

from __future__ import annotations

import pytest

from tests.support.api import Api
from tests.support.personas import Personas


@pytest.fixture
def coach_api(people: Personas) -> Api:
    return Api(people.coach)


@pytest.fixture
def client_api(people: Personas) -> Api:
    return Api(people.client_user)
