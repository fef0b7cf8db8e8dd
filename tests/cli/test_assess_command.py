from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.measures import Person, threshold
from tests.support.commands import Run

CATALOGUE = load_catalogue()
LUNGE = CATALOGUE.test("wblt-distance")
_limit = threshold(LUNGE, Person(age=30), CATALOGUE.policy.limits)
assert _limit is not None
CUT = round(_limit.value, 2)
"""The lunge's limit of normal for an adult: CUT - 1 is restricted, CUT + 5 within normal."""
GLIDES = {
    "posterior", "anterior", "inferior", "superior", "volar", "dorsal", "medial", "lateral",
    "plantar", "distraction", "none",
}  # fmt: skip


def test_assess_json_has_the_documented_shape(run: Callable[..., Run]) -> None:
    result = run(
        "assess",
        "--test",
        "wblt-distance",
        "--left",
        str(CUT + 5),
        "--right",
        str(CUT - 1),
        "--json",
    )
    assert result.code == 0
    data = result.json()
    assert (data["test"], data["unit"]) == ("wblt-distance", "cm")
    assert data["sides"]["left"]["status"] == "within_normal"
    assert data["sides"]["right"]["status"] == "restricted"
    assert data["sides"]["right"]["value"] == CUT - 1
    assert data["sides"]["right"]["reasons"]
    assert data["asymmetry"]["difference"] == pytest.approx(6.0)
    assert data["asymmetry"]["real"] is True
    assert data["asymmetry"]["mdc"] == (LUNGE.asymmetry_error or LUNGE.error).mdc
    suggestion = data["suggestions"][0]
    keys = {"technique", "joint", "motion", "side", "glide", "dose", "frequency", "reasons"}
    assert keys <= suggestion.keys()
    assert {s["side"] for s in data["suggestions"]} == {"right"}
    assert data["referral"] == {"needed": False, "reasons": [], "sources": []}
    assert data["findings"] == [] and data["left_out"] == []
    assert all(s["glide"] in GLIDES for s in data["suggestions"])
    assert set(data["references"]) >= set(suggestion["sources"])


def test_one_side_has_no_asymmetry(run: Callable[..., Run]) -> None:
    data = run("assess", "--test", "wblt-distance", "--left", str(CUT - 1), "--json").json()
    assert set(data["sides"]) == {"left"}
    assert data["asymmetry"] is None


def test_a_real_asymmetry_restricts_a_side_without_a_norm(run: Callable[..., Run]) -> None:
    data = run(
        "assess", "--test", "thoracic-rotation", "--left", "60", "--right", "40", "--json"
    ).json()
    assert data["sides"]["left"]["status"] == "no_norm"
    assert data["sides"]["right"]["status"] == "restricted"
    assert "asymmetry" in data["sides"]["right"]["reasons"][-1]
    assert data["suggestions"]


def test_the_stratum_changes_the_threshold(run: Callable[..., Run]) -> None:
    base = run("assess", "--test", "elbow-flexion", "--left", "130", "--json").json()
    woman = run(
        "assess", "--test", "elbow-flexion", "--left", "130", "--age", "30", "--sex", "f", "--json"
    ).json()
    man = run(
        "assess", "--test", "elbow-flexion", "--left", "130", "--age", "30", "--sex", "m", "--json"
    ).json()
    limit = {who: d["sides"]["left"]["threshold"]["value"] for who, d in (("f", woman), ("m", man))}
    assert limit["f"] > limit["m"]
    assert "women aged 20–44" in woman["sides"]["left"]["threshold"]["basis"]
    assert any("No age given" in note for note in base["notes"])


def test_a_straight_knee_is_never_restricted(run: Callable[..., Run]) -> None:
    for age, sex in (("5", "f"), ("5", "m"), ("30", "f")):
        argv = ["--test", "knee-extension", "--left", "0", "--age", age, "--sex", sex, "--json"]
        status = run("assess", *argv).json()["sides"]["left"]["status"]
        assert status in ("within_normal", "borderline", "no_norm")


def test_without_answers_it_reminds_to_screen(run: Callable[..., Run]) -> None:
    data = run("assess", "--test", "wblt-distance", "--left", str(CUT - 1), "--json").json()
    assert data["screen"] is None
    assert any("red-flag screen is still to be done" in note for note in data["notes"])
    assert data["suggestions"], "non-neck techniques are still suggested without a screen"


def test_a_refer_screen_blocks_suggestions(
    run: Callable[..., Run], answers_file: Callable[..., Path]
) -> None:
    path = answers_file(fever_hot_joint=True)
    data = run(
        "assess",
        "--test",
        "wblt-distance",
        "--left",
        str(CUT - 1),
        "--answers",
        str(path),
        "--json",
    ).json()
    assert data["screen"]["verdict"] == "refer"
    assert data["suggestions"] == []
    assert "see a professional" in data["notes"][-1]
    assert data["referral"]["needed"] is True
    assert data["referral"]["reasons"]


