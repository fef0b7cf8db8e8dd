"""Request and response bodies. Requests refuse unknown fields and non-finite numbers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictFloat, StrictInt

Side = Literal["left", "right"]


class In(Schema):
    """Numbers must be JSON numbers and booleans JSON booleans: "5" or 1 for true is refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str]


class Error(Schema):
    error: ErrorBody


class MeOut(Schema):
    id: uuid.UUID
    email: str
    name: str
    role: str
    client_id: uuid.UUID | None


class ClientIn(In):
    name: str = Field(min_length=1, max_length=120)
    email: str = Field(max_length=254)
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

    @staticmethod
    def resolve_has_account(obj: Any) -> bool:
        return obj.user_id is not None


class InviteOut(Schema):
    url: str
    expires_at: datetime


class ScreeningIn(In):
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
    note: str = Field(min_length=3, max_length=2000)


class MeasurementIn(In):
    test_id: str
    side: Side
    trials: list[StrictFloat] = Field(min_length=1, max_length=3)
    instrument: str
    position: str = ""


class AssessmentIn(In):
    measured_on: date
    measured_by: str = Field(min_length=1, max_length=120)
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
    starts_on: date
    ends_on: date | None = None
    items: list[ItemIn] = Field(min_length=1, max_length=20)


class ItemUpdateIn(In):
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


class PlanOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    starts_on: date
    ends_on: date | None
    created_at: datetime
    items: list[ItemOut]


class SessionIn(In):
    idempotency_key: uuid.UUID
    """Made by the caller, once per session: sending the same key again returns the session
    already stored instead of logging a second one."""
    performed_on: date
    pre: StrictFloat
    post: StrictFloat
    pain_during: StrictInt
    instrument: str = Field("", max_length=32)
    """How pre and post were measured (one of the test's instruments), if you say."""


class NextDayPainIn(In):
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
    change: float
    mdc: float
    verdict: str
    pain_during: int
    pain_limit: int
    over_limit: bool
    pain_next_day: int | None
    created_at: datetime


class LoggedOut(Schema):
    session: SessionOut
    created: bool
    guidance: str | None
    """Plain advice when the pain went above the limit (stop, easier variant, tell the coach)."""


class AssessIn(In):
    test_id: str
    left: StrictFloat | None = None
    right: StrictFloat | None = None
    age: StrictInt | None = None
    sex: Literal["f", "m"] | None = None
    cutoff: StrictFloat | None = None
    mdc: StrictFloat | None = None
    answers: dict[str, StrictBool] | None = None
    pain_limit: StrictInt | None = None


class ChangeIn(In):
    test_id: str
    before: StrictFloat
    after: StrictFloat
    mdc: StrictFloat | None = None
