"""Request and response bodies. Requests refuse unknown fields and non-finite numbers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from selfmob.clinic.models import Client, PlanItem
from selfmob.clinic.selectors import item_precautions, screening_gate
from selfmob.clinic.text import checked_line, checked_text
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions

Side = Literal["left", "right"]
Line = Annotated[str, AfterValidator(checked_line)]
"""One line: no control characters, no line separators (clinic/text.py)."""
MultiLine = Annotated[str, AfterValidator(checked_text)]
"""Several lines: line feeds and tabs, no other control characters (clinic/text.py)."""


class In(Schema):
    """Numbers must be JSON numbers and booleans JSON booleans: "5" or 1 for true is refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str]


class Error(Schema):
    error: ErrorBody


def errors(*statuses: int) -> dict[int, Any]:
    """An operation's failing answers for its `response=`, each in the one error shape."""
    return dict.fromkeys(statuses, Error)


ONE = errors(401, 404)
"""Reading one record by its id: not signed in, or not found (or not yours)."""
LIST = errors(400, 401, 404)
"""Reading a list of a record: also a bad `limit` or `offset`."""
WRITE = errors(400, 401, 403, 404, 413)
"""Writing: also bad input or a rule of the services, a read-only relation or a missing
CSRF token, and a body over DATA_UPLOAD_MAX_MEMORY_SIZE."""


class MeOut(Schema):
    id: uuid.UUID
    email: str
    name: str
    role: str
    client_id: uuid.UUID | None
    limit_percentile: float | None
    """A coach's percentile for the limit of normal; null: the catalogue's default."""
    consent_at: datetime | None
    """When the person agreed to the processing of their data; null for an account the
    operator made."""
    consent_version: str
    """The version of the privacy text agreed to (the date on /privacy); empty with no
    consent."""


class MeIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"limit_percentile": 10.0}]})

    limit_percentile: StrictFloat | None


class ClientIn(In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "Ana Zoë", "email": "ana@example.com", "birth_year": 1990, "sex": "f"}
            ]
        }
    )

    name: Line = Field(min_length=1, max_length=120)
    email: Line = Field(max_length=254, json_schema_extra={"format": "email"})
    birth_year: StrictInt | None = None
    sex: Literal["f", "m", ""] = ""


class ClientOut(Schema):
    id: uuid.UUID
    name: str
    email: str
    birth_year: int | None
    sex: str
    coach_id: uuid.UUID | None
    has_account: bool
    screening_status: str
    created_at: datetime
    archived_at: datetime | None
    """When the coach archived the client (off the dashboard and lists); null otherwise."""

    @staticmethod
    def resolve_has_account(obj: Any) -> bool:
        return obj.user_id is not None


class InviteOut(Schema):
    url: str
    expires_at: datetime
    emailed: bool
    """Whether the link was e-mailed to the client; false when the mail server refused."""


def _screening_example(schema: dict[str, Any]) -> None:
    """Every question of the screen answered no (the ids come from the catalogue)."""
    answers = {q.id: False for q in questions(load_catalogue(), neck=False)}
    schema["examples"] = [{"answers": answers, "neck": False}]


class ScreeningIn(In):
    model_config = ConfigDict(json_schema_extra=_screening_example)

    answers: dict[str, StrictBool]
    neck: StrictBool = False


class ClearanceOut(Schema):
    cleared_by_id: uuid.UUID
    note: str
    created_at: datetime


class ScreeningOut(Schema):
    id: uuid.UUID
    answers: dict[str, bool]
    neck: bool
    verdict: str
    urgent: bool
    recorded_by_id: uuid.UUID
    created_at: datetime
    clearance: ClearanceOut | None

    @staticmethod
    def resolve_clearance(obj: Any) -> Any:
        return getattr(obj, "clearance", None)


class ClearanceIn(In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"note": "Seen by Dr Ruiz (GP): no fracture, fine to go on.\nCall if pain."}
            ]
        }
    )

    note: MultiLine = Field(min_length=3, max_length=2000)


class MeasurementIn(In):
    test_id: str
    side: Side
    trials: list[StrictFloat] = Field(min_length=1, max_length=3)
    instrument: str
    position: Line = Field("", max_length=200)


class AssessmentIn(In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "measured_on": "2026-11-20",
                    "measured_by": "Coach Carter",
                    "measurements": [
                        {
                            "test_id": "wblt-distance",
                            "side": "right",
                            "trials": [7.0, 7.5],
                            "instrument": "tape-measure",
                            "position": "knee to wall",
                        }
                    ],
                }
            ]
        }
    )

    measured_on: date
    measured_by: Line = Field(min_length=1, max_length=120)
    measurements: list[MeasurementIn] = Field(min_length=1, max_length=40)


