from __future__ import annotations

from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps

from selfmob.clinic import errors
from selfmob.clinic.errors import NOTHING_TO_CLEAR, InvalidInput
from selfmob.clinic.models import Client, Plan, Screening
from selfmob.clinic.selectors import screening_gate
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import ALREADY_CLEARED, clearance_record, screening_record
from tests.support.knowledge import all_no
from tests.support.personas import TODAY, Personas

ANKLE = ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", weekdays=(1, 3, 5))


def make_plan(people: Personas, *items: ItemInput, ends_on: date | None = None) -> Plan:
    return plan_create(
        client=people.client,
        created_by=people.coach,
        starts_on=TODAY,
        ends_on=ends_on,
        items=list(items) or [ANKLE],
    )


def test_a_plan_needs_a_screening_first(people: Personas) -> None:
    with pytest.raises(InvalidInput) as info:
        make_plan(people)
    assert info.value.fields == {"__all__": errors.NOT_SCREENED}
    assert Plan.objects.count() == 0


def test_refer_blocks_the_plan_until_a_clearance(people: Personas) -> None:
    screening = screening_record(
        client=people.client, answers=all_no() | {"nerve-symptoms": True}, neck=False,
        recorded_by=people.coach,
    )  # fmt: skip
    assert screening.verdict == "refer"
    assert screening_gate(people.client).block == errors.PLAN_BLOCKED
    with pytest.raises(InvalidInput):
        make_plan(people)
    clearance_record(screening=screening, cleared_by=people.coach, note="GP saw her: fine.")
    assert screening_gate(people.client).block is None
    assert make_plan(people).items.count() == 1


def test_clearance_applies_only_to_refer_and_only_once(screened: Personas) -> None:
    clear = screened.client.screenings.get()
    with pytest.raises(InvalidInput) as info:
        clearance_record(screening=clear, cleared_by=screened.coach, note="ok")
    assert info.value.fields == {"__all__": NOTHING_TO_CLEAR}
    refer = screening_record(
        client=screened.client, answers=all_no() | {"bleeding": True}, neck=False,
        recorded_by=screened.coach,
    )  # fmt: skip
    clearance_record(screening=refer, cleared_by=screened.coach, note="Haematologist agrees.")
    with pytest.raises(InvalidInput) as again:
        clearance_record(screening=refer, cleared_by=screened.coach, note="again")
    assert again.value.fields == {"__all__": ALREADY_CLEARED}


def test_a_bad_screen_saves_nothing(people: Personas) -> None:
    with pytest.raises(InvalidInput) as info:
        screening_record(
            client=people.client, answers={"nope": True}, neck=False, recorded_by=people.coach
        )
    assert "unknown screening question" in info.value.fields["answers"]
    assert people.client.screenings.count() == 0


def test_a_plan_item_copies_the_default_dose(screened: Personas) -> None:
    item = make_plan(screened).items.get()
    assert item.dose["source"]
    assert item.pain_limit == 2
    assert item.weekdays == [1, 3, 5]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (ItemInput("nope", "wblt-distance", every_days=1), "items[0].technique"),
        (ItemInput("ankle-banded-posterior-glide", "nope", every_days=1), "items[0].test"),
        (
            ItemInput("ankle-banded-posterior-glide", "wrist-extension", every_days=1),
            "items[0].retest_id",
        ),
        (ItemInput("ankle-banded-posterior-glide", "wblt-distance"), "items[0].schedule"),
        (
            ItemInput("ankle-banded-posterior-glide", "wblt-distance", weekdays=(1,), every_days=2),
            "items[0].schedule",
        ),
        (
            ItemInput("ankle-banded-posterior-glide", "wblt-distance", weekdays=(0, 8)),
            "items[0].weekdays",
        ),
        (
            ItemInput("ankle-banded-posterior-glide", "wblt-distance", every_days=9),
            "items[0].every_days",
        ),
        (
            ItemInput("ankle-banded-posterior-glide", "wblt-distance", every_days=1, pain_limit=5),
            "items[0].pain_limit",
        ),
    ],
)
def test_bad_plan_items_name_their_field(screened: Personas, item: ItemInput, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        make_plan(screened, item)
    assert field in info.value.fields
    assert Plan.objects.count() == 0


def test_a_plan_cannot_end_before_it_starts(screened: Personas) -> None:
    with pytest.raises(InvalidInput) as info:
        make_plan(screened, ends_on=TODAY - timedelta(days=1))
    assert info.value.fields == {"ends_on": errors.DATES}


def _status(people: Personas) -> str:
    return Client.objects.values_list("screening_status", flat=True).get(id=people.client.id)


def test_the_stored_status_follows_every_screen_and_clearance(people: Personas) -> None:
    def record(**answers: object) -> Screening:
        return screening_record(client=people.client, answers=all_no() | answers, neck=False,
                                recorded_by=people.coach)  # fmt: skip

    assert _status(people) == "none"
    first = record(**{"nerve-symptoms": True})
    assert _status(people) == "refer"
    record()  # a later clear screen does not lift the hold
    second = record(bleeding=True)
    clearance_record(screening=first, cleared_by=people.coach, note="GP: fine.")
    assert _status(people) == "refer"  # the second still waits
    fresh = Client.objects.get(id=people.client.id)
    assert screening_gate(fresh).block == errors.PLAN_BLOCKED
    clearance_record(screening=second, cleared_by=people.coach, note="Haematologist: fine.")
    assert _status(people) == "clear"
    assert screening_gate(Client.objects.get(id=people.client.id)).block is None


def test_the_migration_derives_the_status_of_existing_clients(people: Personas) -> None:
    fill_status = import_module(
        "selfmob.clinic.migrations.0003_client_screening_status"
    ).fill_status
    refer = screening_record(client=people.client, answers=all_no() | {"bleeding": True},
                             neck=False, recorded_by=people.coach)  # fmt: skip
    screening_record(client=people.other_client, answers=all_no(), neck=False,
                     recorded_by=people.other_coach)  # fmt: skip
    Client.objects.update(screening_status="none")
    fill_status(django_apps, None)
    assert _status(people) == "refer"
    assert Client.objects.get(id=people.other_client.id).screening_status == "clear"
    clearance_record(screening=refer, cleared_by=people.coach, note="GP: fine.")
    Client.objects.update(screening_status="none")
    fill_status(django_apps, None)
    assert _status(people) == "clear"


def test_a_neck_technique_needs_the_neck_screen(screened: Personas) -> None:
    neck = ItemInput("c1-c2-self-snag", "cervical-flexion-rotation", "left", every_days=1)
    with pytest.raises(InvalidInput) as info:
        make_plan(screened, neck)
    assert info.value.fields == {"items[0].technique_id": errors.NECK_NOT_SCREENED}
    screening_record(client=screened.client, answers=all_no(neck=True), neck=True,
                     recorded_by=screened.coach)  # fmt: skip
    assert make_plan(screened, neck).items.get().technique_id == "c1-c2-self-snag"
