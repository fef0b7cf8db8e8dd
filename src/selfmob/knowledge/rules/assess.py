"""Assess one test on one or both sides: status per side, asymmetry, referral, suggestions.

Order of judgement:
1. each side against the limit of normal (rules/measures.py);
2. a real left-right difference restricts the worse side only where the test has no norm for
   the person or that side is borderline; otherwise it is a finding to watch, with no technique;
3. referral, which leaves `suggestions` empty: a `refer` screen; a caution answer that refers
   for this region; a child (under `limits.child_age`) with any restricted or borderline side
   or a real difference; a side under `limits.severe_fraction` of the stratum's mean;
4. suggestions for restricted sides, with the screen's caution codes acting on them. Without a
   screen, non-neck techniques are still suggested and a note says the screen is to be done;
   neck techniques need a screen that asked the neck questions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from selfmob.knowledge import errors
from selfmob.knowledge.catalogue import Catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.measures import (
    Asymmetry,
    Person,
    SideResult,
    Threshold,
    assumption_notes,
    checked_mdc,
    classify_asymmetry,
    classify_side,
    fmt,
    reference,
    severe_loss,
)
from selfmob.knowledge.rules.pain import checked_limit
from selfmob.knowledge.rules.screen import ScreenResult
from selfmob.knowledge.rules.suggest import LeftOut, Suggestion, suggest
from selfmob.knowledge.schema import LimitPolicy, RomTest

NOT_SCREENED = (
    "The red-flag screen is still to be done: answer it before starting any "
    "self-mobilization; any suggestion here stands only if no answer refers."
)
NECK_NOT_SCREENED = (
    "No neck techniques without the red-flag screen, including the neck questions: "
    "answer them first."
)
BLOCKED = "No techniques suggested: the red-flag screen says to see a professional first."
REFERRED = "No techniques suggested: have this examined by a doctor or physiotherapist first."
ALL_LEFT_OUT = (
    "Every technique for this restriction is left out by the screen's answers (see why "
    "above): have a physiotherapist or doctor advise before any self-mobilization of it."
)
BORDERLINE = (
    "A borderline side cannot be told apart from measurement error: re-test on another day "
    "before treating it."
)


@dataclass(frozen=True)
class Referral:
    needed: bool
    reasons: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Assessment:
    test: RomTest
    sides: dict[str, SideResult]
    asymmetry: Asymmetry | None
    suggestions: list[Suggestion]
    screen: ScreenResult | None
    notes: list[str] = field(default_factory=list)
    referral: Referral = field(default_factory=lambda: Referral(False))
    findings: list[str] = field(default_factory=list)
    """What to watch without treating, such as a real difference between two normal sides."""
    left_out: list[LeftOut] = field(default_factory=list)


def assess(
    catalogue: Catalogue,
    test_id: str,
    *,
    left: float | None = None,
    right: float | None = None,
    person: Person | None = None,
    cutoff: float | None = None,
    mdc: float | None = None,
    percentile: float | None = None,
    screen: ScreenResult | None = None,
    pain_limit: int | None = None,
) -> Assessment:
    test = catalogue.test(test_id)
    person = person or Person()
    limits = catalogue.policy.limits
    checked_mdc(mdc)
    checked_limit(catalogue.policy, pain_limit)
    values = {side: v for side, v in (("left", left), ("right", right)) if v is not None}
    if not values:
        raise KnowledgeError(errors.NO_SIDES, field="left")
    sides = {
        s: classify_side(test, s, v, person, limits, cutoff=cutoff, percentile=percentile)
        for s, v in values.items()
    }
    asymmetry: Asymmetry | None = None
    findings: list[str] = []
    if len(sides) == 2:
        asymmetry = classify_asymmetry(test, sides["left"].value, sides["right"].value, mdc=mdc)
        sides, findings = _apply_asymmetry(test, sides, asymmetry, limits)
    notes = [*assumption_notes(person, limits), *_side_notes(sides)]
    healthy = reference(test, person, limits).limit
    referral = _referral(catalogue, Judged(test, person, sides, asymmetry, healthy), screen)
    base = Assessment(test, sides, asymmetry, [], screen, notes, referral, findings)
    if referral.needed:
        words = BLOCKED if screen is not None and screen.verdict == "refer" else REFERRED
        return replace(base, notes=[*notes, words])
    if catalogue.joint(test.joint).region == "neck" and (screen is None or not screen.neck):
        return replace(base, notes=[*notes, NECK_NOT_SCREENED])
    suggestions, left_out = _suggestions(catalogue, test, sides, pain_limit, screen)
    referral = _referral_by_scope(sides, suggestions, left_out)
    if referral.needed:
        return replace(base, referral=referral, left_out=left_out, notes=[*notes, REFERRED])
    if left_out and not suggestions:
        notes = [*notes, ALL_LEFT_OUT]
    if screen is None:
        notes = [*notes, NOT_SCREENED]
    return replace(base, suggestions=suggestions, notes=notes, left_out=left_out)


def _apply_asymmetry(
    test: RomTest, sides: dict[str, SideResult], asymmetry: Asymmetry, limits: LimitPolicy
) -> tuple[dict[str, SideResult], list[str]]:
    if not asymmetry.real or asymmetry.worse_side is None:
        return sides, []
    worse = sides[asymmetry.worse_side]
    if worse.status == "restricted":
        return sides, []
    unusual, how = unusual_difference(test, asymmetry, limits)
    if unusual and worse.status in ("no_norm", "borderline"):
        why = "has no norm for this person" if worse.status == "no_norm" else "is borderline"
        reason = (
            f"{worse.side.capitalize()} counts as restricted by asymmetry, since it {why} and "
            f"the difference is more than {how}: {asymmetry.reasons[0]}"
        )
        updated = replace(
            worse,
            status="restricted",
            reasons=[*worse.reasons, reason],
            sources=sorted({*worse.sources, *asymmetry.sources}),
        )
        return {**sides, worse.side: updated}, []
    where = {
        "within_normal": "it is within the limit of normal",
        "borderline": "it is near the limit",
        "no_norm": "no norm fits this person",
    }[worse.status]
    size = "more" if unusual else "not more"
    finding = (
        f"The {worse.side} side is measurably worse than the other "
        f"({fmt(asymmetry.difference, test.unit)}), but {where} and the difference is {size} "
        f"than {how}: healthy people are not perfectly symmetrical, so this is a finding to "
        "watch at the next re-test, not a reason to treat."
    )
    return sides, [finding]


def unusual_difference(
    test: RomTest, asymmetry: Asymmetry, limits: LimitPolicy
) -> tuple[bool, str]:
    """Is a left-right difference beyond what healthy people show? Where any norm of the test
    gives a spread, beyond the 95% range of healthy differences (1.96 SD sqrt(2(1 - r))),
    with the widest spread and the policy's correlation r; otherwise more than
    `asymmetry_mdcs` MDCs. Never less than the MDC. Both bounds are ours."""
    spreads = [n.spread[0] for n in test.norms if n.spread is not None]
    if spreads:
        healthy = 1.96 * max(spreads) * math.sqrt(2 * (1 - limits.side_correlation))
        bound = max(healthy, asymmetry.mdc)
        how = f"healthy people's 95% range of {fmt(bound, test.unit)}"
    else:
        bound = limits.asymmetry_mdcs * asymmetry.mdc
        how = f"{limits.asymmetry_mdcs:g} times the MDC ({fmt(bound, test.unit)})"
    return round(asymmetry.difference - bound, 6) > 0, how


def _side_notes(sides: dict[str, SideResult]) -> list[str]:
    return [BORDERLINE] if any(s.status == "borderline" for s in sides.values()) else []


@dataclass(frozen=True)
class Judged:
    """What referral looks at: the test, the person, the classified sides, and each side's
    reference without the coach's cut-off (a severe loss is judged against healthy people)."""

    test: RomTest
    person: Person
    sides: dict[str, SideResult]
    asymmetry: Asymmetry | None
    healthy: Threshold | None


