"""The records of a `selfmob.practice` document, versions 1 and 2: JSON values to pydantic models.

Strict: no unknown keys, no NaN or infinity, no number given as text or text as a number (and
no key twice in an object: practice_records). Each value is checked on its own here (ranges,
choices, ids known to the catalogue); rules between values and records (references,
duplicates, dates in order) are checked by `practice_import`. The fields are described in
docs/exports.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.text import checked_line, checked_text
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.pain import checked_limit

SCHEMA = "selfmob.practice"
VERSION = 3
"""2 added `coach.limit_percentile` and sessions' `pain_rest`; a version-1 file has neither."""
"""The newest version this selfmob reads and the one it writes."""

NOT_UTF8 = "not UTF-8 text"
NOT_JSON = "not valid JSON: {error}"
NOT_AN_OBJECT = "a selfmob document is a JSON object"
KEY_TWICE = "the key {key!r} appears twice in one object"
NOT_SELFMOB = "not a selfmob practice document (schema {found!r}, expected {expected!r})"
BAD_VERSION = "the version must be a whole number from 1, got {found!r}"
NEWER = (
    "this file is version {found}; this selfmob reads up to version {supported}: upgrade selfmob"
)
MORE = "and {count} more problems"
SHOWN = 10  # problems listed in one error; a broken file can have thousands

Problem = tuple[str, str]


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("not a valid e-mail address") from None
    return value.lower()  # as sign-up stores them: one account per address, whatever the case


def _known_test(value: str) -> str:
    load_catalogue().test(value)  # KnowledgeError is a ValueError: pydantic reports it
    return value


def _known_technique(value: str) -> str:
    load_catalogue().technique(value)
    return value


def _known_questions(answers: dict[str, bool]) -> dict[str, bool]:
    questions = load_catalogue().questions
    for question_id in answers:
        if question_id not in questions:
            raise ValueError(f"unknown screening question id {question_id!r}")
    return answers


def _pain_limit(value: int) -> int:
    try:
        return checked_limit(load_catalogue().policy, value)
    except KnowledgeError as exc:
        raise ValueError(exc.message) from None


OneLine = AfterValidator(checked_line)
"""No control characters, no line separators (clinic/text.py); after the length checks, so
that those keep their own messages."""
Email = Annotated[str, Field(max_length=254), OneLine, AfterValidator(_email)]
Name = Annotated[str, Field(min_length=1, max_length=120), OneLine]
TestId = Annotated[str, AfterValidator(_known_test)]
TechniqueId = Annotated[str, AfterValidator(_known_technique)]
Pain = Annotated[int, Field(ge=0, le=10)]
PainLimit = Annotated[int, AfterValidator(_pain_limit)]
Side = Literal["left", "right"]
Instrument = Annotated[str, Field(min_length=1, max_length=32), OneLine]
Timestamp = AwareDatetime


class Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)


class UserIn(Record):
    id: uuid.UUID
    email: Email
    name: Annotated[str, Field(max_length=120), OneLine]
    role: Literal["coach", "client", "solo"]
    is_active: bool
    date_joined: Timestamp
    password_hash: Annotated[str, Field(min_length=1, max_length=128)] | None
    limit_percentile: Annotated[float, Field(gt=0, lt=50)] | None = None
    """A coach's percentile for the limit of normal (absent in files from before it)."""
    consent_at: Timestamp | None = None
    consent_version: Annotated[str, Field(min_length=1, max_length=20), OneLine] | None = None
    """When the person agreed to the processing of their data, and to which text (absent in
    files from before it, and for accounts made by the server's operator)."""


class ClearanceIn(Record):
    id: uuid.UUID
    created_at: Timestamp
    cleared_by: uuid.UUID
    note: Annotated[str, Field(min_length=1), AfterValidator(checked_text)]


class ScreeningIn(Record):
    id: uuid.UUID
    created_at: Timestamp
    recorded_by: uuid.UUID
    answers: Annotated[dict[str, bool], AfterValidator(_known_questions)]
    neck: bool
    verdict: Literal["clear", "caution", "refer"]
    urgent: bool
    clearance: ClearanceIn | None


class MeasurementIn(Record):
    id: uuid.UUID
    test_id: TestId
    side: Side
    trials: Annotated[list[float], Field(min_length=1, max_length=3)]
    value: float
    instrument: Instrument
    position: Annotated[str, Field(max_length=200), OneLine]


class AssessmentIn(Record):
    id: uuid.UUID
    created_at: Timestamp
    recorded_by: uuid.UUID
    measured_on: date
    measured_by: Name
    measurements: Annotated[list[MeasurementIn], Field(min_length=1)]


class PlanItemIn(Record):
    id: uuid.UUID
    position: Annotated[int, Field(ge=0, le=32767)]
    technique_id: TechniqueId
    side: Side | None
    retest_id: TestId
    dose: dict[str, Any]
    weekdays: list[Annotated[int, Field(ge=1, le=7)]]
    every_days: Annotated[int, Field(ge=1, le=7)] | None
    pain_limit: PainLimit
    removed_at: Timestamp | None


