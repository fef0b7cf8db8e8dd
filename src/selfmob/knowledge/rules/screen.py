"""The red-flag screen: `clear`, `caution` (go ahead with precautions) or `refer`.

`refer` blocks self-mobilization and says to see a professional; an urgent flag says to
seek care today. The general questions are always required; the cervical ones as well
whenever a neck technique is in play.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from selfmob.knowledge import errors
from selfmob.knowledge.catalogue import Catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.schema import Question

Verdict = Literal["clear", "caution", "refer"]
REFER_MESSAGE = (
    "Do not start self-mobilization. Please see a doctor or physiotherapist about the "
    "answers below before going on."
)
URGENT_MESSAGE = (
    "Do not start self-mobilization. Some answers need urgent care: seek medical help today."
)
CAUTION_MESSAGE = (
    "Self-mobilization may start with the precautions below; make sure your coach knows."
)


@dataclass(frozen=True)
class ScreenResult:
    verdict: Verdict
    urgent: bool
    reasons: list[str]
    positives: list[str]
    sources: list[str]


def questions(catalogue: Catalogue, *, neck: bool = False) -> list[Question]:
    return [q for q in catalogue.questions.values() if q.group == "general" or neck]


def screen(
    catalogue: Catalogue, answers: Mapping[str, object], *, neck: bool = False
) -> ScreenResult:
    _check_answers(catalogue, answers)
    neck = neck or any(catalogue.questions[q].group == "cervical" for q in answers)
    missing = [q.id for q in questions(catalogue, neck=neck) if q.id not in answers]
    if missing:
        raise KnowledgeError(errors.MISSING_ANSWERS.format(ids=", ".join(missing)), field="answers")
    positive = [catalogue.questions[q] for q, yes in answers.items() if yes]
    verdict: Verdict = "clear"
    if any(q.if_yes == "refer" for q in positive):
        verdict = "refer"
    elif positive:
        verdict = "caution"
    return _result(verdict, positive, questions(catalogue, neck=neck))


def _check_answers(catalogue: Catalogue, answers: Mapping[str, object]) -> None:
    for question_id, answer in answers.items():
        if question_id not in catalogue.questions:
            message = errors.UNKNOWN_QUESTION.format(id=question_id)
            raise KnowledgeError(message, field="answers")
        if not isinstance(answer, bool):
            message = errors.BAD_ANSWER.format(id=question_id, value=answer)
            raise KnowledgeError(message, field="answers")


def _result(verdict: Verdict, positive: list[Question], asked: list[Question]) -> ScreenResult:
    urgent = any(q.urgent and q.if_yes == "refer" for q in positive)
    reasons: list[str] = []
    if verdict == "refer":
        reasons.append(URGENT_MESSAGE if urgent else REFER_MESSAGE)
    elif verdict == "caution":
        reasons.append(CAUTION_MESSAGE)
    else:
        reasons.append("No red flags: self-mobilization may start.")
    order = sorted(positive, key=lambda q: (q.if_yes != "refer", not q.urgent))
    reasons += [f"{q.text} Yes ({q.if_yes}): {q.advice}" for q in order]
    sources = sorted({q.source for q in positive or asked})
    return ScreenResult(verdict, urgent, reasons, [q.id for q in order], sources)
