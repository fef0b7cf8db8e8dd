"""Screen question ids are stable: stored answers name them, so they are added, never renamed."""

from __future__ import annotations

import re
from pathlib import Path

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions, stored_screen

CATALOGUE = load_catalogue()
KNOWN = Path(__file__).with_name("question_ids.txt").read_text(encoding="utf-8").split()


def test_every_id_ever_published_still_exists() -> None:
    missing = [i for i in KNOWN if i not in CATALOGUE.questions]
    assert not missing, f"question ids are never renamed or removed; retire them: {missing}"


def test_every_new_id_is_added_to_the_published_list() -> None:
    new = [i for i in CATALOGUE.questions if i not in KNOWN]
    assert not new, f"add {new} to tests/knowledge/question_ids.txt"


def test_retired_questions_are_not_asked_but_stored_answers_still_count() -> None:
    retired = [q for q in CATALOGUE.questions.values() if q.retired]
    assert {q.id for q in retired} >= {"cauda-equina", "serious-history", "cervical-vascular-risk"}
    asked = {q.id for q in questions(CATALOGUE, neck=True)}
    assert not asked & {q.id for q in retired}
    old = stored_screen(CATALOGUE, {"cauda-equina": True}, neck=False)
    assert (old.verdict, old.urgent) == ("refer", True)


def test_questions_are_yes_or_no_with_yes_meaning_concern() -> None:
    for q in CATALOGUE.questions.values():
        assert q.text.rstrip().endswith("?"), q.id
        assert q.text.split()[0] in {"Do", "Does", "Have", "Has", "Are", "Is", "After", "Since"}, (
            q.id
        )
        numbers = re.findall(r"\d+", q.text)
        assert numbers in ([], ["65"]), f"{q.id}: no number for the person to judge"


def test_the_screen_covers_the_current_frameworks() -> None:
    needed = {
        "infection-risk", "major-trauma", "minor-trauma-older", "cauda-equina-signs",
        "chest-pain-breathless", "recent-sprain", "joint-replacement", "cancer-history",
        "cervical-horner", "cervical-one-sided-weakness", "cervical-vision-loss",
        "cervical-pulsatile-tinnitus", "cervical-recent-manipulation", "cervical-hormonal",
        "cervical-stroke-history", "cervical-high-blood-pressure", "cervical-connective-tissue",
    }  # fmt: skip
    assert needed <= {q.id for q in questions(CATALOGUE, neck=True)}
    cancer = CATALOGUE.questions["cancer-history"]
    assert cancer.if_yes == "caution" and set(cancer.refer_for) == {"neck", "thoracic", "lumbar"}
    assert "upper-neck" in CATALOGUE.questions["cervical-connective-tissue"].refer_for
