"""Knowledge commands: tests, techniques, technique, assess, change, screen."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from selfmob.cli import render
from selfmob.knowledge import errors
from selfmob.knowledge.catalogue import Catalogue, load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.assess import assess
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.mdc import checked_context
from selfmob.knowledge.rules.measures import Person
from selfmob.knowledge.rules.screen import questions, screen, screen_for_test
from selfmob.knowledge.schema import as_dict

BAD_FILE = "cannot read answers file {path}: {problem}"
NOT_AN_OBJECT = "answers file {path} must hold a JSON object of question id to true or false"
DUPLICATE_ANSWER = "question {id!r} is answered twice"
NO_MATCH = "no technique targets {what}"
SHOWN = 40  # characters of a bad argument echoed back


def number(text: str) -> float:
    """An argparse type: a finite number (NaN and infinity are refused)."""
    shown = repr(text if len(text) <= SHOWN else text[:SHOWN] + "…")
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {shown}") from None
    if not math.isfinite(value) or "_" in text:
        raise argparse.ArgumentTypeError(f"not a finite number: {shown}")
    return value


def whole(text: str) -> int:
    try:
        return int(text[:SHOWN])
    except ValueError:
        shown = repr(text if len(text) <= SHOWN else text[:SHOWN] + "…")
        raise argparse.ArgumentTypeError(f"not a whole number: {shown}") from None


def register(commands: Any) -> None:
    p = commands.add_parser("tests", help="list the ROM tests")
    p.add_argument("--joint", help="joint id or body region, e.g. talocrural or ankle")
    _json_flag(p, run_tests)

    p = commands.add_parser("techniques", help="list the self-mobilization techniques")
    p.add_argument("--joint", help="joint id or body region, e.g. radiocarpal or wrist")
    p.add_argument("--motion", help="motion id, e.g. dorsiflexion")
    _json_flag(p, run_techniques)

    p = commands.add_parser("technique", help="show one technique as a readable card")
    p.add_argument("id", help="technique id, e.g. ankle-banded-posterior-glide")
    _json_flag(p, run_technique)

    p = commands.add_parser("assess", help="classify measured values and suggest techniques")
    p.add_argument("--test", required=True, help="test id, e.g. wblt-distance")
    p.add_argument("--left", type=number, help="left side value, in the test's unit")
    p.add_argument("--right", type=number, help="right side value, in the test's unit")
    p.add_argument("--age", type=number, help="age in years (selects the norm stratum)")
    p.add_argument("--sex", choices=("f", "m"), help="sex (selects the norm stratum)")
    p.add_argument("--cutoff", type=number, help="override the restriction cut-off")
    p.add_argument(
        "--percentile",
        type=number,
        help="percentile of healthy people that sets the limit of normal (default: the policy's 5)",
    )
    p.add_argument("--mdc", type=number, help="override the test's MDC")
    p.add_argument("--pain-limit", type=whole, help="pain limit during the technique (0-3)")
    p.add_argument("--answers", type=Path, help="red-flag answers file (JSON)")
    _json_flag(p, run_assess)

    p = commands.add_parser("change", help="is a before/after change real or within error?")
    p.add_argument("--test", required=True, help="test id, e.g. wblt-distance")
    p.add_argument("--before", type=number, required=True, help="value before")
    p.add_argument("--after", type=number, required=True, help="value after")
    p.add_argument("--mdc", type=number, help="override the test's MDC")
    context = p.add_argument_group(
        "context", "how before and after were measured; it picks the MDC"
    )
    context.add_argument(
        "--timing", choices=("between_days", "within_session"), default="between_days",
        help="on different days (default) or within one session",
    )  # fmt: skip
    context.add_argument(
        "--raters", choices=("same", "different"), default="same",
        help="the same person measured both (default) or two people",
    )  # fmt: skip
    context.add_argument(
        "--measured-by", choices=("clinician", "self"), default="clinician",
        help="a clinician measured (default), or the person tested themselves",
    )  # fmt: skip
    context.add_argument("--instrument", help="the instrument used, e.g. inclinometer")
    context.add_argument(
        "--readings", type=whole, default=1, help="readings averaged into each value (1-5)"
    )
    _json_flag(p, run_change)

    p = commands.add_parser("screen", help="the red-flag screen")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--list", action="store_true", help="list every question with its group")
    mode.add_argument("--answers", type=Path, help='JSON file: {"question_id": true|false}')
    p.add_argument(
        "--neck",
        action="store_true",
        help="the screen is for a neck technique: require the cervical answers",
    )
    _json_flag(p, run_screen)


def _json_flag(parser: argparse.ArgumentParser, handler: Any) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=handler)


def joint_ids(catalogue: Catalogue, name: str | None) -> set[str] | None:
    """Accept a joint id or a body region; None means every joint."""
    if name is None:
        return None
    found = {j.id for j in catalogue.joints.values() if name in (j.id, j.region)}
    if not found:
        catalogue.joint(name)  # raises the "unknown joint" error with the list
    return found


def run_tests(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    joints = joint_ids(catalogue, args.joint)
    tests = [t for t in catalogue.tests.values() if joints is None or t.joint in joints]
    if args.json:
        print(render.dump([as_dict(t) for t in tests]))
    else:
        print("\n".join(render.test_line(t) for t in tests))
    return 0


def run_techniques(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    joints = joint_ids(catalogue, args.joint)
    motions = {m.id for j in catalogue.joints.values() for m in j.motions}
    if args.motion and args.motion not in motions:
        known = ", ".join(sorted(motions))
        raise KnowledgeError(errors.UNKNOWN_MOTION.format(id=args.motion, known=known))
    chosen = [
        t
        for t in catalogue.techniques.values()
        if (joints is None or t.joint in joints) and (args.motion in (None, *t.motions))
    ]
    if not chosen:
        what = " at ".join(x for x in (args.motion, args.joint) if x)
        print(NO_MATCH.format(what=what), file=sys.stderr)
    if args.json:
        print(render.dump([as_dict(t) for t in chosen]))
    elif chosen:
        print("\n".join(render.technique_line(t) for t in chosen))
    return 0


def run_technique(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    technique = catalogue.technique(args.id)
    if args.json:
        data = as_dict(technique)
        data["references"] = render.references(catalogue, technique.evidence)
        print(render.dump(data))
    else:
        print(render.technique_card(catalogue, technique))
    return 0


def run_assess(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    result = assess(
        catalogue,
        args.test,
        left=args.left,
        right=args.right,
        person=Person(age=args.age, sex=args.sex),
        cutoff=args.cutoff,
        mdc=args.mdc,
        percentile=args.percentile,
        screen=screen_for_test(
            catalogue, args.test, read_answers(args.answers) if args.answers else None
        ),
        pain_limit=args.pain_limit,
    )
    if args.json:
        data = render.assessment_json(catalogue, result)
        data["person"] = {"age": args.age, "sex": args.sex}
        print(render.dump(data))
    else:
        print(render.assessment_text(result))
    return 0


def run_change(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    test = catalogue.test(args.test)
    measured = checked_context(
        test,
        timing=args.timing,
        raters=args.raters,
        tester=args.measured_by,
        instrument=args.instrument,
        trials=args.readings,
    )
    change = classify_change(
        test,
        before=args.before,
        after=args.after,
        policy=catalogue.policy.change,
        measured=measured,
        mdc=args.mdc,
    )
    if args.json:
        data = render.plain(change)
        data["references"] = render.references(catalogue, [change.source or ""])
        print(render.dump(data))
    else:
        print(f"{test.name}: {change.verdict.replace('_', ' ')}")
        print(render.wrap(change.reasons[0], ""))
    return 0


def run_screen(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    if args.list:
        listed = questions(catalogue, neck=True)
        if args.json:
            keys = ("id", "group", "text", "if_yes", "urgent")
            print(render.dump([{k: getattr(q, k) for k in keys} for q in listed]))
        else:
            print("\n".join(f"{q.id:<30} [{q.group}] {q.text}" for q in listed))
        return 0
    result = screen(catalogue, read_answers(args.answers), neck=args.neck)
    if args.json:
        print(render.dump(render.plain(result)))
    else:
        print(f"Verdict: {result.verdict}")
        print("\n".join(render.wrap(r) for r in result.reasons))
    return 0


def read_answers(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates)
    except KnowledgeError:
        raise
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise KnowledgeError(
            BAD_FILE.format(path=path, problem=_problem(exc)), field="answers"
        ) from None
    if not isinstance(data, dict):
        raise KnowledgeError(NOT_AN_OBJECT.format(path=path), field="answers")
    return data


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data: dict[str, object] = {}
    for key, value in pairs:
        if key in data:
            raise KnowledgeError(DUPLICATE_ANSWER.format(id=key), field="answers")
        data[key] = value
    return data


def _problem(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, RecursionError):
        return "the JSON is nested too deeply"
    return str(exc)[:200]
