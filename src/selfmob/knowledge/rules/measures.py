"""Classify measured values: against healthy people like the person, and left against right.

The limit of normal for a side, in this order (a rule of ours is graded as ours):
1. the cut-off the coach set, if any;
2. a percentile of healthy people of the person's age-and-sex stratum, from a norm with a
   spread (an SD, or one derived from a 95% CI of the mean and n): mean - z(p) SD, with p the
   coach's, the test's or the policy's percentile (default the 5th);
3. a published clinical cut-off for the person's ages;
4. a labelled default: a norm's mean minus z(p) times an assumed SD (`limits.assumed_cv` of the
   mean), graded M; not where that SD would be smaller than the test's SEM (a mean near zero,
   such as knee hyperextension), since no spread can be smaller than measurement error.
Norms of the other mode (active or passive) never count. A norm or cut-off with no stated
ages applies to the policy's adult ages only; outside every stratum the side is `no_norm`
and the reason says no reference fits, rather than comparing with young adults.

Statuses: `restricted` below the limit; `borderline` at or above it but less than one MDC
above (it cannot be told apart from measurement error: re-test, no technique); otherwise
`within_normal`; `no_norm` without a limit. A left-right difference is real when it exceeds
the MDC (equal counts as within error).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Literal

from selfmob.knowledge import errors
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.schema import LimitPolicy, MeasurementError, Norm, RomTest, Stratum

Status = Literal["restricted", "borderline", "within_normal", "no_norm"]
Method = Literal["coach", "percentile", "cutoff", "assumed-spread"]
SIDES = ("left", "right")
PRECISION = 6  # round differences so that 10.0 - 8.4 compares equal to 1.6
GRADES = ("V", "V2", "M")


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
    """The limit of normal for one person and test, and how it was found."""

    value: float
    method: Method
    basis: str
    sources: tuple[str, ...]
    grade: str
    """The weakest of its inputs (V, V2 or M; our rules are M); "coach" for an override."""
    mean: float | None = None
    """The stratum's mean, when a norm set the limit (used for the severe-loss rule)."""
    stratum: str | None = None
    sd: float | None = None
    """The spread behind a percentile limit, when a source gives one."""


@dataclass(frozen=True)
class Percentile:
    """The percentile a limit is set at, and whose choice it is."""

    value: float
    source: str
    grade: str
    """The policy's or test's grade, or "coach"."""


@dataclass(frozen=True)
class Reference:
    """What a side is compared with: the limit, or why there is none, and what was assumed."""

    limit: Threshold | None
    notes: list[str]


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


def checked_percentile(percentile: float | None) -> float | None:
    ok = isinstance(percentile, int | float) and not isinstance(percentile, bool)
    if percentile is not None and not (ok and math.isfinite(percentile) and 0 < percentile < 50):
        message = errors.BAD_PERCENTILE.format(value=percentile)
        raise KnowledgeError(message, field="percentile")
    return percentile


def weaker(*grades: str) -> str:
    return max(grades, key=GRADES.index)


def ages_of(stratum: Stratum, policy: LimitPolicy) -> tuple[int, int]:
    """The ages a stratum covers; unstated ages mean the policy's adults."""
    if stratum.age_min is None and stratum.age_max is None:
        return policy.adult_ages_min, policy.adult_ages_max
    return stratum.age_min or 0, stratum.age_max if stratum.age_max is not None else 120


def covers(stratum: Stratum, policy: LimitPolicy, person: Person) -> bool:
    """Whether a stratum fits the person. With no age, it must cover adult ages; with no sex,
    either sex fits (the caller then keeps the more lenient limit)."""
    if stratum.sex is not None and person.sex is not None and stratum.sex != person.sex:
        return False
    low, high = ages_of(stratum, policy)
    if person.age is None:
        adult = low >= policy.child_age
        return adult and low <= policy.adult_ages_max and high >= policy.adult_ages_min
    return low <= math.floor(person.age) <= high


def ages_label(stratum: Stratum, policy: LimitPolicy) -> str:
    sex = {"f": "women", "m": "men", None: "people"}[stratum.sex]
    low, high = ages_of(stratum, policy)
    if stratum.age_min is None and stratum.age_max is None:
        who = {"f": "adult women", "m": "adult men", None: "adults"}[stratum.sex]
        return f"{who} (no ages stated by the source; applied to ages {low}–{high})"
    return f"{sex} aged {low}–{high}"


