"""Classify measured values: against the norm for the person, and left against right.

The threshold for a side is the cut-off the coach set, if any. Otherwise it is the more
lenient of two defaults, where they exist:
- the test's default cut-off (labelled with its grade: a configurable default when weak);
- the normative mean for the person's age-and-sex stratum (or an unstratified mean), of the
  same mode as the test (active or passive), minus the test's MDC: "measurably below the
  average of healthy people like you". Norms of the other mode are never used.
With neither, the side is `no_norm`. A value exactly at the threshold is within normal.

A left-right difference is real when it exceeds the MDC (equal counts as within error); the
worse side of a real difference is restricted by asymmetry even where no norm exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from selfmob.knowledge import errors
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.schema import MeasurementError, Norm, RomTest

Status = Literal["restricted", "within_normal", "no_norm"]
SIDES = ("left", "right")
PRECISION = 6  # round differences so that 10.0 - 8.4 compares equal to 1.6


@dataclass(frozen=True)
class Person:
    age: float | None = None
    sex: str | None = None

    def __post_init__(self) -> None:
        if self.age is not None and not (math.isfinite(self.age) and 0 <= self.age <= 120):
            raise KnowledgeError(errors.BAD_AGE.format(value=self.age), field="age")
        if self.sex not in (None, "f", "m"):
            raise KnowledgeError(errors.BAD_SEX.format(value=self.sex), field="sex")


@dataclass(frozen=True)
class Threshold:
    value: float
    basis: str
    sources: tuple[str, ...]
    grade: str
    """V, V2 or M for catalogue defaults; "coach" for an override."""


@dataclass(frozen=True)
class SideResult:
    side: str
    value: float
    status: Status
    threshold: Threshold | None
    reasons: list[str]
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Asymmetry:
    difference: float
    mdc: float
    real: bool
    worse_side: str | None
    reasons: list[str]
    sources: list[str]


def fmt(value: float, unit: str) -> str:
    number = f"{round(value, 2):g}"
    return f"{number}°" if unit == "deg" else f"{number} {unit}"


def checked_value(test: RomTest, value: float, *, field_name: str) -> float:
    """Reject a value that is not finite or lies outside the test's physiological range."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise KnowledgeError(
            errors.NOT_FINITE.format(field=field_name, value=value), field=field_name
        )
    bounds = test.physiological_range
    if not bounds.min <= value <= bounds.max:
        message = errors.OUT_OF_RANGE.format(
            field=field_name,
            value=value,
            unit=test.unit,
            low=bounds.min,
            high=bounds.max,
            test=test.id,
        )
        raise KnowledgeError(message, field=field_name)
    return float(value) + 0.0  # +0.0 turns -0.0 into 0.0


def checked_mdc(mdc: float | None) -> float | None:
    if mdc is not None and not (math.isfinite(mdc) and mdc > 0):
        raise KnowledgeError(errors.BAD_MDC.format(value=mdc), field="mdc")
    return mdc


def stratum_norm(test: RomTest, person: Person) -> Norm | None:
    """The most specific norm of the test's mode whose stratum matches the person."""
    matching = [
        n for n in test.norms if n.mode == test.mode and n.stratum.matches(person.age, person.sex)
    ]
    return max(matching, key=_specificity) if matching else None


def _specificity(norm: Norm) -> int:
    s = norm.stratum
    return sum(x is not None for x in (s.age_min, s.age_max, s.sex))


def threshold(test: RomTest, person: Person, *, cutoff: float | None = None) -> Threshold | None:
    if cutoff is not None:
        value = checked_value(test, cutoff, field_name="cutoff")
        return Threshold(value, "the cut-off set by the coach", (), "coach")
    options = [t for t in (_cutoff_threshold(test), _norm_threshold(test, person)) if t]
    if not options:
        return None
    lenient = min if test.better == "higher" else max
    return lenient(options, key=lambda t: t.value)


def _cutoff_threshold(test: RomTest) -> Threshold | None:
    c = test.cutoff
    return Threshold(c.value, c.basis, (c.source,), c.grade) if c else None


def _norm_threshold(test: RomTest, person: Person) -> Threshold | None:
    norm = stratum_norm(test, person)
    if norm is None:
        return None
    mdc = test.error.mdc
    sign, word = (-1, "minus") if test.better == "higher" else (1, "plus")
    value = round(norm.mean + sign * mdc, PRECISION)
    basis = (
        f"measurably worse than average: the mean of {fmt(norm.mean, test.unit)} for "
        f"{norm.stratum.label} ({norm.mode}, {norm.method}) {word} the test's MDC of "
        f"{fmt(mdc, test.unit)}"
    )
    sources = tuple(dict.fromkeys((norm.source, test.error.source)))
    return Threshold(value, basis, sources, weaker(norm.grade, test.error.grade))


def weaker(*grades: str) -> str:
    return max(grades, key=("V", "V2", "M").index)


def classify_side(
    test: RomTest, side: str, value: float, person: Person, *, cutoff: float | None = None
) -> SideResult:
    value = checked_value(test, value, field_name=side)
    limit = threshold(test, person, cutoff=cutoff)
    shown = fmt(value, test.unit)
    if limit is None:
        reason = f"{side.capitalize()} {shown}: no norm or cut-off for this test and person."
        return SideResult(side, value, "no_norm", None, [reason])
    worse = _worse(test, value, limit.value)
    status: Status = "restricted" if worse else "within_normal"
    relation = {
        ("higher", True): "below",
        ("higher", False): "at or above",
        ("lower", True): "above",
        ("lower", False): "at or below",
    }[(test.better, worse)]
    grade_note = "" if limit.grade in ("V", "coach") else f" [grade {limit.grade}]"
    reason = (
        f"{side.capitalize()} {shown} is {relation} the threshold of "
        f"{fmt(limit.value, test.unit)}: {limit.basis.rstrip('.')}{grade_note}."
    )
    return SideResult(side, value, status, limit, [reason], list(limit.sources))


def _worse(test: RomTest, value: float, reference: float) -> bool:
    if test.better == "higher":
        return round(value - reference, PRECISION) < 0
    return round(value - reference, PRECISION) > 0


def asymmetry_error(test: RomTest) -> MeasurementError:
    return test.asymmetry_error or test.error


def classify_asymmetry(
    test: RomTest, left: float, right: float, *, mdc: float | None = None
) -> Asymmetry:
    error = asymmetry_error(test)
    limit = checked_mdc(mdc) or error.mdc
    difference = round(abs(left - right), PRECISION)
    real = difference > round(limit, PRECISION)
    worse = None
    if real:
        worse = "left" if _worse(test, left, right) else "right"
    source = [] if mdc is not None else [error.source]
    basis = (
        "set by the coach" if mdc is not None else f"{error.context.rstrip('.')} ({error.source})"
    )
    verdict = (
        f"more than the MDC of {fmt(limit, test.unit)}, so the {worse} side is measurably worse"
        if real
        else f"not more than the MDC of {fmt(limit, test.unit)}, so within measurement error"
    )
    reason = f"Left-right difference {fmt(difference, test.unit)} is {verdict}; MDC: {basis}."
    return Asymmetry(difference, limit, real, worse, [reason], source)