class MeasurementOut(Schema):
    test_id: str
    side: str
    trials: list[float]
    value: float
    instrument: str
    position: str


class AssessmentOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    measured_on: date
    measured_by: str
    created_at: datetime
    measurements: list[MeasurementOut]


class AssessmentDetailOut(AssessmentOut):
    restriction_map: list[dict[str, Any]]
    """Per test: each side against its norm, the asymmetry, and ranked suggestions."""


class DoseIn(In):
    """The coach's numbers; any left out keep the technique's default."""

    sets: StrictInt | None = None
    reps: StrictInt | None = None
    seconds: StrictInt | None = None
    rest_seconds: StrictInt | None = None


class ItemIn(In):
    technique_id: str
    retest_id: str
    side: Literal["left", "right", ""] = ""
    weekdays: list[StrictInt] = Field(default_factory=list, max_length=7)
    every_days: StrictInt | None = None
    pain_limit: StrictInt | None = None
    dose: DoseIn = Field(default_factory=DoseIn)


class PlanIn(In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "starts_on": "2026-11-23",
                    "ends_on": "2026-12-21",
                    "items": [
                        {
                            "technique_id": "ankle-banded-posterior-glide",
                            "retest_id": "wblt-distance",
                            "side": "right",
                            "weekdays": [1, 3, 5],
                            "pain_limit": 2,
                            "dose": {"sets": 3},
                        }
                    ],
                }
            ]
        }
    )

    starts_on: date
    ends_on: date | None = None
    items: list[ItemIn] = Field(min_length=1, max_length=20)


class ItemUpdateIn(In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"every_days": 2, "pain_limit": 1, "dose": {"reps": 10}}]}
    )

    weekdays: list[StrictInt] = Field(default_factory=list, max_length=7)
    every_days: StrictInt | None = None
    pain_limit: StrictInt
    dose: DoseIn | None = None
    """Left out: the dose stays as it is."""


class ItemOut(Schema):
    id: uuid.UUID
    technique_id: str
    side: str
    dose: dict[str, Any]
    weekdays: list[int]
    every_days: int | None
    pain_limit: int
    retest_id: str
    removed_at: datetime | None
    precautions: list[str]
    """The technique's precautions, those of the client's caution answers first."""

    @staticmethod
    def resolve_precautions(obj: PlanItem, context: dict[str, Any]) -> list[str]:
        """The client's caution codes are read once per request, however many items."""
        found: dict[uuid.UUID, list[str]] = context["request"].__dict__.setdefault(
            "selfmob_cautions", {}
        )
        client_id = obj.plan.client_id
        if client_id not in found:
            found[client_id] = screening_gate(Client.objects.get(id=client_id)).cautions
        return item_precautions(obj, found[client_id])


class PlanOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    starts_on: date
    ends_on: date | None
    created_at: datetime
    items: list[ItemOut]


class SessionIn(In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "idempotency_key": "6f1c2a4e-8d7b-4c1e-9f3a-2b5d7e9c1a3f",
                    "performed_on": "2026-11-23",
                    "pain_rest": 2,
                    "pre": 8.0,
                    "post": 10.5,
                    "pain_during": 3,
                    "instrument": "tape-measure",
                }
            ]
        }
    )

    idempotency_key: uuid.UUID
    """Made by the caller, once per session: sending the same key again returns the session
    already stored instead of logging a second one."""
    performed_on: date
    pain_rest: StrictInt | None = None
    """Pain at rest before the session, 0-10. Required for a new session (400 without it);
    only a retry of a session stored before selfmob asked for it may leave it out. Pain
    during may rise at most the item's `pain_limit` above it and never above the ceiling
    (5/10 by default)."""
    pre: StrictFloat
    post: StrictFloat
    pain_during: StrictInt
    instrument: str = Field("", max_length=32)
    """How pre and post were measured (one of the test's instruments), if you say."""
    measured_by: str = Field("self", max_length=16)
    """Who took pre and post: `self` (the person, alone or with a helper at home; the
    default) or `clinician`. With the instrument and `readings` it picks the MDC."""
    readings: StrictInt = 1
    """How many readings were averaged into each of pre and post, 1-5."""


class NextDayPainIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"pain": 2}]})

    pain: StrictInt