def reference(
    test: RomTest,
    person: Person,
    policy: LimitPolicy,
    *,
    cutoff: float | None = None,
    percentile: float | None = None,
) -> Reference:
    """The limit of normal for this person (see the module's docstring for the order)."""
    notes = assumption_notes(person, policy)
    if cutoff is not None:
        value = checked_value(test, cutoff, field_name="cutoff")
        return Reference(Threshold(value, "coach", "the cut-off set by the coach", (), "coach"), [])
    p = _percentile(test, policy, checked_percentile(percentile))
    norms = _most_specific(
        [n for n in test.norms if n.mode == test.mode and covers(n.stratum, policy, person)],
        person,
    )
    spread = [n for n in norms if n.spread is not None]
    if spread:
        limits = [_percentile_limit(test, n, policy, p) for n in spread]
        return Reference(_lenient(test, limits), notes)
    published = test.cutoff
    if published is not None and covers(published.stratum, policy, person):
        basis = (
            f"{published.basis.rstrip('.')} (applies to {ages_label(published.stratum, policy)})"
        )
        limit = Threshold(published.value, "cutoff", basis, (published.source,), published.grade)
        return Reference(limit, notes)
    wide = [n for n in norms if policy.assumed_cv * abs(n.mean) >= sem_of(test)]
    if wide:
        limits = [_assumed_limit(test, n, policy, p) for n in wide]
        return Reference(_lenient(test, limits), notes)
    if norms:
        return Reference(None, [*notes, _too_small(test, norms[0], policy)])
    return Reference(None, [*notes, _no_reference(test, person, policy)])


def _most_specific(norms: list[Norm], person: Person) -> list[Norm]:
    """Norms with stated ages before those without; a given sex before norms for both."""

    def score(n: Norm) -> tuple[bool, bool]:
        s = n.stratum
        return (s.age_min is not None or s.age_max is not None, s.sex is not None)

    if not norms:
        return norms
    best = max(score(n) for n in norms)
    if person.sex is None:
        best = (best[0], False)
        return [n for n in norms if score(n)[0] == best[0]]
    return [n for n in norms if score(n) == best]


def assumption_notes(person: Person, policy: LimitPolicy) -> list[str]:
    notes = []
    if person.age is None:
        notes.append(
            f"No age given: the adult rules apply (references for ages {policy.adult_ages_min}–"
            f"{policy.adult_ages_max}); children under {policy.child_age} are judged differently."
        )
    if person.sex is None:
        notes.append("No sex given: where women and men differ, the more lenient limit is used.")
    return notes


def _percentile(test: RomTest, policy: LimitPolicy, asked: float | None) -> Percentile:
    if asked is not None:
        return Percentile(asked, "coach", "coach")
    if test.limit_percentile is not None and test.limit_percentile_source is not None:
        return Percentile(test.limit_percentile, test.limit_percentile_source, "M")
    return Percentile(policy.percentile, policy.percentile_source, policy.percentile_grade)


def _z(p: float) -> float:
    return -NormalDist().inv_cdf(p / 100)


def _at_percentile(test: RomTest, mean: float, sd: float, p: Percentile) -> float:
    """The value that p% of healthy people fall beyond, on the worse side of the mean."""
    sign = -1 if test.better == "higher" else 1
    return round(mean + sign * _z(p.value) * sd, PRECISION)


def _percentile_limit(test: RomTest, norm: Norm, policy: LimitPolicy, p: Percentile) -> Threshold:
    spread = norm.spread
    assert spread is not None
    sd, how = spread
    value = _at_percentile(test, norm.mean, sd, p)
    who = ages_label(norm.stratum, policy)
    basis = (
        f"the {_ordinal(p.value)} percentile of healthy {who} ({norm.mode}, {norm.method}): "
        f"mean {fmt(norm.mean, test.unit)}, SD {fmt(sd, test.unit)} ({how}){_whose(p.grade)}"
    )
    grades = [norm.grade] + ([] if p.grade == "coach" else [p.grade])
    sources = tuple(dict.fromkeys(s for s in (norm.source, p.source) if s != "coach"))
    return Threshold(value, "percentile", basis, sources, weaker(*grades), norm.mean, who, sd)


def _whose(p_grade: str) -> str:
    if p_grade == "coach":
        return "; the percentile was set by the coach"
    return "; the percentile is our configurable default" if p_grade == "M" else ""


def _assumed_limit(test: RomTest, norm: Norm, policy: LimitPolicy, p: Percentile) -> Threshold:
    sd = policy.assumed_cv * abs(norm.mean)
    value = _at_percentile(test, norm.mean, sd, p)
    who = ages_label(norm.stratum, policy)
    basis = (
        f"the {_ordinal(p.value)} percentile of healthy {who} with an assumed spread: the source "
        f"gives a value of {fmt(norm.mean, test.unit)} ({norm.mode}, {norm.method}) but no "
        f"spread, so the SD is taken as {policy.assumed_cv:.0%} of the mean (a labelled default)"
    )
    sources = tuple(
        s for s in dict.fromkeys((norm.source, policy.source, p.source)) if s != "coach"
    )
    return Threshold(value, "assumed-spread", basis, sources, "M", norm.mean, who)


def _lenient(test: RomTest, limits: list[Threshold]) -> Threshold:
    """The most specific strata are already chosen by `covers`; among those still left (both
    sexes when sex is unknown, or overlapping age bands) keep the most lenient limit."""
    pick = min if test.better == "higher" else max
    return pick(limits, key=lambda t: t.value)


def _ordinal(p: float) -> str:
    number = f"{p:g}"
    if number.endswith(("11", "12", "13")):
        return f"{number}th"
    return number + {"1": "st", "2": "nd", "3": "rd"}.get(number[-1], "th")


