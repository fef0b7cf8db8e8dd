"""One CSV table of a client's or a practice's measurements and sessions, for spreadsheets.

One row per measurement (`record` = measurement) and one per logged session (`record` =
session); a column that does not apply to a row's kind is empty. Rows go client by client
(oldest client first), then by day, time recorded, kind and id. UTF-8, a header row, CRLF
line ends (RFC 4180). Numbers are written as numbers; a control character or line break in
stored text is written as U+FFFD (clinic/text.py), so each record stays one line, and text
that a spreadsheet would run as a formula (starting with =, +, -, @) gets a leading
apostrophe.
The columns are described in docs/exports.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

from selfmob.clinic.exports.document import load_clients
from selfmob.clinic.models import Client, Measurement, Session, User
from selfmob.clinic.text import printable

COLUMNS = (
    "record",
    "id",
    "client_id",
    "client_email",
    "client_name",
    "date",
    "recorded_at",
    "test_id",
    "side",
    "value",
    "trial_1",
    "trial_2",
    "trial_3",
    "instrument",
    "position",
    "measured_by",
    "assessment_id",
    "technique_id",
    "plan_item_id",
    "pre",
    "post",
    "readings",
    "change",
    "mdc",
    "mdc_level",
    "mdc_source",
    "verdict",
    "pain_rest",
    "pain_during",
    "pain_limit",
    "over_limit",
    "pain_next_day",
)
FORMULA_STARTS = ("=", "+", "-", "@")
"""And a tab or a carriage return, which `printable` has already made U+FFFD."""

Cell = str | int | float | bool | date | datetime | None
Row = dict[str, Cell]


def client_csv(client: Client) -> str:
    return _table(load_clients(Client.objects.filter(id=client.id)))


def practice_csv(coach: User) -> str:
    return _table(load_clients(Client.objects.filter(coach=coach)))


def cell(value: Cell) -> str:
    """A value as CSV text: numbers stay numbers, text never starts a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    value = printable(value)  # one line per record, whatever was stored
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _table(clients: list[Client]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for client in clients:
        for row in _rows(client):
            writer.writerow([cell(row.get(column)) for column in COLUMNS])
    return out.getvalue()


def _rows(client: Client) -> list[Row]:
    person: Row = {
        "client_id": str(client.id),
        "client_email": client.email,
        "client_name": client.name,
    }
    rows = [person | r for r in _measurements(client)]
    rows += [person | _session(s) for s in client.sessions.all()]
    return sorted(rows, key=_order)


def _order(row: Row) -> tuple[str, str, str, str, str, str]:
    return (
        str(row["date"]),
        str(row["recorded_at"]),
        str(row["record"]),
        str(row["test_id"]),
        str(row["side"]),
        str(row["id"]),
    )


def _measurements(client: Client) -> Iterator[Row]:
    for assessment in client.assessments.all():
        for m in assessment.measurements.all():
            yield _measurement(m) | {
                "date": assessment.measured_on,
                "recorded_at": assessment.created_at,
                "measured_by": assessment.measured_by,
                "assessment_id": str(assessment.id),
            }


def _measurement(m: Measurement) -> Row:
    trials = list(m.trials)
    return {
        "record": "measurement",
        "id": str(m.id),
        "test_id": m.test_id,
        "side": m.side,
        "value": m.value,
        **{f"trial_{i + 1}": t for i, t in enumerate(trials)},
        "instrument": m.instrument,
        "position": m.position,
    }


def _session(s: Session) -> Row:
    return {
        "record": "session",
        "id": str(s.id),
        "date": s.performed_on,
        "recorded_at": s.created_at,
        "test_id": s.test_id,
        "side": s.side,
        "technique_id": s.technique_id,
        "plan_item_id": str(s.plan_item_id),
        "pre": s.pre,
        "post": s.post,
        "instrument": s.instrument,
        "measured_by": s.measured_by,
        "readings": s.readings,
        "change": s.change,
        "mdc": s.mdc,
        "mdc_level": s.mdc_level,
        "mdc_source": s.mdc_source,
        "verdict": s.verdict,
        "pain_rest": s.pain_rest,
        "pain_during": s.pain_during,
        "pain_limit": s.pain_limit,
        "over_limit": s.over_limit,
        "pain_next_day": s.pain_next_day,
    }
