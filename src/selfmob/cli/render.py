"""Turn knowledge results into JSON-ready dicts and readable text."""

from __future__ import annotations

import json
import textwrap

from selfmob.knowledge.catalogue import Catalogue
from selfmob.knowledge.jsonable import assessment_json, plain, references
from selfmob.knowledge.rules.assess import Assessment
from selfmob.knowledge.rules.measures import fmt
from selfmob.knowledge.rules.pain import pain_rule
from selfmob.knowledge.schema import RomTest, Technique

WIDTH = 88
NEVER_PUSH = "You may stop at any moment; never push through pain."
NECK_JOINTS = frozenset({"atlantoaxial"})
__all__ = ["assessment_json", "dump", "plain", "references"]


def dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def test_line(test: RomTest) -> str:
    self_test = "self-test" if test.self_testable else "needs a tester"
    return f"{test.id:<28} {test.unit:<4} {test.joint}/{test.motion:<20} {self_test}"


def technique_line(technique: Technique) -> str:
    motions = ",".join(technique.motions)
    return f"{technique.id:<36} {technique.joint}/{motions:<32} glide: {technique.glide}"


def technique_card(catalogue: Catalogue, technique: Technique) -> str:
    from selfmob.knowledge.rules.suggest import dose_text, frequency_for

    joint = catalogue.joints[technique.joint]
    lines = [
        technique.name,
        "=" * len(technique.name),
        f"Joint: {joint.name}. Gains: {', '.join(technique.motions)}.",
        f"Glide: {technique.glide}. {technique.glide_reason}",
    ]
    if technique.glide_exception:
        lines.append(f"Exception to the convex–concave rule: {technique.glide_exception}")
    lines += [
        f"Equipment: {', '.join(technique.equipment)}. Method: {technique.method}.",
        f"Position: {technique.position}",
        "",
        "Steps:",
        *(wrap(f"{i}. {step}") for i, step in enumerate(technique.steps, start=1)),
    ]
    lines += _section("Cues", technique.cues)
    dose = technique.dose
    lines += [
        "",
        f"Dose: {dose_text(dose)} (grade {dose.grade}, {dose.source}).",
        f"Frequency: {frequency_for(catalogue, technique).text}",
        wrap(f"Pain: {pain_rule(catalogue.policy).during} {NEVER_PUSH}", ""),
    ]
    lines += _section("Progression", technique.progression)
    lines += _section("Easier version", technique.regression)
    lines += _section("Precautions", technique.precautions)
    lines += _section("Do not use when", technique.contraindications)
    refs = references(catalogue, technique.evidence)
    lines += _section("Evidence", [f"{r['citation']} {r['link']}" for r in refs.values()])
    return "\n".join(lines)


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return ["", f"{title}:", *(wrap(f"- {item}") for item in items)]


def assessment_text(result: Assessment) -> str:
    test = result.test
    lines = [f"{test.name} ({test.id}, {test.unit})"]
    for side in result.sides.values():
        lines.append(f"  {side.side:<6} {fmt(side.value, test.unit):<9} {side.status}")
        lines += [wrap(reason, "      ") for reason in side.reasons]
    if result.asymmetry:
        lines += ["", wrap(result.asymmetry.reasons[0], "")]
    lines += [wrap(finding, "") for finding in result.findings]
    if result.screen:
        lines += ["", f"Screen: {result.screen.verdict}"]
        lines += [wrap(reason) for reason in result.screen.reasons]
    if result.referral.needed:
        lines += ["", "Referral: see a doctor or physiotherapist first."]
        lines += [wrap(reason) for reason in result.referral.reasons]
    lines += [wrap(item.reason, "") for item in result.left_out]
    lines += [wrap(note, "") for note in result.notes]
    if result.suggestions:
        lines += ["", "Suggested self-mobilizations:"]
    for s in result.suggestions:
        lines.append(f"  {s.rank}. [{s.side}] {s.name} ({s.technique}), glide {s.glide}")
        lines.append(wrap(f"Dose: {s.dose['text']}. {s.frequency.text}", "     "))
        if s.joint in NECK_JOINTS:
            lines.append(wrap(f"Do not use when: {'; '.join(s.contraindications)}", "     "))
    if result.suggestions:
        rule = result.suggestions[0].pain_rule
        lines += ["", wrap(f"Pain: {rule.during} {rule.next_day}", "")]
        lines.append(wrap("Full card, with precautions: selfmob technique ID", ""))
    return "\n".join(lines)