def sem_of(test: RomTest) -> float:
    """The test's standard error of measurement: stated, or MDC / (1.96 x sqrt 2)."""
    return test.error.sem or test.error.mdc / (1.96 * math.sqrt(2))


def _too_small(test: RomTest, norm: Norm, policy: LimitPolicy) -> str:
    return (
        f"The mean of {fmt(norm.mean, test.unit)} for {ages_label(norm.stratum, policy)} comes "
        f"with no spread in our sources, and {policy.assumed_cv:.0%} of it would be less than the "
        f"test's own measurement error (SEM {fmt(sem_of(test), test.unit)}): no limit can be set, "
        "so the side is judged on the left-right difference and on change over time."
    )


def _no_reference(test: RomTest, person: Person, policy: LimitPolicy) -> str:
    if not test.norms and test.cutoff is None:
        return (
            "No norm or cut-off for this test: judged on the left-right difference and on change."
        )
    who = "this person" if person.age is None else f"a person aged {math.floor(person.age)}"
    return (
        f"No reference values in our sources fit {who}: rather than compare with young adults, "
        "the side is judged on the left-right difference and on change over time."
    )


def threshold(
    test: RomTest, person: Person, policy: LimitPolicy, *, cutoff: float | None = None
) -> Threshold | None:
    return reference(test, person, policy, cutoff=cutoff).limit


def classify_side(
    test: RomTest,
    side: str,
    value: float,
    person: Person,
    policy: LimitPolicy,
    *,
    cutoff: float | None = None,
    percentile: float | None = None,
) -> SideResult:
    value = checked_value(test, value, field_name=side)
    found = reference(test, person, policy, cutoff=cutoff, percentile=percentile)
    limit = found.limit
    shown = fmt(value, test.unit)
    if limit is None:
        reason = f"{side.capitalize()} {shown}: {found.notes[-1]}"
        return SideResult(side, value, "no_norm", None, [reason])
    status = _status(test, value, limit.value)
    grade_note = "" if limit.grade in ("V", "coach") else f" [grade {limit.grade}]"
    mdc = fmt(test.error.mdc, test.unit)
    beyond = "below" if test.better == "higher" else "above"
    inside = "above" if test.better == "higher" else "below"
    words = {
        "restricted": f"{beyond} the limit of normal",
        "borderline": f"less than one MDC ({mdc}) {inside} the limit of normal",
        "within_normal": f"more than one MDC ({mdc}) {inside} the limit of normal",
    }[status]
    retest = (
        ", so it cannot be told apart from measurement error: re-test on another day"
        if status == "borderline"
        else ""
    )
    reason = (
        f"{side.capitalize()} {shown} is {words} of {fmt(limit.value, test.unit)}{retest}. "
        f"The limit is {limit.basis.rstrip('.')}{grade_note}."
    )
    return SideResult(side, value, status, limit, [reason], list(limit.sources))


def _status(test: RomTest, value: float, limit: float) -> Status:
    if _worse(test, value, limit):
        return "restricted"
    margin = round(abs(value - limit), PRECISION)
    if margin < round(test.error.mdc, PRECISION):
        return "borderline"
    return "within_normal"


def _worse(test: RomTest, value: float, reference: float) -> bool:
    if test.better == "higher":
        return round(value - reference, PRECISION) < 0
    return round(value - reference, PRECISION) > 0


def severe_loss(
    test: RomTest,
    side: SideResult,
    sides: dict[str, SideResult],
    healthy: Threshold | None,
    policy: LimitPolicy,
) -> str | None:
    """Why a side is a severe loss, or None. Against the healthy reference for the person
    (never the coach's cut-off): under `severe_fraction` of its mean and, where the spread is
    known, more than `severe_sds` SDs below it. With no reference, under `severe_fraction` of
    the other side. Higher-is-better tests only."""
    if test.better != "higher":
        return None
    if healthy is not None and healthy.mean is not None and healthy.mean > 0:
        floor = policy.severe_fraction * healthy.mean
        if healthy.sd is not None:
            floor = min(floor, healthy.mean - policy.severe_sds * healthy.sd)
        if round(side.value - floor, PRECISION) >= 0:
            return None
        return (
            f"{side.side.capitalize()} {fmt(side.value, test.unit)} is under "
            f"{policy.severe_fraction:.0%} of the reference value of "
            f"{fmt(healthy.mean, test.unit)} for {healthy.stratum}: a loss this large should be "
            "examined before any self-mobilization (a labelled default)."
        )
    others = [s for s in sides.values() if s.side != side.side and s.value > 0]
    if (healthy is None or healthy.mean is None) and others:
        other = others[0]
        if round(side.value - policy.severe_fraction * other.value, PRECISION) < 0:
            return (
                f"{side.side.capitalize()} {fmt(side.value, test.unit)} is under "
                f"{policy.severe_fraction:.0%} of the other side ({fmt(other.value, test.unit)}),"
                " and no reference fits this person: a loss this large should be examined "
                "before any self-mobilization (a labelled default)."
            )
    return None


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
