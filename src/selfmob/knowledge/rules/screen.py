"""The red-flag screen: `clear`, `caution` (go ahead with precautions) or `refer`.

`refer` blocks self-mobilization and says to see a professional; an urgent flag says to
seek care today. A `caution` answer goes on to the assessment as a code (the question's id):
there it leaves out or ranks down the techniques it concerns (`avoid_if`, `ranks_down`),
adds its precaution to the others (`caution_if`), or refers for the scopes it names
(`refer_for`). The general questions are always required; the cervical ones as well whenever
a neck technique is in play. Retired questions are never asked but are read in stored answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
    "Self-mobilization may start with the precautions below; the techniques they concern are "
    "left out or changed."
)


@dataclass(frozen=True)
class ScreenResult:
    verdict: Verdict
    urgent: bool
    reasons: list[str]
    positives: list[str]
    sources: list[str]
    cautions: list[str] = field(default_factory=list)
    """Ids of the caution questions answered yes: the codes the assessment acts on."""
    neck: bool = False
    """Whether the cervical questions were answered."""


def questions(catalogue: Catalogue, *, neck: bool = False) -> list[Question]:
    """The questions to ask now (retired ones are not asked)."""
    return [
        q for q in catalogue.questions.values() if not q.retired and (q.group == "general" or neck)
    ]


def screen(
    catalogue: Catalogue, answers: Mapping[str, object], *, neck: bool = False
) -> ScreenResult:
    """Judge a new, complete set of answers."""
    _check_answers(catalogue, answers)
    neck = neck or any(catalogue.questions[q].group == "cervical" for q in answers)
    missing = [q.id for q in questions(catalogue, neck=neck) if q.id not in answers]
    if missing:
        raise KnowledgeError(errors.MISSING_ANSWERS.format(ids=", ".join(missing)), field="answers")
    return _judge(catalogue, answers, neck)


def stored_screen(
    catalogue: Catalogue, answers: Mapping[str, object], *, neck: bool
) -> ScreenResult:
    """Judge answers recorded earlier: complete when given, though questions added since are
    unanswered. Only what was answered counts; `neck` is what was asked then."""
    _check_answers(catalogue, answers)
    return _judge(catalogue, answers, neck)


def _judge(catalogue: Catalogue, answers: Mapping[str, object], neck: bool) -> ScreenResult:
    positive = [catalogue.questions[q] for q, yes in answers.items() if yes]
    verdict: Verdict = "clear"
    if any(q.if_yes == "refer" for q in positive):
        verdict = "refer"
    elif positive:
        verdict = "caution"
    result = _result(verdict, positive, questions(catalogue, neck=neck), neck)
    return replace(result, cautions=_codes(catalogue, positive))


def _codes(catalogue: Catalogue, positive: list[Question]) -> list[str]:
    """The caution codes the assessment acts on. A retired question answered yes acts as all
    of its replacements that are cautions (the most restrictive reading of an old answer)."""
    codes: dict[str, None] = {}
    for q in positive:
        if q.if_yes != "caution":
            continue
        if q.retired:
            codes |= dict.fromkeys(
                r for r in q.replaced_by if catalogue.questions[r].if_yes == "caution"
            )
        else:
            codes[q.id] = None
    return list(codes)


def _check_answers(catalogue: Catalogue, answers: Mapping[str, object]) -> None:
    for question_id, answer in answers.items():
        if question_id not in catalogue.questions:
            message = errors.UNKNOWN_QUESTION.format(id=question_id)
            raise KnowledgeError(message, field="answers")
        if not isinstance(answer, bool):
            message = errors.BAD_ANSWER.format(id=question_id, value=answer)
            raise KnowledgeError(message, field="answers")


def _result(
    verdict: Verdict, positive: list[Question], asked: list[Question], neck: bool
) -> ScreenResult:
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
    cautions = [q.id for q in order if q.if_yes == "caution"]
    return ScreenResult(verdict, urgent, reasons, [q.id for q in order], sources, cautions, neck)


def screen_for_test(
    catalogue: Catalogue, test_id: str, answers: Mapping[str, object] | None
) -> ScreenResult | None:
    """Judge new answers for an assessment of one test: the neck questions are required when
    the test is of the neck. None when no answers were given."""
    if answers is None:
        return None
    test = catalogue.test(test_id)
    return screen(catalogue, answers, neck=catalogue.joint(test.joint).region == "neck")