def test_neck_tests_need_the_cervical_answers(
    run: Callable[..., Run], answers_file: Callable[..., Path]
) -> None:
    general_only = answers_file()
    result = run(
        "assess",
        "--test",
        "cervical-flexion-rotation",
        "--left",
        "20",
        "--answers",
        str(general_only),
    )
    assert result.code == 2
    assert "cervical-dizziness" in result.err
    full = answers_file(neck=True)
    data = run(
        "assess",
        "--test",
        "cervical-flexion-rotation",
        "--left",
        "20",
        "--answers",
        str(full),
        "--json",
    ).json()
    assert data["screen"]["verdict"] == "clear"


def test_the_pain_limit_reaches_the_suggestions(run: Callable[..., Run]) -> None:
    data = run(
        "assess", "--test", "wblt-distance", "--left", str(CUT - 1), "--pain-limit", "0", "--json"
    ).json()
    assert data["suggestions"][0]["pain_rule"]["limit"] == 0


def test_text_output_lists_the_suggestions(run: Callable[..., Run]) -> None:
    result = run("assess", "--test", "wrist-extension", "--left", "45", "--right", "75")
    assert result.code == 0
    assert "Suggested self-mobilizations:" in result.out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--test", "nope", "--left", "5"], "unknown test id 'nope'"),
        (["--test", "wblt-distance", "--left", "abc"], "argument --left: not a number: 'abc'"),
        (
            ["--test", "wblt-distance", "--left", "nan"],
            "argument --left: not a finite number: 'nan'",
        ),
        (["--test", "wblt-distance", "--right", "inf"], "not a finite number: 'inf'"),
        (
            ["--test", "wblt-distance", "--left", "-3"],
            "left -3 cm is outside the physiological range",
        ),
        (
            ["--test", "knee-flexion", "--right", "400"],
            "right 400 deg is outside the physiological range",
        ),
        (["--test", "wblt-distance"], "give at least one of --left and --right"),
        (
            ["--test", "wblt-distance", "--left", "5", "--age", "200"],
            "age must be a number between 0 and 120",
        ),
        (
            ["--test", "wblt-distance", "--left", "5", "--sex", "x"],
            "argument --sex: invalid choice",
        ),
        (
            ["--test", "wblt-distance", "--left", "5", "--mdc", "-1"],
            "MDC override must be a positive",
        ),
        (
            ["--test", "wblt-distance", "--left", "5", "--pain-limit", "5"],
            "pain limit must be a whole number from 0 to 3",
        ),
        (["--left", "5"], "the following arguments are required: --test"),
        (["--test", "wblt-distance", "--left", "1_0"], "not a finite number: '1_0'"),
        (["--test", "wblt-distance", "--left", "9" * 400], "not a finite number: '9999"),
        (["--test", "wblt-distance", "--left", "12", "--pain-limit", "9"], "from 0 to 3"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    run: Callable[..., Run], argv: list[str], message: str
) -> None:
    result = run("assess", *argv)
    assert result.code == 2
    assert result.out == ""
    assert message in result.err
    assert result.err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read answers file"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"nope": true}', "unknown screening question id 'nope'"),
    ],
)
def test_bad_answers_files_exit_2(
    run: Callable[..., Run], answers_file: Callable[..., Path], content: str, message: str
) -> None:
    result = run(
        "assess", "--test", "wblt-distance", "--left", "5", "--answers", str(answers_file(content))
    )
    assert result.code == 2
    assert message in result.err


def test_a_missing_answers_file_exits_2(run: Callable[..., Run], tmp_path: Path) -> None:
    result = run("screen", "--answers", str(tmp_path / "missing.json"))
    assert result.code == 2
    assert "No such file or directory" in result.err


def test_neck_techniques_are_withheld_without_a_screen(run: Callable[..., Run]) -> None:
    data = run("assess", "--test", "cervical-flexion-rotation", "--left", "28", "--json").json()
    assert data["sides"]["left"]["status"] == "restricted"
    assert data["suggestions"] == []
    assert "neck questions" in data["notes"][-1]


def test_neck_suggestions_show_their_contraindications(
    run: Callable[..., Run], answers_file: Callable[..., Path]
) -> None:
    argv = ["--test", "cervical-flexion-rotation", "--left", "28"]
    result = run("assess", *argv, "--answers", str(answers_file(neck=True)))
    assert "Do not use when:" in result.out
    data = run("assess", *argv, "--answers", str(answers_file(neck=True)), "--json").json()
    assert data["suggestions"][0]["contraindications"]


def test_long_bad_arguments_are_cut_short(run: Callable[..., Run]) -> None:
    result = run("assess", "--test", "wblt-distance", "--left", "x" * 5000)
    assert result.code == 2
    assert len(result.err) < 200
