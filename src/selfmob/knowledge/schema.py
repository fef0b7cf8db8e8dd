"""The shape of the catalogue: every record in `data/*.toml` is validated against these models.

Models are frozen and reject unknown keys, so a typo in a data file fails loudly on load.
Every number that carries a clinical claim sits in a model with `source` (a reference id)
and `grade` (how well the number was checked: V, V2 or M, as in the clinical brief).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, TypeVar, get_args

import msgspec
from msgspec import Meta, field

Id = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")]
Text = Annotated[str, Meta(min_length=3)]

Grade = Literal["V", "V2", "M"]
"""V: checked in the cited source. V2: secondary source only. M: unverified default."""

Direction = Literal[
    "posterior", "anterior", "inferior", "superior", "volar", "dorsal", "medial", "lateral",
    "plantar",
]  # fmt: skip
Glide = Literal[
    "posterior", "anterior", "inferior", "superior", "volar", "dorsal", "medial", "lateral",
    "plantar", "distraction", "none",
]  # fmt: skip
GLIDES: tuple[str, ...] = get_args(Glide)

Unit = Literal["deg", "cm"]
Sex = Literal["f", "m"]
Mode = Literal["active", "passive"]
Instrument = Literal["goniometer", "inclinometer", "phone-inclinometer", "tape-measure", "crom"]
Equipment = Literal[
    "band", "hands", "strap", "towel", "wall", "foam-roller", "ball", "chair", "table", "step",
    "none",
]  # fmt: skip
Region = Literal[
    "neck", "thoracic", "lumbar", "shoulder", "elbow", "wrist", "hand", "hip", "knee", "ankle",
    "foot",
]  # fmt: skip
Method = Literal["oscillation", "sustained", "mwm", "active"]
"""How the force is applied. Grades I-IV only: there is deliberately no thrust (grade V)."""


class SchemaError(ValueError):
    """A record does not fit its model; the message names the field."""


M = TypeVar("M", bound="Model")


class Model(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Records are immutable and reject unknown keys. msgspec rather than pydantic keeps
    the command line fast: importing pydantic alone costs most of a 250 ms budget."""


def validate(model: type[M], data: object) -> M:
    try:
        return msgspec.convert(data, type=model, strict=True)
    except msgspec.ValidationError as exc:
        raise SchemaError(str(exc)) from None


def as_dict(record: Model) -> dict[str, object]:
    data: dict[str, object] = msgspec.to_builtins(record)
    return data


class Sourced(Model, frozen=True, kw_only=True):
    """A number (or set of numbers) and where it comes from."""

    source: Id
    grade: Grade


class Reference(Model, frozen=True, kw_only=True):
    id: Id
    citation: Text
    doi: Annotated[str, Meta(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    url: Annotated[str, Meta(pattern=r"^(https?://\S+|docs/\S+\.md(#[a-z0-9-]+)?)$")] | None = None
    grade: Grade

    def __post_init__(self) -> None:
        if not (self.doi or self.url):
            raise ValueError(f"reference {self.id} needs a doi or a url")

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else str(self.url)


class Motion(Model, frozen=True, kw_only=True):
    id: Id
    name: Text
    roll: Direction | None = None
    """Direction in which the moving bone travels (its roll) during the motion."""
    stated_glide: Glide | None = None
    stated_reason: str | None = None


class Joint(Sourced, frozen=True, kw_only=True):
    id: Id
    name: Text
    region: Region
    limb: Literal["upper", "lower", "spine"]
    moving_bone: Text
    convex: str | None = None
    concave: str | None = None
    rule: Literal["convex-moving", "concave-moving", "exception"]
    exception_reason: str | None = None
    motions: Annotated[list[Motion], Meta(min_length=1)]

    def __post_init__(self) -> None:
        if self.rule == "exception":
            if not self.exception_reason:
                raise ValueError(f"joint {self.id}: an exception needs exception_reason")
            missing = [m.id for m in self.motions if not (m.stated_glide and m.stated_reason)]
            if missing:
                raise ValueError(f"joint {self.id}: state glide and reason for {missing}")
        else:
            if not (self.convex and self.concave):
                raise ValueError(f"joint {self.id}: name the convex and the concave surface")
            missing = [m.id for m in self.motions if m.roll is None]
            if missing:
                raise ValueError(f"joint {self.id}: give the roll direction for {missing}")

    def motion(self, motion_id: str) -> Motion | None:
        return next((m for m in self.motions if m.id == motion_id), None)


class Stratum(Model, frozen=True, kw_only=True):
    age_min: Annotated[int, Meta(ge=0, le=120)] | None = None
    age_max: Annotated[int, Meta(ge=0, le=120)] | None = None
    sex: Sex | None = None

    def matches(self, age: float | None, sex: str | None) -> bool:
        if self.sex is not None and sex != self.sex:
            return False
        years = None if age is None else math.floor(age)  # age bands are in whole years
        if self.age_min is not None and (years is None or years < self.age_min):
            return False
        return not (self.age_max is not None and (years is None or years > self.age_max))

    @property
    def label(self) -> str:
        sex = {"f": "women", "m": "men", None: "adults"}[self.sex]
        if self.age_min is None and self.age_max is None:
            return sex
        return f"{sex} aged {self.age_min or 0}–{self.age_max or 'any'}"


class Norm(Sourced, frozen=True, kw_only=True):
    mean: float
    sd: Annotated[float, Meta(gt=0)] | None = None
    stratum: Stratum = field(default_factory=Stratum)
    mode: Mode
    method: Text


class Cutoff(Sourced, frozen=True, kw_only=True):
    value: float
    basis: Text


class MeasurementError(Sourced, frozen=True, kw_only=True):
    mdc: Annotated[float, Meta(gt=0)]
    level: Literal["95", "90", "unstated"]
    sem: Annotated[float, Meta(gt=0)] | None = None
    context: Text


class Bounds(Sourced, frozen=True, kw_only=True):
    min: float
    max: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.min) and math.isfinite(self.max) and self.min < self.max):
            raise ValueError("physiological range must be finite with min < max")