def _referral(catalogue: Catalogue, judged: Judged, screen: ScreenResult | None) -> Referral:
    found = [
        *_screen_referral(catalogue, judged.test, screen),
        *_child_referral(catalogue, judged, screen),
        *_severe_referral(catalogue.policy.limits, judged),
    ]
    reasons = [reason for reason, _ in found]
    sources = sorted({source for _, cited in found for source in cited})
    return Referral(bool(reasons), reasons, sources)


Found = list[tuple[str, list[str]]]
"""Reasons for referral, each with the references behind it."""


def _screen_referral(catalogue: Catalogue, test: RomTest, screen: ScreenResult | None) -> Found:
    if screen is None:
        return []
    found: Found = []
    if screen.verdict == "refer":
        found += [(reason, screen.sources) for reason in screen.reasons]
    region = catalogue.joint(test.joint).region
    for code in screen.cautions:
        question = catalogue.questions[code]
        if region in question.refer_for:
            reason = f"{question.text} Yes: for the {region}, {question.advice}"
            found.append((reason, [question.source]))
    return found


def is_child(catalogue: Catalogue, person: Person, screen: ScreenResult | None) -> bool:
    """Under the child age, or answered yes to a question that counts as still growing."""
    if person.age is not None and person.age < catalogue.policy.limits.child_age:
        return True
    codes = screen.cautions if screen else []
    return any(catalogue.questions[c].counts_as_child for c in codes)


