"""How often the limits flag healthy people: a simulation from each norm with a spread.

For every test with a norm that has a spread, draw healthy people of that norm's stratum (both
sides normal with the norm's mean and SD, correlated between sides) and judge them with the
same `assess` the app uses, with a clear screen and the policy's percentile. Two shares come
out: sides below the limit (the percentile, by construction) and people with any side
restricted once the asymmetry rule has acted (the figure a coach meets). The seed is fixed,
so docs/evidence.md and the tests see the same numbers.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from selfmob.knowledge.catalogue import Catalogue
from selfmob.knowledge.rules.assess import assess
from selfmob.knowledge.rules.measures import Person, ages_label, ages_of
from selfmob.knowledge.rules.screen import ScreenResult
from selfmob.knowledge.schema import Norm, RomTest

PEOPLE = 10_000
OUTSIDE_AGES = (14, 70)
"""Ages outside the adult norms, simulated from them: a pessimistic stand-in for a teenager
(children are more mobile than adults) and for an older adult (whom no limit reaches)."""
SEED = 20_261_205
CLEAR = ScreenResult("clear", False, [], [], [], [], neck=True)


@dataclass(frozen=True)
class Figures:
    test: str
    stratum: str
    people: int
    below_limit: float
    """Share of sides below the limit of normal (before the asymmetry rule)."""
    any_restricted: float
    """Share of people with at least one side restricted, asymmetry rule included."""
    referred: float
    """Share of people the assessment refers (a severe loss, say)."""


def simulated_norms(catalogue: Catalogue) -> list[tuple[RomTest, Norm]]:
    return [
        (test, norm)
        for test in catalogue.tests.values()
        for norm in test.norms
        if norm.mode == test.mode and norm.spread is not None
    ]


def simulate(
    catalogue: Catalogue,
    test: RomTest,
    norm: Norm,
    *,
    people: int = PEOPLE,
    seed: int = SEED,
    age: float | None = None,
) -> Figures:
    """`age` puts the simulated people outside the norm's stratum (a teenager or an older
    adult drawn from an adult norm), where no limit applies and only the left-right and
    severe-loss rules can flag them."""
    spread = norm.spread
    assert spread is not None
    sd = spread[0]
    limits = catalogue.policy.limits
    rho = limits.side_correlation
    low, high = ages_of(norm.stratum, limits)
    person = Person(age=(low + high) / 2 if age is None else age, sex=norm.stratum.sex)
    bounds = test.physiological_range
    rng = random.Random(f"{seed}:{test.id}:{norm.stratum}")
    below = restricted = referred = 0
    for _ in range(people):
        a, b = rng.gauss(0, 1), rng.gauss(0, 1)
        left = norm.mean + sd * a
        right = norm.mean + sd * (rho * a + math.sqrt(1 - rho**2) * b)
        left = min(max(left, bounds.min), bounds.max)
        right = min(max(right, bounds.min), bounds.max)
        result = assess(catalogue, test.id, left=left, right=right, person=person, screen=CLEAR)
        limit = result.sides["left"].threshold
        if age is None:
            assert limit is not None, f"{test.id}: the norm's own stratum must set a limit"
        if limit is not None:
            below += sum(_below(test, v, limit.value) for v in (left, right))
        restricted += any(s.status == "restricted" for s in result.sides.values())
        referred += result.referral.needed
    return Figures(
        test.id,
        ages_label(norm.stratum, limits) if age is None else f"aged {age:g}, from that norm",
        people,
        below / (2 * people),
        restricted / people,
        referred / people,
    )


def _below(test: RomTest, value: float, limit: float) -> bool:
    return value < limit if test.better == "higher" else value > limit
