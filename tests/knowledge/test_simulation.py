"""10,000 simulated healthy people per norm with a spread: the limits flag as few as promised."""

from __future__ import annotations

from dataclasses import replace

import msgspec
import pytest

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.schema import Norm, RomTest
from selfmob.knowledge.simulate import PEOPLE, simulate, simulated_norms

CATALOGUE = load_catalogue()
NORMS = simulated_norms(CATALOGUE)


def test_there_are_norms_with_a_spread_to_simulate() -> None:
    assert len({test.id for test, _ in NORMS}) >= 3


@pytest.mark.parametrize(
    ("test", "norm"), NORMS, ids=[f"{t.id}:{n.stratum.label}" for t, n in NORMS]
)
def test_healthy_people_are_rarely_restricted(test: RomTest, norm: Norm) -> None:
    figures = simulate(CATALOGUE, test, norm)
    assert figures.people == PEOPLE == 10_000
    percentile = CATALOGUE.policy.limits.percentile / 100
    assert figures.below_limit == pytest.approx(percentile, abs=0.01)
    assert figures.any_restricted <= 0.10
    assert figures.referred <= 0.01


@pytest.mark.parametrize(
    ("test", "norm"), NORMS, ids=[f"{t.id}:{n.stratum.label}" for t, n in NORMS]
)
def test_people_outside_the_norm_s_ages_are_rarely_flagged(test: RomTest, norm: Norm) -> None:
    older = simulate(CATALOGUE, test, norm, age=70)
    assert older.below_limit == 0, "no limit reaches a 70-year-old from an adult norm"
    assert older.any_restricted <= 0.10
    assert older.referred <= 0.02
    teen = simulate(CATALOGUE, test, norm, age=14)
    assert teen.referred <= 0.15, "children are referred cautiously, not wholesale"


def test_the_simulation_can_fail_a_limit_that_flags_too_many() -> None:
    """A 20th-percentile limit must show about 20% of sides below it and fail the 10% bar."""
    test, norm = NORMS[0]
    stricter = msgspec.structs.replace(
        test, limit_percentile=20.0, limit_percentile_source="selfmob-defaults"
    )
    catalogue = replace(CATALOGUE, tests={**CATALOGUE.tests, test.id: stricter})
    figures = simulate(catalogue, stricter, norm, people=2_000)
    assert figures.below_limit == pytest.approx(0.20, abs=0.03)
    assert figures.any_restricted > 0.10
