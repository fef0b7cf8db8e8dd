"""The knowledge catalogue and the pure evaluations: open, no sign-in needed."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from selfmob.clinic.api.schemas import AssessIn, ChangeIn, errors
from selfmob.clinic.errors import InvalidInput
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.jsonable import assessment_json, plain, references
from selfmob.knowledge.rules.assess import assess
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.mdc import checked_context
from selfmob.knowledge.rules.measures import Person
from selfmob.knowledge.rules.screen import questions, screen_for_test
from selfmob.knowledge.schema import as_dict

router = Router(tags=["catalogue"], auth=None)


@router.get("/tests", response=list[dict[str, Any]])
def tests(request: HttpRequest) -> list[dict[str, Any]]:
    return [as_dict(t) for t in load_catalogue().tests.values()]


@router.get("/tests/{test_id}", response={200: dict[str, Any], **errors(404)})
def test(request: HttpRequest, test_id: str) -> dict[str, Any]:
    return as_dict(_known(lambda c: c.test(test_id)))


@router.get("/techniques", response=list[dict[str, Any]])
def techniques(request: HttpRequest) -> list[dict[str, Any]]:
    return [as_dict(t) for t in load_catalogue().techniques.values()]


@router.get("/techniques/{technique_id}", response={200: dict[str, Any], **errors(404)})
def technique(request: HttpRequest, technique_id: str) -> dict[str, Any]:
    found = _known(lambda c: c.technique(technique_id))
    return as_dict(found) | {"references": references(load_catalogue(), found.evidence)}


@router.post("/evaluate/assess", response={200: dict[str, Any], **errors(400, 413)})
def evaluate_assess(request: HttpRequest, payload: AssessIn) -> dict[str, Any]:
    """Classify one test's left/right values against norms, cut-off and MDC, with ranked
    self-mobilizations (withheld when the answers say to see a professional)."""
    catalogue = load_catalogue()
    try:
        result = assess(
            catalogue,
            payload.test_id,
            left=payload.left,
            right=payload.right,
            person=Person(age=payload.age, sex=payload.sex),
            cutoff=payload.cutoff,
            mdc=payload.mdc,
            percentile=payload.percentile,
            screen=screen_for_test(catalogue, payload.test_id, payload.answers),
            pain_limit=payload.pain_limit,
        )
    except KnowledgeError as exc:
        raise InvalidInput.from_knowledge(exc) from None
    return assessment_json(catalogue, result)


@router.post("/evaluate/change", response={200: dict[str, Any], **errors(400, 413)})
def evaluate_change(request: HttpRequest, payload: ChangeIn) -> dict[str, Any]:
    """Before against after: real gain, within measurement error, or real loss, judged with
    the MDC of the context given (default: between days, the same rater, a clinician); the
    answer names the MDC, its level, its source and how it fits."""
    catalogue = load_catalogue()
    try:
        test = catalogue.test(payload.test_id)
        measured = checked_context(
            test,
            timing=payload.timing,
            raters=payload.raters,
            tester=payload.measured_by,
            instrument=payload.instrument,
            trials=payload.readings,
        )
        change = classify_change(
            test,
            before=payload.before,
            after=payload.after,
            policy=catalogue.policy.change,
            measured=measured,
            mdc=payload.mdc,
        )
    except KnowledgeError as exc:
        raise InvalidInput.from_knowledge(exc) from None
    data: dict[str, Any] = plain(change)
    data["references"] = references(catalogue, [change.source or ""])
    return data


def _known(find: Any) -> Any:
    try:
        return find(load_catalogue())
    except KnowledgeError:
        raise Http404("not found") from None


@router.get("/questions", response={200: list[dict[str, Any]], **errors(400)})
def red_flag_questions(request: HttpRequest, neck: bool = False) -> list[dict[str, Any]]:
    """The red-flag screen; `neck=true` adds the questions asked before neck techniques."""
    return [as_dict(q) for q in questions(load_catalogue(), neck=neck)]
