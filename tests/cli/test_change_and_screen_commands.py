from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from selfmob.knowledge.catalogue import load_catalogue
from tests.support.commands import Run

LUNGE = load_catalogue().test("wblt-distance")
MDC = LUNGE.error.mdc


@pytest.mark.parametrize(
    ("after", "verdict"),
    [(7 + MDC + 0.1, "real_gain"), (7 + MDC, "within_error"), (7 - MDC - 0.1, "real_loss")],
)
def test_change_json(run: Callable[..., Run], after: float, verdict: str) -> None:
    data = run(
        "change", "--test", "wblt-distance", "--before", "7", "--after", str(after), "--json"
    ).json()
    assert data["verdict"] == verdict
    assert data["change"] == pytest.approx(after - 7)
    assert data["mdc"] == MDC
    assert data["source"] == LUNGE.error.source
    assert LUNGE.error.source in data["references"]


def test_change_text_says_it_plainly(run: Callable[..., Run]) -> None:
    result = run("change", "--test", "wblt-distance", "--before", "7", "--after", "7")
    text = " ".join(result.out.split())
    assert "within error" in text
    assert "cannot be told apart from measurement error" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--test", "nope", "--before", "1", "--after", "2"], "unknown test id"),
        (["--test", "wblt-distance", "--before", "x", "--after", "2"], "not a number"),
        (["--test", "wblt-distance", "--before", "1"], "required: --after"),
        (
            ["--test", "wblt-distance", "--before", "1", "--after", "99"],
            "outside the physiological range",
        ),
    ],
)
def test_change_bad_input_exits_2(run: Callable[..., Run], argv: list[str], message: str) -> None:
    result = run("change", *argv)
    assert result.code == 2
    assert message in result.err


def test_screen_list_json_has_ids_and_text(run: Callable[..., Run]) -> None:
    data = run("screen", "--list", "--json").json()
    assert data
    assert all({"id", "text", "group", "if_yes", "urgent"} <= q.keys() for q in data)
    assert {q["group"] for q in data} == {"general", "cervical"}


def test_screen_answers_give_a_verdict(
    run: Callable[..., Run], answers_file: Callable[..., Path]
) -> None:
    data = run("screen", "--answers", str(answers_file(pregnancy=True)), "--json").json()
    assert data["verdict"] == "caution"
    assert data["positives"] == ["pregnancy"]
    assert data["reasons"]


def test_screen_refer_in_text(run: Callable[..., Run], answers_file: Callable[..., Path]) -> None:
    result = run("screen", "--answers", str(answers_file(cauda_equina=True)))
    assert result.code == 0
    assert "Verdict: refer" in result.out
    assert "urgent" in result.out


def test_screen_needs_list_or_answers(run: Callable[..., Run]) -> None:
    result = run("screen")
    assert result.code == 2
    assert "one of the arguments --list --answers is required" in result.err


def test_tour_runs_the_loop(run: Callable[..., Run]) -> None:
    result = run("tour")
    assert result.code == 0
    assert "1. Screen for red flags" in result.out and "4. Re-test" in result.out


def test_a_clear_screen_cites_the_frameworks(
    run: Callable[..., Run], answers_file: Callable[..., Path]
) -> None:
    data = run("screen", "--answers", str(answers_file()), "--json").json()
    assert data["verdict"] == "clear"
    assert "finucane2020" in data["sources"]


def test_a_neck_screen_needs_the_cervical_answers(
    run: Callable[..., Run], answers_file: Callable[..., Path]
) -> None:
    result = run("screen", "--answers", str(answers_file()), "--neck")
    assert result.code == 2
    assert "cervical-dizziness" in result.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"pregnancy": true, "pregnancy": false}', "question 'pregnancy' is answered twice"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
        ('{"pregnancy": ' + "9" * 5000 + "}", "cannot read answers file"),
        ("", "cannot read answers file"),
    ],
)
def test_hostile_answers_files_exit_2_without_a_traceback(
    run: Callable[..., Run], answers_file: Callable[..., Path], content: str, message: str
) -> None:
    result = run("screen", "--answers", str(answers_file(content)))
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert len(result.err) < 400


def test_a_directory_is_not_an_answers_file(run: Callable[..., Run], tmp_path: Path) -> None:
    result = run("screen", "--answers", str(tmp_path))
    assert result.code == 2
    assert "cannot read answers file" in result.err
