"""Which MDC judges a change: the one measured in the same context as the change.

Error differs by context: a re-test within one session varies less than one on another day,
a second rater adds error, instruments are not interchangeable (Kolber & Hanney 2012 found
95% limits of agreement of 2-20 degrees between goniometer and inclinometer), and averaging
readings lowers it. Each test lists its MDCs with the context its source measured them in
(`RomTest.contexts`). For a change measured in a given context (`MeasuredIn`):

- a source fits when every axis matches, or measured a noisier context (between days for a
  within-session change, two raters for one), which can only make the verdict more cautious,
  or does not say; the closest fit wins; between equally close ones, the smaller of those
  from noisier contexts (each bounds this one from above), else the larger MDC;
- when none fits (a self-test, which no source measured; another instrument; a noisier
  context than any source's), the closest source is widened by `policy.change.
  unmatched_factor` (ours, graded M) and the verdict says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, cast, get_args

from selfmob.knowledge import errors
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.measures import fmt
from selfmob.knowledge.schema import (
    ChangePolicy,
    ContextError,
    Instrument,
    Raters,
    RomTest,
    Tester,
    Timing,
)

Fit = Literal["exact", "noisier", "unstated", "borrowed", "default", "coach"]
"""How the MDC fits the change's context: measured in it, in a noisier one (a cautious
verdict), in one the source or the change does not fully state, borrowed from another
measure, none fits (our widened default), or the coach's own number."""

ORDER = {"within_session": 0, "between_days": 1, "same": 0, "different": 1}
INSTRUMENT_SOURCE = "kolber-hanney2012"
MAX_TRIALS = 5


@dataclass(frozen=True)
class MeasuredIn:
    """The context a change was measured in. Defaults: between days, the same rater, a
    clinician, one reading, the instrument not stated."""

    timing: Timing = "between_days"
    raters: Raters = "same"
    tester: Tester = "clinician"
    instrument: Instrument | None = None
    trials: int = 1
    mixed_instruments: bool = False
    """The two values were taken with different instruments (a baseline and a later test)."""

    def words(self) -> str:
        parts = [
            "within one session" if self.timing == "within_session" else "between days",
            "the same rater" if self.raters == "same" else "another rater",
            "measured by a clinician" if self.tester == "clinician" else "a self-test",
        ]
        if self.instrument:
            parts.append(f"with a {self.instrument.replace('-', ' ')}")
        parts.append("one reading" if self.trials == 1 else f"the mean of {self.trials} readings")
        return ", ".join(parts)


@dataclass(frozen=True)
class Mdc:
    value: float
    level: Literal["95", "90", "unstated"]
    source: str | None
    grade: str
    fit: Fit
    why: str
    """Why this MDC: its source's context and how it fits the change's."""


@dataclass(frozen=True)
class _Gaps:
    misfit: tuple[str, ...]
    noisier: tuple[str, ...]
    unstated: tuple[str, ...]
    borrowed: tuple[str, ...] = ()

    @property
    def loose(self) -> int:
        """How far a fitting source is from the change's context, axis by axis."""
        return len(self.noisier) + len(self.unstated) + len(self.borrowed)


def checked_context(
    test: RomTest,
    *,
    timing: str = "between_days",
    raters: str = "same",
    tester: str = "clinician",
    instrument: str | None = None,
    trials: int = 1,
) -> MeasuredIn:
    """A context from outside (the CLI, the API), each value checked."""
    for field, value, known in (
        ("timing", timing, get_args(Timing)),
        ("raters", raters, get_args(Raters)),
        ("measured_by", tester, get_args(Tester)),
    ):
        if value not in known:
            message = errors.BAD_CONTEXT.format(field=field, known=", ".join(known), value=value)
            raise KnowledgeError(message, field=field)
    if instrument and instrument not in test.instruments:
        allowed = ", ".join(test.instruments)
        message = errors.BAD_TEST_INSTRUMENT.format(value=instrument, known=allowed)
        raise KnowledgeError(message, field="instrument")
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise KnowledgeError(errors.BAD_TRIALS.format(value=trials), field="readings")
    return MeasuredIn(
        timing=cast(Timing, timing),
        raters=cast(Raters, raters),
        tester=cast(Tester, tester),
        instrument=next((i for i in test.instruments if i == instrument), None),
        trials=trials,
    )


def mdc_for(
    test: RomTest, measured: MeasuredIn, policy: ChangePolicy, *, coach: float | None = None
) -> Mdc:
    """The MDC that judges a change of `test` measured in `measured` (rules above).
    `coach` is a coach's own MDC, which wins. A noisier context never gets a smaller MDC
    than a quieter one (pooled reviews can report a smaller MDC between raters than for
    one): its floor is the MDC of the same change by one rater, and within one session,
    where a source measured that quieter context."""
    if coach is not None:
        return Mdc(coach, "unstated", None, "coach", "coach", "set by the coach")
    found = _closest(test, measured, policy)
    assert found is not None, "every test has an error"
    for quieter in _quieter(measured):
        # Only sources of the quieter context itself (not noisier ones) set a floor.
        floor = _closest(test, quieter, policy, strict=True)
        if floor is not None and floor.value > found.value:
            why = (
                f"for {measured.words()}, at least the MDC for {quieter.words()} (a noisier "
                f"context is never judged more finely): {floor.why}"
            )
            fit: Fit = "default" if floor.fit == "default" else "noisier"
            found = replace(floor, fit=fit, why=why)
    return found


