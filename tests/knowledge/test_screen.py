from __future__ import annotations

import pytest

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.screen import REFER_MESSAGE, URGENT_MESSAGE, questions, screen
from tests.support.knowledge import all_no

CATALOGUE = load_catalogue()


def first(group: str, if_yes: str, *, urgent: bool = False) -> str:
    return next(
        q.id
        for q in CATALOGUE.questions.values()
        if q.group == group and q.if_yes == if_yes and q.urgent == urgent
    )


def test_all_no_is_clear() -> None:
    result = screen(CATALOGUE, all_no())
    assert result.verdict == "clear"
    assert result.positives == []


def test_a_caution_answer_gives_caution() -> None:
    answers = all_no() | {first("general", "caution"): True}
    assert screen(CATALOGUE, answers).verdict == "caution"


def test_a_refer_answer_blocks_and_advises_a_professional() -> None:
    answers = all_no() | {first("general", "refer"): True, first("general", "caution"): True}
    result = screen(CATALOGUE, answers)
    assert result.verdict == "refer"
    assert result.reasons[0] == REFER_MESSAGE
    assert result.positives[0] == first("general", "refer")


def test_an_urgent_answer_says_to_seek_care_today() -> None:
    answers = all_no() | {first("general", "refer", urgent=True): True}
    result = screen(CATALOGUE, answers)
    assert result.urgent
    assert result.reasons[0] == URGENT_MESSAGE
    assert "Do not start self-mobilization" in URGENT_MESSAGE


def test_neck_screens_include_the_cervical_questions() -> None:
    general = {q.id for q in questions(CATALOGUE)}
    neck = {q.id for q in questions(CATALOGUE, neck=True)}
    assert general < neck
    assert all(CATALOGUE.questions[q].group == "cervical" for q in neck - general)


def test_a_neck_screen_without_the_cervical_answers_is_incomplete() -> None:
    with pytest.raises(KnowledgeError, match=r"incomplete.*cervical-dizziness"):
        screen(CATALOGUE, all_no(), neck=True)


def test_a_cervical_refer_answer_refers() -> None:
    answers = all_no(neck=True) | {"cervical-dizziness": True}
    assert screen(CATALOGUE, answers).verdict == "refer"


def test_unknown_question_ids_are_refused() -> None:
    with pytest.raises(KnowledgeError, match="unknown screening question id 'nope'"):
        screen(CATALOGUE, all_no() | {"nope": False})


@pytest.mark.parametrize("answer", ["yes", 1, None])
def test_answers_must_be_true_or_false(answer: object) -> None:
    with pytest.raises(KnowledgeError, match="must be true or false"):
        screen(CATALOGUE, all_no() | {"pregnancy": answer})


def test_a_partial_screen_is_incomplete() -> None:
    with pytest.raises(KnowledgeError, match="incomplete"):
        screen(CATALOGUE, {"pregnancy": False})
