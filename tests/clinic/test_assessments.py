from __future__ import annotations

from datetime import timedelta

import pytest

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import Assessment
from selfmob.clinic.services.assessments import (
    DUPLICATE,
    FUTURE,
    MeasurementInput,
    assessment_record,
)
from tests.support.personas import TODAY, Personas


def record(people: Personas, *rows: MeasurementInput, on: object = TODAY) -> Assessment:
    return assessment_record(
        client=people.client,
        recorded_by=people.coach,
        measured_on=on,  # type: ignore[arg-type]
        measured_by="Coach",
        measurements=list(rows),
        today=TODAY,
    )


def test_the_value_is_the_mean_of_the_trials(people: Personas) -> None:
    assessment = record(
        people,
        MeasurementInput("wblt-distance", "left", [10.0, 11.0, 11.5], "tape-measure"),
        MeasurementInput("wblt-distance", "right", [7.0], "tape-measure"),
    )
    values = {m.side: m.value for m in assessment.measurements.all()}
    assert values == {"left": pytest.approx(10.83), "right": 7.0}


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            MeasurementInput("nope", "left", [1.0], "tape-measure"),
            "measurements[0].test",
            "unknown test id",
        ),
        (
            MeasurementInput("wblt-distance", "up", [1.0], "tape-measure"),
            "measurements[0].side",
            "left or right",
        ),
        (
            MeasurementInput("wblt-distance", "left", [], "tape-measure"),
            "measurements[0].trials",
            "1 to 3",
        ),
        (
            MeasurementInput("wblt-distance", "left", [1, 2, 3, 4], "tape-measure"),
            "measurements[0].trials",
            "1 to 3",
        ),
        (
            MeasurementInput("wblt-distance", "left", [99.0], "tape-measure"),
            "measurements[0].trial",
            "outside the physiological range",
        ),
        (
            MeasurementInput("wblt-distance", "left", [float("nan")], "tape-measure"),
            "measurements[0].trial",
            "finite number",
        ),
        (
            MeasurementInput("wblt-distance", "left", [9.0], "goniometer"),
            "measurements[0].instrument",
            "tape-measure",
        ),
    ],
)
def test_bad_measurements_name_their_field_and_save_nothing(
    people: Personas, row: MeasurementInput, field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        record(people, row)
    assert message in info.value.fields[field]
    assert Assessment.objects.count() == 0


def test_a_future_date_is_refused(people: Personas) -> None:
    row = MeasurementInput("wblt-distance", "left", [9.0], "tape-measure")
    with pytest.raises(InvalidInput) as info:
        record(people, row, on=TODAY + timedelta(days=1))
    assert info.value.fields == {"measured_on": FUTURE}


def test_each_test_and_side_once(people: Personas) -> None:
    row = MeasurementInput("wblt-distance", "left", [9.0], "tape-measure")
    with pytest.raises(InvalidInput) as info:
        record(people, row, row)
    assert info.value.fields == {"measurements": DUPLICATE}
