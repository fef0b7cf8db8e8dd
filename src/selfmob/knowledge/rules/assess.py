"""Assess one test on one or both sides: status per side, asymmetry, and suggestions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from selfmob.knowledge import errors
from selfmob.knowledge.catalogue import Catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.measures import (
    Asymmetry,
    Person,
    SideResult,
    checked_mdc,
    classify_asymmetry,
    classify_side,
)
from selfmob.knowledge.rules.pain import checked_limit
from selfmob.knowledge.rules.screen import ScreenResult, screen
from selfmob.knowledge.rules.suggest import Suggestion, suggest
from selfmob.knowledge.schema import RomTest

NOT_SCREENED = "Not screened yet: answer the red-flag questions (selfmob screen) before starting."
NECK_NOT_SCREENED = (
    "No neck techniques without the red-flag screen, including the neck questions: "
    "answer them first (selfmob screen --list, then assess with --answers)."
)
BLOCKED = "No techniques suggested: the red-flag screen says to see a professional first."


@dataclass(frozen=True)
class Assessment:
    test: RomTest
    sides: dict[str, SideResult]
    asymmetry: Asymmetry | None
    suggestions: list[Suggestion]
    screen: ScreenResult | None
    notes: list[str] = field(default_factory=list)


def assess(
    catalogue: Catalogue,
    test_id: str,
    *,
    left: float | None = None,
    right: float | None = None,
    person: Person | None = None,
    cutoff: float | None = None,
    mdc: float | None = None,
    answers: Mapping[str, object] | None = None,
    pain_limit: int | None = None,
) -> Assessment:
    test = catalogue.test(test_id)
    person = person or Person()
    checked_mdc(mdc)
    checked_limit(catalogue.policy, pain_limit)
    values = {side: v for side, v in (("left", left), ("right", right)) if v is not None}
    if not values:
        raise KnowledgeError(errors.NO_SIDES, field="left")
    sides = {s: classify_side(test, s, v, person, cutoff=cutoff) for s, v in values.items()}
    asymmetry = None
    if len(sides) == 2:
        asymmetry = classify_asymmetry(test, sides["left"].value, sides["right"].value, mdc=mdc)
        sides = _restrict_worse_side(test, sides, asymmetry)
    neck = catalogue.joint(test.joint).region == "neck"
    result = screen(catalogue, answers, neck=neck) if answers is not None else None
    if result is not None and result.verdict == "refer":
        return Assessment(test, sides, asymmetry, [], result, [BLOCKED])
    if result is None and neck:
        return Assessment(test, sides, asymmetry, [], None, [NECK_NOT_SCREENED])
    suggestions = _suggestions(catalogue, test, sides, pain_limit)
    notes = [] if result is not None else [NOT_SCREENED]
    return Assessment(test, sides, asymmetry, suggestions, result, notes)


def _restrict_worse_side(
    test: RomTest, sides: dict[str, SideResult], asymmetry: Asymmetry
) -> dict[str, SideResult]:
    if not asymmetry.real or asymmetry.worse_side is None:
        return sides
    worse = sides[asymmetry.worse_side]
    reason = f"{worse.side.capitalize()} counts as restricted by asymmetry: {asymmetry.reasons[0]}"
    updated = replace(
        worse,
        status="restricted",
        reasons=[*worse.reasons, reason],
        sources=sorted({*worse.sources, *asymmetry.sources}),
    )
    return {**sides, worse.side: updated}


def _suggestions(
    catalogue: Catalogue, test: RomTest, sides: dict[str, SideResult], pain_limit: int | None
) -> list[Suggestion]:
    found: list[Suggestion] = []
    for side in sides.values():
        if side.status != "restricted":
            continue
        found += suggest(
            catalogue,
            joint_id=test.joint,
            motion_id=test.motion,
            side=side.side,
            why=side.reasons,
            pain_limit=pain_limit,
        )
    return found
