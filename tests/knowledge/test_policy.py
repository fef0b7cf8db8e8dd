"""Every number of the policy names its reference, and the docs show it with where it is found."""

from __future__ import annotations

from pathlib import Path

from selfmob.cli.evidence import RULES_BEGIN, RULES_END, rules_markdown
from selfmob.knowledge.catalogue import load_catalogue

CATALOGUE = load_catalogue()
EVIDENCE = Path(__file__).parents[2] / "docs" / "evidence.md"
OURS = "selfmob-defaults"


def test_every_policy_value_names_a_known_reference() -> None:
    values = CATALOGUE.policy.values()
    assert len(values) >= 15
    for value in values:
        assert value.source in CATALOGUE.references, value
        assert value.grade in ("V", "V2", "M"), value


def test_a_value_from_a_study_says_where_in_it() -> None:
    for value in CATALOGUE.policy.values():
        if value.source != OURS:
            assert len(value.where) > 20, f"{value.section}.{value.name}: say where in the source"


def test_the_weekly_floor_cites_the_study_that_has_it() -> None:
    found = {(v.section, v.name): v for v in CATALOGUE.policy.values()}
    floor = found[("frequency", "per_week_min")]
    assert (floor.source, floor.grade) == ("cruz-diaz2020", "V")
    assert "twice a week" in floor.where


def test_our_own_rules_are_graded_as_ours() -> None:
    for value in CATALOGUE.policy.values():
        if value.source == OURS:
            assert value.grade == "M", value


def test_docs_evidence_holds_the_generated_rules() -> None:
    text = EVIDENCE.read_text(encoding="utf-8")
    start, end = text.index(RULES_BEGIN), text.index(RULES_END) + len(RULES_END) + 1
    assert text[start:end] == rules_markdown(CATALOGUE), (
        "run: selfmob evidence --rules, and paste it over the generated part of docs/evidence.md"
    )
