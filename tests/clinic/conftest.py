"""The personas (tests/support/personas.py) as fixtures, screened and with a plan."""

from __future__ import annotations

import pytest

from selfmob.clinic.models import PlanItem
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import screening_record
from tests.support.knowledge import all_no
from tests.support.personas import TODAY, Personas, build_personas


@pytest.fixture
def people(db: None) -> Personas:
    return build_personas()


@pytest.fixture
def screened(people: Personas) -> Personas:
    screening_record(client=people.client, answers=all_no(), neck=False, recorded_by=people.coach)
    return people


@pytest.fixture
def ankle_item(screened: Personas) -> PlanItem:
    """A one-item plan for the screened client: banded ankle glide, right, daily."""
    item = ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1)
    plan = plan_create(
        client=screened.client,
        created_by=screened.coach,
        starts_on=TODAY,
        ends_on=None,
        items=[item],
    )
    return plan.items.get()
