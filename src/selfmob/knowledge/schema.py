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
    """Healthy people's values for one stratum, stored as the source states them.

    The spread comes from `sd` when the source gives it, or from a 95% confidence interval of
    the mean and the sample size (`ci_low`, `ci_high`, `n`), which `spread` turns into an SD.
    A norm with no stated ages (`stratum` without `age_min`/`age_max`) applies to the adult
    ages the policy sets (`limits.adult_ages_*`), never to children or older people."""

    mean: float
    sd: Annotated[float, Meta(gt=0)] | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: Annotated[int, Meta(ge=2)] | None = None
    stratum: Stratum = field(default_factory=Stratum)
    mode: Mode
    method: Text

    def __post_init__(self) -> None:
        given = [x is not None for x in (self.ci_low, self.ci_high, self.n)]
        if any(given) and not all(given):
            raise ValueError("a confidence interval needs ci_low, ci_high and n together")
        low, high = self.ci_low, self.ci_high
        if low is not None and high is not None and not low < self.mean < high:
            raise ValueError("the mean must lie inside its confidence interval")

    @property
    def spread(self) -> tuple[float, str] | None:
        """The SD and how it was found, or None when the source gives no spread."""
        if self.sd is not None:
            return self.sd, "SD as reported"
        if self.ci_low is not None and self.ci_high is not None and self.n is not None:
            sd = (self.ci_high - self.ci_low) / (2 * 1.96) * math.sqrt(self.n)
            return sd, f"SD derived from the 95% CI of the mean and n = {self.n}"
        return None


class Cutoff(Sourced, frozen=True, kw_only=True):
    """A published clinical cut-off: below it (for higher-is-better tests) is restricted.

    `stratum` says whom the source studied; with no ages it applies to the policy's adult
    ages only."""

    value: float
    basis: Text
    stratum: Stratum = field(default_factory=Stratum)


class MeasurementError(Sourced, frozen=True, kw_only=True):
    mdc: Annotated[float, Meta(gt=0)]
    level: Literal["95", "90", "unstated"]
    sem: Annotated[float, Meta(gt=0)] | None = None
    context: Text


Timing = Literal["within_session", "between_days"]
Raters = Literal["same", "different"]
Tester = Literal["clinician", "self"]


class ContextError(MeasurementError, frozen=True, kw_only=True):
    """An MDC with the context its source measured it in (rules/mdc.py picks one per change).
    `unstated` where the source does not say; `instrument` None where it used several or
    did not say; `trials` the number of readings averaged into one value, None when unstated."""

    timing: Timing | Literal["unstated"]
    raters: Raters | Literal["unstated"]
    tester: Tester = "clinician"
    instrument: Instrument | None = None
    instrument_other: Text | None = None
    """An instrument the test does not offer, named in words (e.g. a phone compass app)."""
    trials: Annotated[int, Meta(ge=1, le=10)] | None = None
    borrowed: bool = False
    """Measured on another test or measure (an accuracy figure, a neighbouring joint): never
    an exact fit."""


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
    error: ContextError
    """The test's headline error: the MDC for between days, the same rater, where known.
    It also sets the margins of the limit of normal and the asymmetry rule."""
    errors: list[ContextError] = []
    """MDCs of other measurement contexts (another rater, within one session, an
    instrument), each with its source."""
    asymmetry_error: MeasurementError | None = None
    limit_percentile: Annotated[float, Meta(gt=0, lt=50)] | None = None
    """This test's own percentile for the limit of normal, instead of the policy's."""
    limit_percentile_source: Id | None = None
    notes: list[Text] = []
    references: list[Id] = []

    def __post_init__(self) -> None:
        if (self.limit_percentile is None) != (self.limit_percentile_source is None):
            raise ValueError(f"test {self.id}: limit_percentile needs limit_percentile_source")
        if (self.cutoff is None) == (self.no_cutoff_reason is None):
            raise ValueError(f"test {self.id}: give either a cutoff or no_cutoff_reason")
        foreign = [
            e.instrument for e in self.contexts if e.instrument not in (None, *self.instruments)
        ]
        if foreign:
            raise ValueError(
                f"test {self.id}: an MDC names instruments it does not offer {foreign}"
            )

    @property
    def contexts(self) -> list[ContextError]:
        """Every MDC with its context, the headline error first."""
        return [self.error, *self.errors]


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
    avoid_if: list[Id] = []
    """Screen questions whose yes leaves this technique out; the question's advice says why."""
    caution_if: list[Id] = []
    """Screen questions whose yes keeps the technique but adds the question's precaution."""
    weight_bearing: bool = False
    """Done with body weight through the joint: ranked after the others when a screen answer
    asks for non-weight-bearing work first (a question with `ranks_down = ["weight-bearing"]`)."""
    upper_neck: bool = False
    """Aimed at the upper cervical spine (C0-C2): questions with `refer_for = ["upper-neck"]`
    refer rather than caution for it."""


