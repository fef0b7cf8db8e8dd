"""The FHIR export, parsed back with the real `fhir.resources` R4B models."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.resource import Resource

from selfmob.clinic.demo import demo_load
from selfmob.clinic.exports import fhir_elements as el
from selfmob.clinic.exports.fhir import client_bundle, client_bundle_json
from selfmob.clinic.models import Client, Measurement, Plan, PlanItem, Screening, Session, User
from selfmob.clinic.services.assessments import MeasurementInput, assessment_record
from selfmob.clinic.services.plans import ItemInput, plan_create, plan_item_remove
from selfmob.clinic.services.screening import clearance_record, screening_record
from selfmob.clinic.services.sessions import next_day_pain_record, session_log
from selfmob.knowledge.catalogue import load_catalogue
from tests.support.factories import logged_before_rest_pain
from tests.support.knowledge import all_no
from tests.support.personas import TODAY, Personas

BASE = "https://clinic.example"
NOON = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
SNOMED = "http://snomed.info/sct"


@dataclass
class Record:
    client: Client
    right_wblt: Measurement
    thoracic: Measurement
    plan: Plan
    kept: PlanItem
    removed: PlanItem
    sessions: list[Session]


def log(
    item: PlanItem, days_ago: int, pre: float, post: float, pain: int = 1, *, rest: int = 0
) -> Session:
    return session_log(
        plan_item=item,
        idempotency_key=uuid.uuid4(),
        performed_on=TODAY - timedelta(days=days_ago),
        pre=pre,
        post=post,
        pain_rest=rest,
        pain_during=pain,
        today=TODAY,
    ).session


def screen_refer_and_clear(client: Client, coach: User) -> None:
    refer = screening_record(
        client=client, answers=all_no() | {"nerve-symptoms": True}, neck=False, recorded_by=coach
    )
    clearance_record(screening=refer, cleared_by=coach, note="Her physio examined her: fine.")


def assess(client: Client, by: User) -> list[Measurement]:
    assessment = assessment_record(
        client=client,
        recorded_by=by,
        measured_on=TODAY - timedelta(days=12),
        measured_by="Coach Kim",
        measurements=[
            MeasurementInput("wblt-distance", "left", [11.0, 11.5, 12.0], "tape-measure"),
            MeasurementInput("wblt-distance", "right", [7.0, 7.5], "tape-measure", "Lunge"),
            MeasurementInput("thoracic-rotation", "left", [41.0], "inclinometer"),
        ],
        today=TODAY,
    )
    return list(assessment.measurements.order_by("test_id", "side"))


@pytest.fixture
def record(people: Personas) -> Record:
    client, coach = people.client, people.coach
    screen_refer_and_clear(client, coach)
    screening_record(client=client, answers=all_no(), neck=False, recorded_by=people.client_user)
    measured = {(m.test_id, m.side): m for m in assess(client, coach)}
    plan_create(
        client=client,
        created_by=coach,
        starts_on=TODAY - timedelta(days=90),
        ends_on=TODAY - timedelta(days=60),
        items=[ItemInput("ankle-banded-posterior-glide", "wblt-distance", "left", every_days=2)],
    )
    plan = plan_create(
        client=client,
        created_by=coach,
        starts_on=TODAY - timedelta(days=10),
        ends_on=None,
        items=[
            ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1),
            ItemInput("ankle-belt-self-mwm", "wblt-distance", "right", weekdays=[1, 4]),
        ],
    )
    kept, removed = plan.items.order_by("position")
    sessions = [
        log(kept, 3, 7.0, 9.5),
        log(kept, 2, 7.5, 8.0, pain=3, rest=2),
        logged_before_rest_pain(log(removed, 1, 8.0, 8.5)),
    ]
    next_day_pain_record(session=sessions[0], pain=2, today=TODAY - timedelta(days=2))
    plan_item_remove(item=removed, now=timezone.now())
    return Record(
        client=client,
        right_wblt=measured[("wblt-distance", "right")],
        thoracic=measured[("thoracic-rotation", "left")],
        plan=plan,
        kept=kept,
        removed=removed,
        sessions=[Session.objects.get(id=s.id) for s in sessions],
    )


def export(client: Client) -> Bundle:
    with time_machine.travel(NOON, tick=False):
        text = client_bundle_json(client, base_url=BASE)
    return Bundle.model_validate_json(text)


def resources(bundle: Bundle) -> list[Resource]:
    return [e.resource for e in bundle.entry or [] if e.resource is not None]


def of_type(bundle: Bundle, kind: type[Any]) -> list[Any]:
    return [r for r in resources(bundle) if isinstance(r, kind)]


def by_id(bundle: Bundle, resource_id: object) -> Any:
    [found] = [r for r in resources(bundle) if r.id == str(resource_id)]
    return found


def url(resource_id: object) -> str:
    return f"urn:uuid:{resource_id}"


def codes(concept: CodeableConcept) -> set[tuple[str | None, str | None]]:
    return {(c.system, c.code) for c in concept.coding or []}


def references(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def test_it_is_a_collection_whose_full_urls_are_the_resource_ids(record: Record) -> None:
    bundle = export(record.client)
    assert bundle.type == "collection"
    assert bundle.entry
    assert all(e.fullUrl == url(e.resource.id) for e in bundle.entry if e.resource)
    assert len({e.fullUrl for e in bundle.entry}) == len(bundle.entry)


def joint_of(session: Session) -> str:
    return load_catalogue().technique(session.technique_id).joint


def test_resource_counts_match_the_database(record: Record) -> None:
    sessions = Session.objects.filter(client=record.client)
    screenings = Screening.objects.filter(client=record.client)
    measurements = Measurement.objects.filter(assessment__client=record.client)
    observations = (
        measurements.count()
        + 3 * sessions.count()
        + sessions.exclude(pain_rest=None).count()
        + sessions.exclude(pain_next_day=None).count()
    )
    counted = Counter(r.get_resource_type() for r in resources(export(record.client)))
    assert counted == {
        "Patient": 1,
        "Practitioner": 1,
        "QuestionnaireResponse": screenings.count(),
        "DetectedIssue": screenings.exclude(verdict="clear").count(),
        "Observation": observations,
        "Procedure": sessions.count(),
        "CarePlan": Plan.objects.filter(client=record.client).count(),
        "Goal": Plan.objects.filter(client=record.client).count(),
        "BodyStructure": len({(joint_of(s), s.side) for s in sessions}),
    }


def test_every_reference_resolves_to_an_entry(record: Record) -> None:
    bundle = export(record.client)
    full_urls = {e.fullUrl for e in bundle.entry or []}
    found = list(references(bundle.model_dump(mode="json")))
    assert len(found) > 50
    assert set(found) <= full_urls


def test_the_patient_carries_our_id_birth_year_and_sex(record: Record) -> None:
    [patient] = of_type(export(record.client), Patient)
    client = record.client
    [identifier] = patient.identifier
    assert (identifier.system, identifier.value) == (f"{BASE}/fhir/client-id", str(client.id))
    assert str(patient.birthDate) == str(client.birth_year)
    assert patient.gender == {"f": "female", "m": "male"}[client.sex]
    assert patient.telecom[0].value == client.email


def test_a_measurement_keeps_its_code_unit_side_and_trials(record: Record) -> None:
    m = record.right_wblt
    test = load_catalogue().test(m.test_id)
    observation = by_id(export(record.client), m.id)
    assert codes(observation.code) == {(SNOMED, "364564000"), (el.ROM_TEST, m.test_id)}
    quantity = observation.valueQuantity
    assert (quantity.value, quantity.system, quantity.code) == (
        pytest.approx(m.value), "http://unitsofmeasure.org", test.unit,
    )  # fmt: skip
    [laterality] = observation.bodySite.extension
    assert laterality.url == el.LATERALITY
    assert laterality.valueCodeableConcept.text == m.side.capitalize()
    trials = [
        c.valueQuantity.value for c in observation.component if c.code.text != "Movement tested"
    ]
    assert trials == pytest.approx(m.trials)
    assert str(observation.effectiveDateTime) == m.assessment.measured_on.isoformat()
    assert observation.performer[0].reference == url(record.client.coach_id)
    assert observation.method.text == el.INSTRUMENTS[m.instrument]
    assert observation.extension[0].valueCodeableConcept.text == m.position


def test_a_spine_value_has_a_direction_and_no_laterality(record: Record) -> None:
    observation = by_id(export(record.client), record.thoracic.id)
    assert observation.bodySite.extension is None
    [movement] = observation.component
    assert movement.valueString == f"Rotation to the {record.thoracic.side}"


def test_the_patient_performs_the_session_under_the_plan(record: Record) -> None:
    bundle = export(record.client)
    session = record.sessions[0]
    procedure = by_id(bundle, session.id)
    assert procedure.status == "completed"
    assert procedure.performer[0].actor.reference == url(record.client.id)
    assert codes(procedure.code) == {(SNOMED, "74251004"), (el.TECHNIQUE, session.technique_id)}
    assert [b.reference for b in procedure.basedOn] == [url(record.plan.id)]
    assert str(procedure.performedDateTime) == session.performed_on.isoformat()
    structure = by_id(bundle, procedure.extension[0].valueReference.reference.split(":")[-1])
    assert structure.locationQualifier[0].text == session.side.capitalize()


def test_pre_and_post_values_point_to_their_procedure(record: Record) -> None:
    bundle = export(record.client)
    for session in record.sessions:
        parts = [
            o
            for o in of_type(bundle, Observation)
            if o.partOf and o.partOf[0].reference == url(session.id)
        ]
        values = {
            c.code: o.valueQuantity.value
            for o in parts
            if len(o.category) == 2
            for c in o.category[1].coding
            if c.system == el.SESSION_TIMING
        }
        assert values == {"pre-session": session.pre, "post-session": session.post}
        pain = {o.code.coding[0].code: o.valueInteger for o in parts if o.valueInteger is not None}
        expected = {"pain-during": session.pain_during}
        if session.pain_rest is not None:
            expected["pain-rest"] = session.pain_rest
        if session.pain_next_day is not None:
            expected["pain-next-day"] = session.pain_next_day
        assert pain == expected


def pain_observations(bundle: Bundle, session: Session, code: str) -> list[Any]:
    return [
        o
        for o in of_type(bundle, Observation)
        if o.partOf
        and o.partOf[0].reference == url(session.id)
        and (el.MEASURE, code) in codes(o.code)
    ]


def pain_observation(bundle: Bundle, session: Session, code: str) -> Any:
    [found] = pain_observations(bundle, session, code)
    return found


def test_the_pain_at_rest_is_its_own_observation_of_the_session(record: Record) -> None:
    session = record.sessions[1]
    rest = pain_observation(export(record.client), session, "pain-rest")
    assert rest.valueInteger == session.pain_rest == 2
    assert [c.code for c in rest.category[0].coding] == ["survey"]
    assert str(rest.effectiveDateTime) == session.performed_on.isoformat()
    assert rest.id == str(uuid.uuid5(session.id, "pain-rest"))


def test_pain_during_names_the_rule_it_was_judged_by(record: Record) -> None:
    bundle = export(record.client)
    ceiling = load_catalogue().policy.pain.ceiling
    judged = pain_observation(bundle, record.sessions[1], "pain-during").note[0].text
    assert judged == (
        "Pain at rest before the session was 2/10; pain during could rise 2 points above it "
        f"at most, and never above {ceiling}/10; this is within it."
    )
    older = pain_observation(bundle, record.sessions[2], "pain-during").note[0].text
    assert "no pain at rest was recorded" in older
    assert "judged by the limit alone" in older


def test_a_session_without_pain_at_rest_has_no_such_observation(record: Record) -> None:
    bundle = export(record.client)
    old = record.sessions[2]
    assert old.pain_rest is None
    assert pain_observations(bundle, old, "pain-rest") == []
    assert pain_observations(bundle, old, "pain-during")


def test_a_refer_screen_and_its_clearance(record: Record) -> None:
    bundle = export(record.client)
    refer = Screening.objects.get(client=record.client, verdict="refer")
    response = by_id(bundle, refer.id)
    answers = {i.linkId: i.answer[0].valueBoolean for i in response.item}
    assert answers == refer.answers
    assert response.author.reference == url(refer.recorded_by_id)
    [issue] = of_type(bundle, DetectedIssue)
    assert issue.severity == ("high" if refer.urgent else "moderate")
    assert issue.evidence[0].detail[0].reference == url(refer.id)
    [mitigation] = issue.mitigation
    assert refer.clearance.note in mitigation.action.text
    assert mitigation.author.reference == url(refer.clearance.cleared_by_id)


def test_a_screen_by_the_client_is_authored_by_the_patient(record: Record) -> None:
    clear = Screening.objects.get(client=record.client, verdict="clear")
    response = by_id(export(record.client), clear.id)
    assert response.author.reference == url(record.client.id)


def test_the_plan_has_its_goal_activities_and_pain_limit(record: Record) -> None:
    bundle = export(record.client)
    careplan = by_id(bundle, record.plan.id)
    assert careplan.status == "active"
    [goal_ref] = careplan.goal
    goal = by_id(bundle, goal_ref.reference.split(":")[-1])
    assert goal.get_resource_type() == "Goal"
    kept, removed = (a.detail for a in careplan.activity)
    assert (kept.status, removed.status) == ("in-progress", "stopped")
    ceiling = load_catalogue().policy.pain.ceiling
    rule = f"at most {record.kept.pain_limit} points above that, and never above {ceiling}/10"
    assert rule in kept.description
    assert kept.scheduledTiming.repeat.period == record.kept.every_days
    assert removed.scheduledTiming.repeat.dayOfWeek == ["mon", "thu"]
    [target] = goal.target
    assert (el.ROM_TEST, record.kept.retest_id) in codes(target.measure)


def test_a_plan_that_ended_is_completed(record: Record) -> None:
    bundle = export(record.client)
    [ended] = Plan.objects.filter(client=record.client, ends_on__isnull=False)
    careplan = by_id(bundle, ended.id)
    assert careplan.status == "completed"
    assert [a.detail.status for a in careplan.activity] == ["completed"]


def test_an_item_removed_before_any_session_is_cancelled(record: Record) -> None:
    [ended] = Plan.objects.filter(client=record.client, ends_on__isnull=False)
    plan_item_remove(item=ended.items.get(), now=timezone.now())
    [activity] = by_id(export(record.client), ended.id).activity
    assert activity.detail.status == "cancelled"
    assert activity.detail.statusReason.text.startswith("Removed from the plan on")


def test_a_solo_user_measures_themself(people: Personas) -> None:
    client = people.solo.client_record
    [m, *_] = assess(client, people.solo)
    bundle = export(client)
    assert not [r for r in resources(bundle) if r.get_resource_type() == "Practitioner"]
    assert by_id(bundle, m.id).performer[0].reference == url(client.id)


def test_the_same_data_exports_with_the_same_ids(record: Record) -> None:
    first, second = export(record.client), export(record.client)
    assert [e.fullUrl for e in first.entry or []] == [e.fullUrl for e in second.entry or []]


def test_client_bundle_gives_the_validated_models(record: Record) -> None:
    with time_machine.travel(NOON, tick=False):
        bundle = client_bundle(record.client, base_url=BASE)
    assert isinstance(bundle, Bundle)
    assert bundle.model_dump(mode="json") == export(record.client).model_dump(mode="json")


def test_queries_do_not_grow_with_sessions(record: Record) -> None:
    with CaptureQueriesContext(connection) as few:
        client_bundle_json(record.client, base_url=BASE)
    for days_ago in range(4, 10):
        log(record.kept, days_ago, 7.0, 7.5)
    with CaptureQueriesContext(connection) as many:
        client_bundle_json(record.client, base_url=BASE)
    assert len(many) == len(few) <= 6


def test_every_demo_client_exports_a_bundle_whose_references_resolve(
    db: None, settings: Any
) -> None:
    settings.DEBUG = True  # the demo loads only in development
    assert demo_load(today=TODAY)
    for client in Client.objects.all():
        bundle = export(client)
        full_urls = {e.fullUrl for e in bundle.entry or []}
        assert set(references(bundle.model_dump(mode="json"))) <= full_urls
        procedures = of_type(bundle, Procedure)
        assert len(procedures) == Session.objects.filter(client=client).count()