class PlanIn(Record):
    id: uuid.UUID
    created_at: Timestamp
    created_by: uuid.UUID
    starts_on: date
    ends_on: date | None
    items: Annotated[list[PlanItemIn], Field(min_length=1)]


class SessionIn(Record):
    id: uuid.UUID
    idempotency_key: uuid.UUID
    plan_item: uuid.UUID
    performed_on: date
    created_at: Timestamp
    technique_id: TechniqueId
    test_id: TestId
    side: Side | None
    pre: float
    post: float
    instrument: Instrument | None
    measured_by: Literal["self", "clinician"] | None = None
    """Who took pre and post (absent or null in files from before it was asked)."""
    readings: Annotated[int, Field(ge=1, le=5)] | None = None
    change: float
    mdc: Annotated[float, Field(gt=0)]
    mdc_level: Literal["95", "90", "unstated"] | None = None
    mdc_source: Annotated[str, Field(max_length=64)] | None = None
    mdc_fit: Literal["exact", "noisier", "unstated", "borrowed", "default", "coach"] | None = None
    """Which MDC judged the session and how it fits its context (absent in older files)."""
    verdict: Literal["real_gain", "within_error", "real_loss"]
    pain_rest: Pain | None = None
    """Pain at rest before the session (absent or null in files from before it was asked)."""
    pain_during: Pain
    pain_limit: PainLimit
    over_limit: bool
    pain_next_day: Pain | None


class ClientIn(Record):
    id: uuid.UUID
    name: Name
    email: Email
    birth_year: Annotated[int, Field(ge=1900, le=2100)] | None
    sex: Literal["f", "m"] | None
    created_at: Timestamp
    archived_at: Timestamp | None = None
    """When the coach archived the client (absent in files from before it)."""
    account: UserIn | None
    screenings: list[ScreeningIn]
    assessments: list[AssessmentIn]
    plans: list[PlanIn]
    sessions: list[SessionIn]


class PracticeIn(Record):
    schema_name: Literal["selfmob.practice"] = Field(alias="schema")
    version: Literal[1, 2, 3]
    exported_at: Timestamp
    coach: UserIn | None
    clients: list[ClientIn]


R = TypeVar("R", bound=Record)


def parse_record(model: type[R], text: str, path: str) -> tuple[R | None, list[Problem]]:
    """One record of the document (or the document's own fields), as JSON text, checked on
    its own: the record, or the problems, each under its path from the document's root."""
    try:  # strict pydantic reads dates and ids from JSON text only
        return model.model_validate_json(text), []
    except ValidationError as exc:
        return None, [(_path(e["loc"], path), _message(e)) for e in exc.errors()]


def check_header(data: Mapping[str, object]) -> None:
    """A selfmob practice document of a version this selfmob reads: checked before its shape."""
    found = data.get("schema")
    if found != SCHEMA:
        raise InvalidInput.one("schema", NOT_SELFMOB.format(found=found, expected=SCHEMA))
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidInput.one("version", BAD_VERSION.format(found=version))
    if version > VERSION:
        raise InvalidInput.one("version", NEWER.format(found=version, supported=VERSION))


def _path(loc: Sequence[int | str], path: str) -> str:
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "document"


_MESSAGES = {
    "missing": "missing",
    "extra_forbidden": "unknown key",
    "finite_number": "not a finite number",
    "int_type": "not a whole number",
    "float_type": "not a number",
    "string_type": "not a string",
    "bool_type": "not true or false",
    "list_type": "not a list",
    "dict_type": "not an object",
    "model_type": "not an object",
    "uuid_type": "not a UUID",
    "uuid_parsing": "not a UUID",
    "date_type": "not a date (YYYY-MM-DD)",
    "date_parsing": "not a date (YYYY-MM-DD)",
    "datetime_type": "not a date and time (ISO 8601)",
    "datetime_parsing": "not a date and time (ISO 8601)",
    "timezone_aware": "a date and time needs its UTC offset",
    "greater_than": "must be more than {gt:g}",
    "greater_than_equal": "must be {ge:g} or more",
    "less_than_equal": "must be {le:g} or less",
    "string_too_short": "must not be empty",
    "string_too_long": "longer than {max_length} characters",
    "too_short": "needs at least {min_length}",
    "too_long": "holds at most {max_length}",
    "literal_error": "must be one of {expected}",
}


def _message(error: ErrorDetails) -> str:
    context = error.get("ctx", {})
    if error["type"] == "value_error":
        return str(context["error"])
    template = _MESSAGES.get(error["type"])
    return template.format(**context) if template else error["msg"]


def invalid(problems: Sequence[Problem], total: int | None = None) -> InvalidInput:
    """One error listing the first problems, each under its path; `total` counts them all
    when only the first are given."""
    shown = dict(problems[:SHOWN])
    total = len(problems) if total is None else total
    if total > SHOWN:
        shown["__all__"] = MORE.format(count=total - SHOWN)
    return InvalidInput(shown)