def _quieter(measured: MeasuredIn) -> list[MeasuredIn]:
    found = []
    if measured.raters == "different":
        found.append(replace(measured, raters="same"))
    if measured.timing == "between_days":
        found.append(replace(measured, timing="within_session"))
    return found


def _closest(
    test: RomTest, measured: MeasuredIn, policy: ChangePolicy, *, strict: bool = False
) -> Mdc | None:
    """The closest MDC (widened when none fits); `strict` leaves out sources of a noisier
    context, and then may find none."""
    candidates = [(_gaps(e, measured), e) for e in test.contexts]
    ranked = sorted(
        ((gaps, e) for gaps, e in candidates if not (strict and gaps.noisier)),
        key=lambda pair: (len(pair[0].misfit), pair[0].loose, _tie(*pair)),
    )
    if not ranked:
        return None
    gaps, best = ranked[0]
    own = f"{best.context.rstrip('.')} ({best.source})"
    if gaps.misfit:
        factor = policy.unmatched_factor
        why = (
            f"no source measured this test {measured.words()}: "
            f"{'; '.join(gaps.misfit)}. The closest, {fmt(best.mdc, test.unit)} ({own}), "
            f"is widened by {factor:g} times, selfmob's default"
        )
        return Mdc(round(best.mdc * factor, 2), "unstated", policy.source, policy.grade,
                   "default", why)  # fmt: skip
    notes = [*gaps.unstated, *gaps.borrowed]
    if gaps.noisier:
        notes.append(f"measured {' and '.join(gaps.noisier)}, so the verdict errs on caution")
    if gaps.borrowed:
        fit: Fit = "borrowed"
    elif gaps.unstated:
        fit = "unstated"
    elif gaps.noisier:
        fit = "noisier"
    else:
        fit = "exact"
        notes.append(f"measured as this change was: {measured.words()}")
    return Mdc(best.mdc, best.level, best.source, best.grade, fit, f"{own}; {'; '.join(notes)}")


def _tie(gaps: _Gaps, error: ContextError) -> float:
    """Between equally close sources: of those measured in a noisier context, each an upper
    bound for this one, the smaller; otherwise the larger, to err on caution."""
    return error.mdc if gaps.noisier else -error.mdc


def _gaps(error: ContextError, measured: MeasuredIn) -> _Gaps:
    misfit: list[str] = []
    noisier: list[str] = []
    unstated: list[str] = []
    for axis, theirs, ours in (
        ("timing", error.timing, measured.timing),
        ("raters", error.raters, measured.raters),
    ):
        if theirs == "unstated":
            unstated.append(
                f"the source does not state {'the timing' if axis == 'timing' else 'the raters'}"
            )
        elif ORDER[theirs] > ORDER[ours]:
            noisier.append(_axis_words(theirs))
        elif ORDER[theirs] < ORDER[ours]:
            misfit.append(f"the source measured {_axis_words(theirs)}")
    if error.tester != measured.tester:
        misfit.append(
            "its sources measured clinicians' tests, not self-tests"
            if measured.tester == "self"
            else "its sources measured self-tests only"
        )
    misfit += _instrument_misfits(error, measured)
    if measured.instrument is None and (error.instrument or error.instrument_other):
        unstated.append("this change does not say which instrument it used")
    elif measured.instrument and not (error.instrument or error.instrument_other):
        unstated.append("the source does not state the instrument")
    if error.trials is not None and error.trials > measured.trials:
        misfit.append(f"it is for the mean of {error.trials} readings")
    elif error.trials is None and measured.trials > 1:
        unstated.append("the source does not say how many readings it averaged")
    borrowed = (
        ("it is borrowed from another measure: no study measured this test so",)
        if error.borrowed
        else ()
    )
    return _Gaps(tuple(misfit), tuple(noisier), tuple(unstated), borrowed)


def _instrument_misfits(error: ContextError, measured: MeasuredIn) -> list[str]:
    theirs = error.instrument_other or (error.instrument or "").replace("-", " ")
    found = []
    if measured.instrument and theirs and error.instrument != measured.instrument:
        found.append(
            f"it was measured with a {theirs}, not a {measured.instrument.replace('-', ' ')}, "
            f"and instruments are not interchangeable ({INSTRUMENT_SOURCE})"
        )
    if measured.mixed_instruments:
        found.append(
            "the two values were taken with different instruments, which are not "
            f"interchangeable ({INSTRUMENT_SOURCE})"
        )
    return found


def _axis_words(value: str) -> str:
    return {
        "within_session": "within one session",
        "between_days": "between days",
        "same": "with one rater",
        "different": "between two raters",
    }[value]


def level_words(level: str) -> str:
    """MDC95, MDC90, or a plain MDC where the source does not state its confidence level."""
    return {"95": "MDC95", "90": "MDC90"}.get(level, "MDC")
