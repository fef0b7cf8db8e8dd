"""Classify measured values: against the norm for the person, and left against right.

Thresholds, in order of precedence:
1. a cut-off the coach set (an override);
2. the normative mean for the person's age-and-sex stratum minus the test's MDC
   ("measurably below the average of healthy people like you");
3. the test's default cut-off (a configurable default, labelled with its grade);
4. an unstratified normative mean minus the MDC.
With none of these the side is `no_norm`. A value exactly at the threshold is within normal.

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
            unit=_unit_word(test.unit),
            low=bounds.min,
            high=bounds.max,
            test=test.id,
        )
        raise KnowledgeError(message, field=field_name)
    return float(value)


def checked_mdc(mdc: float | None) -> float | None:
    if mdc is not None and not (math.isfinite(mdc) and mdc > 0):
        raise KnowledgeError(errors.BAD_MDC.format(value=mdc), field="mdc")
    return mdc


def _unit_word(unit: str) -> str:
    return "deg" if unit == "deg" else unit


def stratum_norm(test: RomTest, person: Person) -> Norm | None:
    """The most specific normative value whose stratum matches the person, if any."""
    matching = [n for n in test.norms if n.stratum.matches(person.age, person.sex)]
    if not matching:
        return None
    return max(matching, key=_specificity)


def _specificity(norm: Norm) -> int:
    s = norm.stratum
    return sum(x is not None for x in (s.age_min, s.age_max, s.sex))


def threshold(test: RomTest, person: Person, *, cutoff: float | None = None) -> Threshold | None:
    mdc = test.error.mdc
    if cutoff is not None:
        value = checked_value(test, cutoff, field_name="cutoff")
        return Threshold(value, "the cut-off set by the coach", (), "coach")
    norm = stratum_norm(test, person)
    if norm is not None and _specificity(norm) > 0:
        return _norm_threshold(test, norm, mdc)
    if test.cutoff is not None:
        c = test.cutoff
        return Threshold(c.value, c.basis, (c.source,), c.grade)
    if norm is not None:
        return _norm_threshold(test, norm, mdc)
    return None


def _norm_threshold(test: RomTest, norm: Norm, mdc: float) -> Threshold:
    value = round(norm.mean - mdc, PRECISION)
    basis = (
        f"the mean of {fmt(norm.mean, test.unit)} for {norm.stratum.label} "
        f"({norm.mode}, {norm.method}) minus the test's MDC of {fmt(mdc, test.unit)}"
    )
    grade = "V" if norm.grade == "V" and test.error.grade == "V" else "M"
    return Threshold(value, basis, (norm.source, test.error.source), grade)


def classify_side(
    test: RomTest, side: str, value: float, person: Person, *, cutoff: float | None = None
) -> SideResult:
    value = checked_value(test, value, field_name=side)
    limit = threshold(test, person, cutoff=cutoff)
    shown = fmt(value, test.unit)
    if limit is None:
        reason = f"{side.capitalize()} {shown}: no norm or cut-off for this test and person."
        return SideResult(side, value, "no_norm", None, [reason])
    below = _worse(test, value, limit.value)
    status: Status = "restricted" if below else "within_normal"
    relation = "below" if below else "at or above"
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
