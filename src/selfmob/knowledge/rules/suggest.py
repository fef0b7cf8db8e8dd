"""Which self-mobilizations gain a restricted motion, ranked, with dose, frequency and pain rule.

The screen's caution codes act first: a technique whose `avoid_if` names a caution answered
yes is left out, and so is one in a scope the answer refers for (`refer_for`); each is listed
with the reason. The precautions of the `caution_if` answers come with the rest.

Ranking, best first: fit to the person's context (a technique of a kind an answer ranks down,
such as weight-bearing work after a cast, comes after the others); stronger evidence for the
technique; a glide that is specific to the motion (the derived or stated glide) before a
distraction, before an active technique with no glide; the motion as the technique's primary
target; then the id, so ties are stable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import msgspec

from selfmob.knowledge.arthrokinematics import derive_glide
from selfmob.knowledge.catalogue import Catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.pain import PainRule, pain_rule
from selfmob.knowledge.schema import Dose, Joint, Question, Technique

EVIDENCE_ORDER = ("rct", "trial", "review", "case-series", "expert")
EVIDENCE_WORDS = {
    "rct": "tested as a self-technique in a randomized trial",
    "trial": "tested as a self-technique in a clinical trial",
    "review": "supported by a review",
    "case-series": "reported in a case series",
    "expert": "based on clinical teaching (no trial of the self-technique yet)",
}


@dataclass(frozen=True)
class Frequency:
    every_days_min: int
    every_days_max: int
    per_week_min: int
    per_week_max: int
    text: str
    sources: list[str]


@dataclass(frozen=True)
class Suggestion:
    rank: int
    technique: str
    name: str
    joint: str
    motion: str
    side: str | None
    glide: str
    dose: dict[str, object]
    frequency: Frequency
    pain_rule: PainRule
    precautions: list[str]
    contraindications: list[str]
    reasons: list[str]
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LeftOut:
    """A technique the screen's answers leave out, and why."""

    technique: str
    name: str
    reason: str
    refer: bool
    """True when the answer refers for this technique's scope rather than only avoiding it."""
    source: str


@dataclass(frozen=True)
class Choice:
    suggestions: list[Suggestion]
    left_out: list[LeftOut]


def technique_scopes(catalogue: Catalogue, technique: Technique) -> set[str]:
    scopes: set[str] = {catalogue.joint(technique.joint).region}
    return scopes | {"upper-neck"} if technique.upper_neck else scopes


def suggest(
    catalogue: Catalogue,
    *,
    joint_id: str,
    motion_id: str,
    side: str | None,
    why: list[str],
    pain_limit: int | None = None,
    cautions: Sequence[str] = (),
) -> Choice:
    joint = catalogue.joint(joint_id)
    answered = [catalogue.questions[c] for c in cautions]
    kept, left_out = [], []
    for technique in catalogue.techniques_for(joint_id, motion_id):
        reason = _left_out(catalogue, technique, answered)
        if reason is None:
            kept.append(technique)
        else:
            left_out.append(reason)
    ranked = sorted(kept, key=_rank_key(joint, motion_id, answered))
    rule = pain_rule(catalogue.policy, pain_limit)
    suggestions = [
        _suggestion(
            catalogue,
            t,
            joint=joint,
            motion_id=motion_id,
            side=side,
            why=why,
            rule=rule,
            rank=rank,
            answered=answered,
        )
        for rank, t in enumerate(ranked, start=1)
    ]
    return Choice(suggestions, left_out)


def left_out_by(
    catalogue: Catalogue, technique: Technique, cautions: Sequence[str]
) -> LeftOut | None:
    """Whether the screen's caution codes leave this technique out, and why."""
    return _left_out(catalogue, technique, [catalogue.questions[c] for c in cautions])


def _left_out(
    catalogue: Catalogue, technique: Technique, answered: Sequence[Question]
) -> LeftOut | None:
    scopes = technique_scopes(catalogue, technique)
    for q in answered:
        if scopes & set(q.refer_for):
            reason = f"{technique.name} is left out: {q.text} Yes. {q.advice}"
            return LeftOut(technique.id, technique.name, reason, True, q.source)
        if q.id in technique.avoid_if:
            reason = f"{technique.name} is left out: {q.text} Yes. {q.advice}"
            return LeftOut(technique.id, technique.name, reason, False, q.source)
    return None


def precautions_for(
    catalogue: Catalogue, technique: Technique, cautions: Sequence[str]
) -> list[str]:
    """The precautions that come with a technique: those of the screen's caution answers it
    names in `caution_if` first, then its own."""
    return _precautions(technique, [catalogue.questions[c] for c in cautions])


def _precautions(technique: Technique, answered: Sequence[Question]) -> list[str]:
    screen = [f"{q.text} Yes: {q.advice}" for q in answered if q.id in technique.caution_if]
    return [*screen, *technique.precautions]


def _ranked_down(technique: Technique, answered: Sequence[Question]) -> Question | None:
    kinds = {"weight-bearing"} if technique.weight_bearing else set()
    return next((q for q in answered if kinds & set(q.ranks_down)), None)


def _rank_key(
    joint: Joint, motion_id: str, answered: Sequence[Question]
) -> Callable[[Technique], tuple[int, int, int, int, str]]:
    motion = joint.motion(motion_id)
    assert motion is not None
    derived = derive_glide(joint, motion).glide

    def key(t: Technique) -> tuple[int, int, int, int, str]:
        specificity = 0 if t.glide == derived else 1 if t.glide == "distraction" else 2
        return (
            0 if _ranked_down(t, answered) is None else 1,
            EVIDENCE_ORDER.index(t.evidence_level),
            specificity,
            t.motions.index(motion_id),
            t.id,
        )

    return key