class SessionOut(Schema):
    id: uuid.UUID
    idempotency_key: uuid.UUID
    client_id: uuid.UUID
    plan_item_id: uuid.UUID
    performed_on: date
    technique_id: str
    test_id: str
    side: str
    pre: float
    post: float
    instrument: str
    measured_by: str
    """`self` or `clinician`; empty for sessions logged before it was asked for."""
    readings: int | None
    change: float
    mdc: float
    """The within-session MDC that judged post against pre, chosen for how they were
    measured (docs/evidence.md, "Change in its context")."""
    mdc_level: str
    """`95`, `90` or `unstated` (the confidence level of the MDC); empty for older sessions."""
    mdc_source: str
    """The reference behind the MDC (`selfmob-defaults` when no source measured this
    context and selfmob widened the closest one); empty for older sessions."""
    mdc_fit: str
    """How the MDC fits the session's context: `exact`, `noisier`, `unstated`, `borrowed`
    or `default`; empty for older sessions."""
    verdict: str
    pain_rest: int | None
    """Pain at rest before the session; null for sessions logged before it was asked for,
    whose `over_limit` was judged by the limit alone (pain during at most `pain_limit`)."""
    pain_during: int
    pain_limit: int
    """Points pain may rise above `pain_rest` (or, without it, the most pain during)."""
    over_limit: bool
    """As judged when the session was logged; never judged again."""
    pain_next_day: int | None
    created_at: datetime


class LoggedOut(Schema):
    session: SessionOut
    created: bool
    guidance: str | None
    """Plain advice when the pain went above the limit: which part of the rule it broke (the
    rise above the pain at rest, the ceiling, or for an older session the limit alone), to
    stop, to use the easier variant, and whom to ask; or, after next-day pain, to pause
    for a review."""


class AssessIn(In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"test_id": "wblt-distance", "left": 11.5, "right": 7.0, "age": 36}]
        }
    )

    test_id: str
    left: StrictFloat | None = None
    right: StrictFloat | None = None
    age: StrictInt | None = None
    sex: Literal["f", "m"] | None = None
    cutoff: StrictFloat | None = None
    mdc: StrictFloat | None = None
    percentile: StrictFloat | None = None
    answers: dict[str, StrictBool] | None = None
    pain_limit: StrictInt | None = None


class ChangeIn(In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"test_id": "wblt-distance", "before": 7.0, "after": 9.5}]}
    )

    test_id: str
    before: StrictFloat
    after: StrictFloat
    mdc: StrictFloat | None = None
    timing: str = "between_days"
    """`between_days` (the default) or `within_session`."""
    raters: str = "same"
    """`same` (the default) or `different`: whether one person took both values."""
    measured_by: str = "clinician"
    """`clinician` (the default) or `self`: a self-test."""
    instrument: str = ""
    """One of the test's instruments, if you say."""
    readings: StrictInt = 1
    """Readings averaged into each value, 1-5."""


class AuditEntryOut(Schema):
    """One access to a client's records. Names are looked up now (None once a person or a
    client is erased); the trail itself stores only ids. `address` is shown only for your own
    accesses."""

    id: uuid.UUID
    at: datetime
    user_id: uuid.UUID | None
    """Who; None for the server's command line."""
    user_name: str | None
    client_id: uuid.UUID
    client_name: str | None
    kind: Literal["read", "export", "change", "invite", "clear", "delete"]
    interface: Literal["page", "api", "cli", "feed"]
    what: str
    """What was read or written: `progress`, `session`, `fhir`, `pdf-plan`, …; for a read,
    the first thing read in that hour."""
    record_id: uuid.UUID | None
    """The record written (a session, a plan, …), when there is one."""
    address: str | None

    @staticmethod
    def resolve_address(obj: Any) -> str | None:
        return obj.shown_address  # type: ignore[no-any-return]


class AuditQuery(Schema):
    client: uuid.UUID | None = None
    """Entries about this client only."""
    user: uuid.UUID | None = None
    """Accesses by this person only."""
    kind: Literal["read", "export", "change", "invite", "clear", "delete"] | None = None
    since: date | None = None
    """From this day on (the site's time zone)."""
    until: date | None = None
    """Up to this day, included."""


class ClientPatchIn(In):
    """The details to change; a field left out keeps its value."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "Ana Zoë Silva", "birth_year": 1991}]}
    )

    name: Line = Field(default=None, min_length=1, max_length=120)  # type: ignore[assignment]
    email: Line = Field(  # type: ignore[assignment]
        default=None, max_length=254, json_schema_extra={"format": "email"}
    )
    birth_year: StrictInt | None = None
    """A whole year, or null to clear it."""
    sex: Literal["f", "m", ""] = Field(default=None)  # type: ignore[arg-type]


class ConfirmIn(In):
    """A typed confirmation of an erasure that cannot be undone."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"confirm": "Sam Example"}]})

    confirm: Line = Field(max_length=254)
