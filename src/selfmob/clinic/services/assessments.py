"""Record an assessment: per test and side, 1-3 trials whose mean is the value."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from selfmob.clinic import errors
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import Assessment, Client, Measurement, Side, User
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.measures import checked_value

BAD_SIDE = "side must be left or right"
BAD_INSTRUMENT = "instrument must be one of: {known}"
FUTURE = "the assessment date cannot be in the future"
DUPLICATE = "each test and side once per assessment"
EMPTY = "enter at least one measurement"


@dataclass(frozen=True)
class MeasurementInput:
    test_id: str
    side: str
    trials: Sequence[float]
    instrument: str
    position: str = ""


@transaction.atomic
def assessment_record(
    *,
    client: Client,
    recorded_by: User,
    measured_on: date,
    measured_by: str,
    measurements: Sequence[MeasurementInput],
    today: date,
) -> Assessment:
    if measured_on > today:
        raise InvalidInput.one("measured_on", FUTURE)
    if not measurements:
        raise InvalidInput.one("measurements", EMPTY)
    rows = [_measurement(i, m) for i, m in enumerate(measurements)]
    if len({(r.test_id, r.side) for r in rows}) != len(rows):
        raise InvalidInput.one("measurements", DUPLICATE)
    assessment = Assessment.objects.create(
        client=client, measured_on=measured_on, measured_by=measured_by, recorded_by=recorded_by
    )
    for row in rows:
        row.assessment = assessment
    Measurement.objects.bulk_create(rows)
    return assessment


def _measurement(index: int, m: MeasurementInput) -> Measurement:
    where = f"measurements[{index}]"
    try:
        test = load_catalogue().test(m.test_id)
        if m.side not in Side.values:
            raise InvalidInput.one(f"{where}.side", BAD_SIDE)
        if not 1 <= len(m.trials) <= 3:
            raise InvalidInput.one(f"{where}.trials", errors.TRIALS)
        trials = [checked_value(test, t, field_name="trial") for t in m.trials]
    except KnowledgeError as exc:
        raise InvalidInput.from_knowledge(exc, f"{where}.{exc.field or 'test_id'}") from None
    if m.instrument not in test.instruments:
        known = ", ".join(test.instruments)
        raise InvalidInput.one(f"{where}.instrument", BAD_INSTRUMENT.format(known=known))
    return Measurement(
        test_id=test.id,
        side=m.side,
        trials=trials,
        value=round(statistics.fmean(trials), 2),
        instrument=m.instrument,
        position=m.position,
    )