def _child_referral(catalogue: Catalogue, judged: Judged, screen: ScreenResult | None) -> Found:
    """A child with a restricted or borderline side, an unusual left-right difference, or a
    side with no child norm that would be restricted or borderline even for an adult."""
    limits = catalogue.policy.limits
    if not is_child(catalogue, judged.person, screen):
        return []
    concern = any(s.status in ("restricted", "borderline") for s in judged.sides.values())
    asymmetry = judged.asymmetry
    unusual = asymmetry is not None and unusual_difference(judged.test, asymmetry, limits)[0]
    if not (concern or unusual or _below_adults(judged, limits)):
        return []
    return [(_child_reason(judged.person, limits.child_age), [limits.child_source])]


def _below_adults(judged: Judged, limits: LimitPolicy) -> bool:
    """Children are more mobile than adults (Soucie 2011): a side with no child norm that
    would be restricted even for an adult is a concern too."""
    adult = Person(age=None, sex=judged.person.sex)
    unknown = [s for s in judged.sides.values() if s.status == "no_norm"]
    return any(
        classify_side(judged.test, s.side, s.value, adult, limits).status == "restricted"
        for s in unknown
    )


def _severe_referral(limits: LimitPolicy, judged: Judged) -> Found:
    found: Found = []
    for side in judged.sides.values():
        reason = severe_loss(judged.test, side, judged.sides, judged.healthy, limits)
        if reason is not None:
            sources = judged.healthy.sources if judged.healthy else ()
            found.append((reason, [limits.severe_source, *sources]))
    return found


def _child_reason(person: Person, child_age: int) -> str:
    age = int(person.age or 0)
    return (
        f"Age {age}, under {child_age}: in a child or teenager who is still growing, a "
        "restricted or borderline side or a real left-right difference needs a doctor or "
        "physiotherapist to examine it first. Growth-plate conditions such as a slipped "
        "capital femoral epiphysis (usually at 8 to 15 years, with limited hip internal "
        "rotation as its hallmark) are often missed. No self-mobilization until then."
    )


def _suggestions(
    catalogue: Catalogue,
    test: RomTest,
    sides: dict[str, SideResult],
    pain_limit: int | None,
    screen: ScreenResult | None,
) -> tuple[list[Suggestion], list[LeftOut]]:
    found: list[Suggestion] = []
    left_out: dict[str, LeftOut] = {}
    for side in sides.values():
        if side.status != "restricted":
            continue
        choice = suggest(
            catalogue,
            joint_id=test.joint,
            motion_id=test.motion,
            side=side.side,
            why=side.reasons,
            pain_limit=pain_limit,
            cautions=screen.cautions if screen else (),
        )
        found += choice.suggestions
        left_out |= {item.technique: item for item in choice.left_out}
    return found, list(left_out.values())


def _referral_by_scope(
    sides: dict[str, SideResult], suggestions: list[Suggestion], left_out: list[LeftOut]
) -> Referral:
    """Every technique for a restricted side left out by an answer that refers for it."""
    restricted = any(s.status == "restricted" for s in sides.values())
    refers = [item for item in left_out if item.refer]
    if restricted and not suggestions and refers:
        return Referral(True, [r.reason for r in refers], sorted({r.source for r in refers}))
    return Referral(False)
