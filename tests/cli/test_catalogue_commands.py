from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from selfmob.knowledge.catalogue import load_catalogue
from tests.support.commands import Run

CATALOGUE = load_catalogue()


def test_tests_lists_every_test(run: Callable[..., Run]) -> None:
    result = run("tests")
    assert result.code == 0
    assert [line.split()[0] for line in result.out.splitlines()] == list(CATALOGUE.tests)


def test_tests_json_holds_whole_records(run: Callable[..., Run]) -> None:
    data = run("tests", "--json").json()
    lunge = next(t for t in data if t["id"] == "wblt-distance")
    assert lunge["unit"] == "cm"
    assert {"protocol", "instruments", "error", "physiological_range", "norms"} <= lunge.keys()


def test_tests_filter_by_region_or_joint_id(run: Callable[..., Run]) -> None:
    by_region = {t["id"] for t in run("tests", "--joint", "wrist", "--json").json()}
    by_joint = {t["id"] for t in run("tests", "--joint", "radiocarpal", "--json").json()}
    assert by_region == by_joint == {"wrist-extension", "wrist-flexion"}


def test_techniques_filter_by_joint_and_motion(run: Callable[..., Run]) -> None:
    data = run("techniques", "--joint", "ankle", "--motion", "dorsiflexion", "--json").json()
    assert data
    assert all(t["joint"] == "talocrural" and "dorsiflexion" in t["motions"] for t in data)


def test_techniques_text_lists_one_per_line(run: Callable[..., Run]) -> None:
    result = run("techniques")
    assert len(result.out.splitlines()) == len(CATALOGUE.techniques)


def test_technique_prints_a_readable_card(run: Callable[..., Run]) -> None:
    result = run("technique", "ankle-banded-posterior-glide")
    assert result.code == 0
    for heading in ("Steps:", "Dose:", "Frequency:", "Pain:", "Easier version:", "Evidence:"):
        assert heading in result.out
    assert "never push through pain" in result.out


def test_technique_json_expands_its_references(run: Callable[..., Run]) -> None:
    data = run("technique", "wrist-hand-volar-glide", "--json").json()
    assert set(data["references"]) == set(data["evidence"])
    assert all(r["link"].startswith("http") for r in data["references"].values())


def test_unknown_joint_exits_2_with_the_known_ones(run: Callable[..., Run]) -> None:
    result = run("tests", "--joint", "elbowz")
    assert result.code == 2
    assert result.err.startswith("selfmob: error: unknown joint 'elbowz'; known joints:")


def test_unknown_motion_exits_2(run: Callable[..., Run]) -> None:
    result = run("techniques", "--motion", "levitation")
    assert result.code == 2
    assert "unknown motion 'levitation'" in result.err


def test_unknown_technique_exits_2(run: Callable[..., Run]) -> None:
    result = run("technique", "nope")
    assert (result.code, result.err) == (
        2,
        "selfmob: error: unknown technique id 'nope'; see `selfmob techniques` for the list\n",
    )


def test_docs_catalogue_is_the_output_of_selfmob_evidence(run: Callable[..., Run]) -> None:
    committed = (Path(__file__).resolve().parents[2] / "docs" / "catalogue.md").read_text(
        encoding="utf-8"
    )
    assert run("evidence").out == committed, "run: selfmob evidence > docs/catalogue.md"


def test_no_matching_technique_says_so(run: Callable[..., Run]) -> None:
    result = run("techniques", "--joint", "ankle", "--motion", "abduction")
    assert result.code == 0
    assert result.out == ""
    assert result.err == "no technique targets abduction at ankle\n"