Scope = Literal[
    "upper-neck", "neck", "thoracic", "lumbar", "shoulder", "elbow", "wrist", "hand", "hip",
    "knee", "ankle", "foot",
]  # fmt: skip
"""Where a caution question refers: a region of the joint assessed, or `upper-neck` for the
techniques marked `upper_neck`."""


class Question(Sourced, frozen=True, kw_only=True):
    """One yes/no screen question; yes always means concern. Ids are stable: a question whose
    meaning changes gets a new id and the old one is `retired` (still read in stored answers,
    no longer asked)."""

    id: Id
    text: Text
    group: Literal["general", "cervical"]
    if_yes: Literal["refer", "caution"]
    urgent: bool = False
    advice: Text
    refer_for: list[Scope] = []
    """For a caution question: the scopes where a yes refers instead (e.g. a cancer history
    refers for the spine, not for a stiff ankle)."""
    ranks_down: list[Literal["weight-bearing"]] = []
    """Techniques of these kinds are ranked after the others when the answer is yes."""
    counts_as_child: bool = False
    """A yes applies the child rule (`limits.child_age`) whatever the age given."""
    retired: bool = False
    replaced_by: list[Id] = []

    def __post_init__(self) -> None:
        if self.refer_for and self.if_yes != "caution":
            raise ValueError(f"question {self.id}: refer_for only applies to a caution question")
        if self.retired and not self.replaced_by:
            raise ValueError(f"question {self.id}: a retired question names its replacements")


class PainPolicy(Sourced, frozen=True, kw_only=True):
    """`source` and `grade` cover the limit (how far pain may rise above the pain at rest);
    `ceiling_*` the most pain allowed during a technique; `next_day_*` the review trigger."""

    where: dict[str, str] = {}
    """Where in its source each number is found, by name."""
    default_limit: Annotated[int, Meta(ge=0, le=10)]
    coach_min: Annotated[int, Meta(ge=0, le=10)]
    coach_max: Annotated[int, Meta(ge=0, le=10)]
    ceiling: Annotated[int, Meta(ge=1, le=10)]
    ceiling_source: Id
    ceiling_grade: Grade
    next_day_rise: Annotated[int, Meta(ge=1, le=10)]
    next_day_source: Id
    next_day_grade: Grade
    references: list[Id] = []


class FrequencyPolicy(Sourced, frozen=True, kw_only=True):
    """`source` and `grade` cover the every-1-2-days interval; `per_week_*` the weekly floor."""

    where: dict[str, str] = {}
    """Where in its source each number is found, by name."""

    every_days_min: Annotated[int, Meta(ge=1)]
    every_days_max: Annotated[int, Meta(ge=1)]
    per_week_min: Annotated[int, Meta(ge=1)]
    per_week_source: Id
    per_week_grade: Grade
    carry_over: Annotated[list[Id], Meta(min_length=1)]


