"""`selfmob tour`: the self-mobilization loop, told with the real rules and catalogue."""

from __future__ import annotations

import argparse
from typing import Any

from selfmob.cli import render
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.assess import assess
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.mdc import MeasuredIn
from selfmob.knowledge.rules.measures import Person
from selfmob.knowledge.rules.screen import questions, screen_for_test

TEST = "wblt-distance"
LEFT, RIGHT = 11.5, 7.0
BEFORE, AFTER = 7.0, 9.5


def register(commands: Any) -> None:
    p = commands.add_parser("tour", help="walk through the loop with example values")
    p.set_defaults(handler=run_tour)


def run_tour(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    answers: dict[str, object] = {q.id: False for q in questions(catalogue)}
    result = assess(
        catalogue,
        TEST,
        left=LEFT,
        right=RIGHT,
        person=Person(age=34, sex="f"),
        screen=screen_for_test(catalogue, TEST, answers),
    )
    _step(1, "Screen for red flags", "selfmob screen --list; selfmob screen --answers FILE")
    print(render.wrap(f"All {len(answers)} general questions answered no: the screen is clear."))
    command = f"selfmob assess --test {TEST} --left {LEFT} --right {RIGHT} --age 34 --sex f"
    _step(2, "Test both sides", f"{command} --answers answers.json")
    print(render.assessment_text(result))
    top = result.suggestions[0]
    _step(3, "Read the top technique", f"selfmob technique {top.technique}")
    print(render.wrap(f"{top.name}: {top.dose['text']}. {top.frequency.text}"))
    print(render.wrap(top.pain_rule.during))
    _step(
        4,
        "Re-test after the session",
        f"selfmob change --test {TEST} --before {BEFORE} --after {AFTER} --timing within_session",
    )
    within = MeasuredIn(timing="within_session")
    change = classify_change(
        catalogue.test(TEST), before=BEFORE, after=AFTER, policy=catalogue.policy.change,
        measured=within,
    )  # fmt: skip
    print(render.wrap(change.reasons[0]))
    print("\nEvery command takes --json. See `selfmob --help`.")
    return 0


def _step(number: int, title: str, command: str) -> None:
    print(f"\n{number}. {title}\n   $ {command}\n")