class RomTest(Model, frozen=True, kw_only=True):
    id: Id
    name: Text
    joint: Id
    motion: Id
    unit: Unit
    mode: Mode
    """Active or passive: only norms of the same mode set a threshold."""
    better: Literal["higher", "lower"] = "higher"
    instruments: Annotated[list[Instrument], Meta(min_length=1)]
    position: Text
    protocol: Annotated[list[Text], Meta(min_length=3)]
    self_testable: bool
    self_test_note: Text
    norms: list[Norm] = []
    cutoff: Cutoff | None = None
    no_cutoff_reason: Text | None = None
    physiological_range: Bounds
    error: MeasurementError
    asymmetry_error: MeasurementError | None = None
    notes: list[Text] = []
    references: list[Id] = []

    def __post_init__(self) -> None:
        if (self.cutoff is None) == (self.no_cutoff_reason is None):
            raise ValueError(f"test {self.id}: give either a cutoff or no_cutoff_reason")


class Dose(Sourced, frozen=True, kw_only=True):
    """Default dose. `style` says how a set is paced, which the session timer follows."""

    style: Literal["oscillation", "hold", "repetitions"]
    sets: Annotated[int, Meta(ge=1, le=10)]
    reps: Annotated[int, Meta(ge=1, le=30)] | None = None
    seconds: Annotated[int, Meta(ge=1, le=180)] | None = None
    pace_seconds: Annotated[float, Meta(gt=0, le=10)] | None = None
    rest_seconds: Annotated[int, Meta(ge=0, le=180)]
    per_week_min: Annotated[int, Meta(ge=1, le=21)]
    per_week_max: Annotated[int, Meta(ge=1, le=21)]

    def __post_init__(self) -> None:
        need = {
            "oscillation": ("seconds", "pace_seconds"),
            "hold": ("reps", "seconds"),
            "repetitions": ("reps",),
        }[self.style]
        missing = [name for name in need if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.style} dose needs {', '.join(missing)}")
        if self.per_week_min > self.per_week_max:
            raise ValueError("per_week_min is above per_week_max")


class Technique(Model, frozen=True, kw_only=True):
    id: Id
    name: Text
    joint: Id
    motions: Annotated[list[Id], Meta(min_length=1)]
    glide: Glide
    glide_reason: Text
    glide_exception: str | None = None
    method: Method
    equipment: Annotated[list[Equipment], Meta(min_length=1)]
    position: Text
    steps: Annotated[list[Text], Meta(min_length=3)]
    cues: list[Text] = []
    dose: Dose
    progression: Annotated[list[Text], Meta(min_length=1)]
    regression: Annotated[list[Text], Meta(min_length=1)]
    precautions: Annotated[list[Text], Meta(min_length=1)]
    contraindications: Annotated[list[Text], Meta(min_length=1)]
    evidence: Annotated[list[Id], Meta(min_length=1)]
    evidence_level: Literal["rct", "trial", "review", "case-series", "expert"]


class Question(Sourced, frozen=True, kw_only=True):
    id: Id
    text: Text
    group: Literal["general", "cervical"]
    if_yes: Literal["refer", "caution"]
    urgent: bool = False
    advice: Text


class PainPolicy(Sourced, frozen=True, kw_only=True):
    default_limit: Annotated[int, Meta(ge=0, le=10)]
    coach_min: Annotated[int, Meta(ge=0, le=10)]
    coach_max: Annotated[int, Meta(ge=0, le=10)]
    next_day_rise: Annotated[int, Meta(ge=1, le=10)]
    next_day_source: Id
    next_day_grade: Grade
    references: list[Id] = []


class FrequencyPolicy(Sourced, frozen=True, kw_only=True):
    every_days_min: Annotated[int, Meta(ge=1)]
    every_days_max: Annotated[int, Meta(ge=1)]
    per_week_min: Annotated[int, Meta(ge=1)]
    carry_over: Annotated[list[Id], Meta(min_length=1)]


class FlagPolicy(Sourced, frozen=True, kw_only=True):
    no_gain_sessions: Annotated[int, Meta(ge=1)]
    falling_in_a_row: Annotated[int, Meta(ge=1)]
    silent_days: Annotated[int, Meta(ge=1)]


class RetestPolicy(Sourced, frozen=True, kw_only=True):
    """Re-test days: every `every_days` from a plan's start, and on its last day."""

    every_days: Annotated[int, Meta(ge=1, le=90)]


class Policy(Model, frozen=True, kw_only=True):
    pain: PainPolicy
    frequency: FrequencyPolicy
    flags: FlagPolicy
    retest: RetestPolicy