class FlagPolicy(Sourced, frozen=True, kw_only=True):
    where: dict[str, str] = {}
    """Where in its source each number is found, by name."""
    no_gain_sessions: Annotated[int, Meta(ge=1)]
    falling_in_a_row: Annotated[int, Meta(ge=1)]
    silent_days: Annotated[int, Meta(ge=1)]


class LimitPolicy(Sourced, frozen=True, kw_only=True):
    """How a side is judged against healthy people (see rules/measures.py and rules/assess.py)."""

    where: dict[str, str] = {}
    """Where in its source each number is found, by name."""

    percentile: Annotated[float, Meta(gt=0, lt=50)]
    percentile_source: Id
    percentile_grade: Grade
    assumed_cv: Annotated[float, Meta(gt=0, lt=1)]
    """With a mean but no spread and no cut-off: SD taken as this fraction of the mean."""
    adult_ages_min: Annotated[int, Meta(ge=0, le=120)]
    adult_ages_max: Annotated[int, Meta(ge=0, le=120)]
    """Ages a norm or cut-off without stated ages applies to."""
    adult_ages_source: Id
    adult_ages_grade: Grade
    child_age: Annotated[int, Meta(ge=1, le=21)]
    """Below this age any restriction, borderline side or real asymmetry is referred."""
    child_source: Id
    child_grade: Grade
    severe_fraction: Annotated[float, Meta(gt=0, lt=1)]
    """A side under this fraction of the stratum's mean is referred as a severe loss."""
    severe_source: Id
    severe_grade: Grade
    severe_sds: Annotated[float, Meta(gt=0)]
    """Where the spread is known, a severe loss also lies this many SDs below the mean."""
    asymmetry_mdcs: Annotated[float, Meta(ge=1)]
    """Without a known spread, a borderline side is restricted by a difference of more than
    this many MDCs."""
    side_correlation: Annotated[float, Meta(ge=0, lt=1)]
    """Between-side correlation of healthy people (the healthy-difference range)."""


class RetestPolicy(Sourced, frozen=True, kw_only=True):
    """Re-test days: every `every_days` from a plan's start, and on its last day."""

    where: dict[str, str] = {}
    """Where in its source each number is found, by name."""

    every_days: Annotated[int, Meta(ge=1, le=90)]


class ChangePolicy(Sourced, frozen=True, kw_only=True):
    """How a change is judged where no source measured its context (rules/mdc.py)."""

    where: dict[str, str] = {}
    """Where in its source each number is found, by name."""
    unmatched_factor: Annotated[float, Meta(ge=1, le=3)]


class Policy(Model, frozen=True, kw_only=True):
    limits: LimitPolicy
    pain: PainPolicy
    frequency: FrequencyPolicy
    flags: FlagPolicy
    retest: RetestPolicy
    change: ChangePolicy

    def values(self) -> list[PolicyValue]:
        """Every number of the policy with the reference and grade that cover it: its own
        `<name>_source`/`<name>_grade`, else the section's `source`/`grade`."""
        found = []
        for section in ("limits", "pain", "frequency", "flags", "retest", "change"):
            table = getattr(self, section)
            for name in table.__struct_fields__:
                value = getattr(table, name)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    continue
                own = _own_source(table, name)
                source, grade = own or (table.source, table.grade)
                where = table.where.get(name, "")
                found.append(PolicyValue(section, name, value, source, grade, where))
        return found


def _own_source(table: Sourced, name: str) -> tuple[str, str] | None:
    for prefix in (name, name.rsplit("_", 1)[0]):
        source = getattr(table, f"{prefix}_source", None)
        grade = getattr(table, f"{prefix}_grade", None)
        if source and grade:
            return str(source), str(grade)
    return None


class PolicyValue(msgspec.Struct, frozen=True):
    section: str
    name: str
    value: float
    source: str
    grade: str
    where: str
    """Where in the source the number is found (a table, page or section)."""
