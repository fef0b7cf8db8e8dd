"""The shape of the catalogue: every record in `data/*.toml` is validated against these models.

Models are frozen and reject unknown keys, so a typo in a data file fails loudly on load.
Every number that carries a clinical claim sits in a model with `source` (a reference id)
and `grade` (how well the number was checked: V, V2 or M, as in the clinical brief).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")]
Text = Annotated[str, StringConstraints(min_length=3, strip_whitespace=True)]

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
GLIDES: tuple[str, ...] = Glide.__args__  # type: ignore[attr-defined]

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


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Model):
    """A number (or set of numbers) and where it comes from."""

    source: Id
    grade: Grade

    @property
    def verified(self) -> bool:
        return self.grade == "V"


class Reference(Model):
    id: Id
    citation: Text
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    url: str | None = Field(default=None, pattern=r"^(https?://\S+|docs/\S+\.md(#[a-z0-9-]+)?)$")
    grade: Grade
    note: str = ""

    @model_validator(mode="after")
    def _has_address(self) -> Self:
        if not (self.doi or self.url):
            raise ValueError(f"reference {self.id} needs a doi or a url")
        return self

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else str(self.url)


class Motion(Model):
    id: Id
    name: Text
    roll: Direction | None = None
    """Direction in which the moving bone travels (its roll) during the motion."""
    stated_glide: Glide | None = None
    stated_reason: str | None = None


class Joint(Sourced):
    id: Id
    name: Text
    region: Region
    limb: Literal["upper", "lower", "spine"]
    moving_bone: Text
    convex: str | None = None
    concave: str | None = None
    rule: Literal["convex-moving", "concave-moving", "exception"]
    exception_reason: str | None = None
    motions: list[Motion] = Field(min_length=1)

    @model_validator(mode="after")
    def _rule_is_complete(self) -> Self:
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
        return self

    def motion(self, motion_id: str) -> Motion | None:
        return next((m for m in self.motions if m.id == motion_id), None)


class Stratum(Model):
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    sex: Sex | None = None

    def matches(self, age: float | None, sex: str | None) -> bool:
        if self.sex is not None and sex != self.sex:
            return False
        if self.age_min is not None and (age is None or age < self.age_min):
            return False
        return not (self.age_max is not None and (age is None or age > self.age_max))

    @property
    def label(self) -> str:
        sex = {"f": "women", "m": "men", None: "adults"}[self.sex]
        if self.age_min is None and self.age_max is None:
            return sex
        return f"{sex} aged {self.age_min or 0}–{self.age_max or 'any'}"


class Norm(Sourced):
    mean: float
    sd: float | None = Field(default=None, gt=0)
    stratum: Stratum = Stratum()
    mode: Mode
    method: Text


class Cutoff(Sourced):
    value: float
    basis: Text


class MeasurementError(Sourced):
    mdc: float = Field(gt=0)
    level: Literal["95", "90", "unstated"]
    sem: float | None = Field(default=None, gt=0)
    context: Text


class Bounds(Sourced):
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not (math.isfinite(self.min) and math.isfinite(self.max) and self.min < self.max):
            raise ValueError("physiological range must be finite with min < max")
        return self


class RomTest(Model):
    id: Id
    name: Text
    joint: Id
    motion: Id
    unit: Unit
    better: Literal["higher", "lower"] = "higher"
    instruments: list[Instrument] = Field(min_length=1)
    position: Text
    protocol: list[Text] = Field(min_length=3)
    self_testable: bool
    self_test_note: Text
    norms: list[Norm] = []
    cutoff: Cutoff | None = None
    physiological_range: Bounds
    error: MeasurementError
    asymmetry_error: MeasurementError | None = None
    notes: list[Text] = []
    references: list[Id] = []


class Dose(Sourced):
    """Default dose. `style` says how a set is paced, which the session timer follows."""

    style: Literal["oscillation", "hold", "repetitions"]
    sets: int = Field(ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=30)
    seconds: int | None = Field(default=None, ge=1, le=180)
    pace_seconds: float | None = Field(default=None, gt=0, le=10)
    rest_seconds: int = Field(ge=0, le=180)
    per_week_min: int = Field(ge=1, le=21)
    per_week_max: int = Field(ge=1, le=21)

    @model_validator(mode="after")
    def _style_is_complete(self) -> Self:
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
        return self


class Technique(Model):
    id: Id
    name: Text
    joint: Id
    motions: list[Id] = Field(min_length=1)
    glide: Glide
    glide_reason: Text
    glide_exception: str | None = None
    method: Method
    equipment: list[Equipment] = Field(min_length=1)
    position: Text
    steps: list[Text] = Field(min_length=3)
    cues: list[Text] = []
    dose: Dose
    progression: list[Text] = Field(min_length=1)
    regression: list[Text] = Field(min_length=1)
    precautions: list[Text] = Field(min_length=1)
    contraindications: list[Text] = Field(min_length=1)
    evidence: list[Id] = Field(min_length=1)
    evidence_level: Literal["rct", "trial", "review", "case-series", "expert"]


class Question(Sourced):
    id: Id
    text: Text
    group: Literal["general", "cervical"]
    if_yes: Literal["refer", "caution"]
    urgent: bool = False
    advice: Text


class PainPolicy(Sourced):
    default_limit: int = Field(ge=0, le=10)
    coach_min: int = Field(ge=0, le=10)
    coach_max: int = Field(ge=0, le=10)
    next_day_rise: int = Field(ge=1, le=10)
    next_day_source: Id
    next_day_grade: Grade
    references: list[Id] = []


class FrequencyPolicy(Sourced):
    every_days_min: int = Field(ge=1)
    every_days_max: int = Field(ge=1)
    per_week_min: int = Field(ge=1)
    carry_over: list[Id] = Field(min_length=1)


class FlagPolicy(Sourced):
    no_gain_sessions: int = Field(ge=1)
    falling_in_a_row: int = Field(ge=1)
    silent_days: int = Field(ge=1)


class Policy(Model):
    pain: PainPolicy
    frequency: FrequencyPolicy
    flags: FlagPolicy