def _suggestion(
    catalogue: Catalogue,
    technique: Technique,
    *,
    joint: Joint,
    motion_id: str,
    side: str | None,
    why: list[str],
    rule: PainRule,
    rank: int,
    answered: Sequence[Question] = (),
) -> Suggestion:
    motion = joint.motion(motion_id)
    assert motion is not None
    derivation = derive_glide(joint, motion)
    reasons = [*why, _glide_reason(technique, derivation.reason)]
    reasons.append(f"{technique.name}: {EVIDENCE_WORDS[technique.evidence_level]}.")
    down = _ranked_down(technique, answered)
    if down is not None:
        reasons.append(
            f"Ranked after the techniques without body weight through the joint, whatever "
            f"their evidence: {down.text} Yes. {down.advice}"
        )
    frequency = frequency_for(catalogue, technique)
    sources = sorted(
        {
            *technique.evidence,
            joint.source,
            technique.dose.source,
            *frequency.sources,
            *(q.source for q in answered if q.id in technique.caution_if),
        }
    )
    return Suggestion(
        rank=rank,
        technique=technique.id,
        name=technique.name,
        joint=joint.id,
        motion=motion_id,
        side=side,
        glide=technique.glide,
        dose=dose_summary(technique.dose),
        frequency=frequency,
        pain_rule=rule,
        precautions=_precautions(technique, answered),
        contraindications=list(technique.contraindications),
        reasons=reasons,
        sources=sources,
    )


def _glide_reason(technique: Technique, derived_reason: str) -> str:
    if technique.glide_exception:
        return f"Glide: {technique.glide_reason} Exception to the rule: {technique.glide_exception}"
    if technique.glide in ("distraction", "none"):
        return f"{technique.glide_reason} (For reference: {derived_reason})"
    return derived_reason


def frequency_for(catalogue: Catalogue, technique: Technique) -> Frequency:
    policy = catalogue.policy.frequency
    per_week_min = max(policy.per_week_min, technique.dose.per_week_min)
    per_week_max = max(per_week_min, technique.dose.per_week_max)
    text = (
        f"{_times(per_week_min, per_week_max)} a week, ideally every {policy.every_days_min}–"
        f"{policy.every_days_max} days: one session's gain was still there two days later, "
        "when the studies stopped measuring."
    )
    return Frequency(
        policy.every_days_min,
        policy.every_days_max,
        per_week_min,
        per_week_max,
        text,
        sorted({*policy.carry_over, policy.per_week_source, technique.dose.source}),
    )


def _times(low: int, high: int) -> str:
    if low == high:
        return f"{low} times"
    if high > 7:
        return f"{low} to {high} times (up to twice a day)"
    return f"{low} to {high} times"


def dose_summary(dose: Dose) -> dict[str, object]:
    return {
        "style": dose.style,
        "sets": dose.sets,
        "reps": dose.reps,
        "seconds": dose.seconds,
        "pace_seconds": dose.pace_seconds,
        "rest_seconds": dose.rest_seconds,
        "per_week_min": dose.per_week_min,
        "per_week_max": dose.per_week_max,
        "text": dose_text(dose),
        "source": dose.source,
        "grade": dose.grade,
    }


def dose_text(dose: Dose) -> str:
    sets = f"{dose.sets} set{'s' if dose.sets > 1 else ''}"
    if dose.style == "oscillation":
        body = f"{sets} of {dose.seconds} s, one slow oscillation every {dose.pace_seconds:g} s"
    elif dose.style == "hold" and dose.reps == 1:
        holds = f"{dose.sets} hold{'s' if dose.sets > 1 else ''}"
        rest = f"; rest {dose.rest_seconds} s between holds" if dose.rest_seconds else ""
        return f"{holds} of {dose.seconds} s{rest}"
    elif dose.style == "hold":
        body = f"{sets} of {dose.reps} holds of {dose.seconds} s"
    else:
        pause = f", pausing {dose.seconds} s at the end of the range" if dose.seconds else ""
        body = f"{sets} of {dose.reps} repetitions{pause}"
    rest = f"; rest {dose.rest_seconds} s between sets" if dose.rest_seconds else ""
    return body + rest


DOSE_LIMITS = {"sets": (1, 10), "reps": (1, 30), "seconds": (1, 180), "rest_seconds": (0, 180)}
"""What a coach may set, the same bounds the catalogue's own doses keep."""
COACH = "coach"
"""The `source` and `grade` of a dose the coach changed: their prescription, not a default."""


def adjusted_dose(dose: Dose, changes: Mapping[str, int | None]) -> dict[str, object]:
    """The technique's dose with the coach's numbers; unchanged when none differ."""
    wanted = {k: v for k, v in changes.items() if v is not None}
    for name, value in wanted.items():
        if name not in DOSE_LIMITS:
            raise KnowledgeError(f"{name} is not a number of the dose", field=name)
        low, high = DOSE_LIMITS[name]
        if not low <= value <= high:
            raise KnowledgeError(f"{name} must be a whole number from {low} to {high}", field=name)
        if name in ("reps", "seconds") and getattr(dose, name) is None:
            raise KnowledgeError(f"a {dose.style} dose has no {name}", field=name)
    if all(getattr(dose, k) == v for k, v in wanted.items()):
        return dose_summary(dose)
    return dose_summary(msgspec.structs.replace(dose, source=COACH, grade=COACH, **wanted))
