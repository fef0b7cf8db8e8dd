"""The pieces of selfmob's FHIR resources: code systems, codes, quantities, body sites,
schedules. The choices behind them, and the sources of the codes, are in docs/fhir.md.

External codes appear only where the clinical brief lists them (section 7): SNOMED CT
364564000 and 74251004 are tagged V2 there (seen in secondary sources). LOINC has no ROM
code and the brief's NPRS code is unchecked, so pain uses our own code; laterality is
text, because the brief gives no code for left and right.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from selfmob.clinic.models import PlanItem, Session
from selfmob.clinic.services.sessions import NEXT_DAY_WINDOW
from selfmob.knowledge.catalogue import Catalogue
from selfmob.knowledge.rules.mdc import MeasuredIn, mdc_for
from selfmob.knowledge.schema import Joint, RomTest, Technique

Json = dict[str, Any]

SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LATERALITY = "http://hl7.org/fhir/StructureDefinition/observation-structureLaterality"
BODY_POSITION = "http://hl7.org/fhir/StructureDefinition/observation-bodyPosition"
TARGET_BODY_STRUCTURE = "http://hl7.org/fhir/StructureDefinition/procedure-targetBodyStructure"

# Our catalogue's ids are the same in every installation, so their systems do not depend on
# the site's address (docs/fhir.md, "Code systems").
LOCAL = "urn:selfmob:fhir"
ROM_TEST = f"{LOCAL}:CodeSystem:rom-test"
TECHNIQUE = f"{LOCAL}:CodeSystem:technique"
SESSION_TIMING = f"{LOCAL}:CodeSystem:session-timing"
MEASURE = f"{LOCAL}:CodeSystem:measure"
RED_FLAG_QUESTIONNAIRE = f"{LOCAL}:Questionnaire:red-flag-screen"

ROM_CODING = {"system": SNOMED, "code": "364564000", "display": "Range of joint movement"}
MOBILIZATION_CODING = {
    "system": SNOMED,
    "code": "74251004",
    "display": "Physiatric mobilization of joint",
}
EXAM = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "exam", "display": "Exam"}]}
SURVEY = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}

GENDER = {"f": "female", "m": "male"}
SIDES = {"left": "Left", "right": "Right"}
INSTRUMENTS = {
    "goniometer": "Goniometer",
    "inclinometer": "Inclinometer",
    "phone-inclinometer": "Phone used as an inclinometer",
    "tape-measure": "Tape measure",
    "crom": "Cervical range-of-motion (CROM) device",
}
UNIT_SYMBOLS = {"deg": "°", "cm": "cm"}
TIMINGS = {
    "pre-session": "Before the self-mobilization",
    "post-session": "After the self-mobilization",
}
# A second category marks a value as measured before or after the session. The code stays
# the test's, so the pre and post values of one test remain one series.
SESSION_CATEGORIES = {
    timing: [EXAM, {"coding": [{"system": SESSION_TIMING, "code": timing, "display": display}]}]
    for timing, display in TIMINGS.items()
}
VERDICTS = {
    "real_gain": "a real gain",
    "within_error": "within the measurement error",
    "real_loss": "a real loss",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def severity(verdict: str, *, urgent: bool) -> str:
    """A `refer` that needs care today is high; any other `refer` moderate; `caution` low."""
    if verdict == "refer":
        return "high" if urgent else "moderate"
    return "low"


def measure(code: str, display: str) -> Json:
    return {"coding": [{"system": MEASURE, "code": code, "display": display}], "text": display}


def rom_test_code(test: RomTest) -> Json:
    local = {"system": ROM_TEST, "code": test.id, "display": test.name}
    return {"coding": [ROM_CODING, local], "text": test.name}


def technique_code(technique: Technique) -> Json:
    local = {"system": TECHNIQUE, "code": technique.id, "display": technique.name}
    return {"coding": [MOBILIZATION_CODING, local], "text": technique.name}


def amount(value: float, unit: str, *, sign: bool = False) -> str:
    number = f"{round(value, 2):+g}" if sign else f"{round(value, 2):g}"
    return f"{number}{UNIT_SYMBOLS[unit]}" if unit == "deg" else f"{number} {unit}"


def quantity(value: float, unit: str) -> Json:
    return {"value": value, "unit": UNIT_SYMBOLS[unit], "system": UCUM, "code": unit}


def rom_parts(catalogue: Catalogue, test: RomTest, side: str) -> Json:
    """What every Observation of one test and side shares. Laterality goes on the body
    site of a limb; on the spine the side is the direction of the movement."""
    joint = catalogue.joint(test.joint)
    motion = joint.motion(test.motion)
    movement = motion.name if motion else test.motion
    if side and joint.limb == "spine":
        movement = f"{movement} to the {side}"
    return {
        "code": rom_test_code(test),
        "bodySite": body_site(joint, side),
        "component": [{"code": measure("movement", "Movement tested"), "valueString": movement}],
    }


def rom_observation(parts: Json, unit: str, value: float, *, id_: str, effective: str) -> Json:
    """One ROM value, without its subject and performer; `parts` from `rom_parts`."""
    return {
        "resourceType": "Observation",
        "id": id_,
        "status": "final",
        "category": [EXAM],
        "code": parts["code"],
        "effectiveDateTime": effective,
        "valueQuantity": quantity(value, unit),
        "bodySite": parts["bodySite"],
        "component": parts["component"],
    }


def body_site(joint: Joint, side: str) -> Json:
    if not side or joint.limb == "spine":
        return {"text": joint.name}
    laterality = {"url": LATERALITY, "valueCodeableConcept": {"text": SIDES[side]}}
    return {"extension": [laterality], "text": joint.name}


def trial_components(trials: Sequence[float], unit: str) -> list[Json]:
    """Each trial behind a mean, in the order taken; none when there was one."""
    if len(trials) < 2:
        return []
    coding = [{"system": MEASURE, "code": "trial", "display": "One trial"}]
    return [
        {"code": {"coding": coding, "text": f"Trial {n}"}, "valueQuantity": quantity(value, unit)}
        for n, value in enumerate(trials, start=1)
    ]


def body_position(text: str) -> Json:
    return {"url": BODY_POSITION, "valueCodeableConcept": {"text": text}}


def change_note(session: Session, unit: str) -> str:
    change = amount(session.change, unit, sign=True)
    level = {"95": " (95% level)", "90": " (90% level)"}.get(session.mdc_level, "")
    source = f", source {session.mdc_source}" if session.mdc_source else ""
    return (
        f"Change {change} against a minimal detectable change of {amount(session.mdc, unit)}"
        f"{level}{source}: {VERDICTS.get(session.verdict, session.verdict)}."
    )


def pain_rest(pain: int) -> Json:
    """Pain at rest before the session. Without `effective[x]`: the caller sets the day."""
    return {
        "category": [SURVEY],
        "code": measure("pain-rest", "Pain at rest before self-mobilization, 0–10 numeric rating"),
        "valueInteger": pain,
    }


def pain_during(session: Session, ceiling: int) -> Json:
    """Without `effective[x]`: it is the session's day, which the caller sets. The note
    gives the verdict stored when the session was logged, and the rule it was judged by."""
    limit = session.pain_limit
    verdict = "above it" if session.over_limit else "within it"
    if session.pain_rest is None:
        rule = (
            f"The plan's pain limit was {limit}/10 (no pain at rest was recorded before this "
            "session, so it was judged by the limit alone)"
        )
    else:
        rule = (
            f"Pain at rest before the session was {session.pain_rest}/10; pain during could "
            f"rise {limit} points above it at most, and never above {ceiling}/10"
        )
    return {
        "category": [SURVEY],
        "code": measure("pain-during", "Pain during self-mobilization, 0–10 numeric rating"),
        "valueInteger": session.pain_during,
        "note": [{"text": f"{rule}; this is {verdict}."}],
    }


def pain_next_day(pain: int, session_day: date) -> Json:
    """Asked on the one or two days after the session; the day it was given is not kept,
    so the period spans both."""
    period = {
        "start": (session_day + timedelta(days=1)).isoformat(),
        "end": (session_day + timedelta(days=NEXT_DAY_WINDOW)).isoformat(),
    }
    return {
        "category": [SURVEY],
        "code": measure(
            "pain-next-day", "Pain the day after self-mobilization, 0–10 numeric rating"
        ),
        "effectivePeriod": period,
        "valueInteger": pain,
    }


def equipment(technique: Technique) -> list[Json]:
    used = [e for e in technique.equipment if e not in ("none", "hands")]
    return [{"text": e.replace("-", " ").capitalize()} for e in used]


def schedule(item: PlanItem, period: Json) -> Json:
    if item.every_days:
        days = item.every_days
        repeat: Json = {"frequency": 1, "period": days, "periodUnit": "d"}
        text = "Every day" if days == 1 else f"Every {days} days"
    else:
        repeat = {"dayOfWeek": [WEEKDAYS[d - 1] for d in item.weekdays]}
        text = ", ".join(WEEKDAYS[d - 1].capitalize() for d in item.weekdays)
    return {"repeat": {"boundsPeriod": period, **repeat}, "code": {"text": text}}


def activity(
    catalogue: Catalogue, item: PlanItem, period: Json, status: str, patient: Json
) -> Json:
    """One plan item as a CarePlan activity; the dose and pain limit are in its words."""
    technique = catalogue.technique(item.technique_id)
    test = catalogue.test(item.retest_id)
    side = f"{SIDES[item.side]} side: " if item.side else ""
    dose = item.dose.get("text") if isinstance(item.dose, dict) else None
    words = [
        f"{side}{technique.name}.",
        f"Dose: {dose}." if dose else "",
        f"Note the pain at rest before each session; pain during it may rise at most "
        f"{item.pain_limit} points above that, and never above "
        f"{catalogue.policy.pain.ceiling}/10; beyond that, stop.",
        f"Re-test before and after: {test.name}.",
    ]
    detail: Json = {
        "code": technique_code(technique),
        "status": status,
        "scheduledTiming": schedule(item, period),
        "performer": [patient],
        "description": " ".join(w for w in words if w),
    }
    if item.removed_at is not None:
        removed = item.removed_at.date().isoformat()
        detail["statusReason"] = {"text": f"Removed from the plan on {removed}"}
    return detail


GOAL = (
    "The restricted motion improves on the re-test by more than the test's minimal "
    "detectable change (MDC), the smallest change beyond measurement error."
)


def goal(
    catalogue: Catalogue, items: Sequence[PlanItem], due: date | None, *, coached: bool
) -> Json:
    """A plan's goal, without its id and subject: one target per re-test and side of the
    items still planned. The target is the MDC of the person's own re-test on a later day
    against the baseline (taken by the coach, for a coached client: two raters)."""
    targets = []
    retest = MeasuredIn(raters="different" if coached else "same", tester="self")
    for test_id, side in sorted({(i.retest_id, i.side) for i in items}):
        test = catalogue.test(test_id)
        mdc = mdc_for(test, retest, catalogue.policy.change).value
        better = f"more than {amount(mdc, test.unit)} better"
        target: Json = {
            "measure": rom_test_code(test),
            "detailString": f"{SIDES[side]}: {better}" if side else better.capitalize(),
        }
        if due:
            target["dueDate"] = due.isoformat()
        targets.append(target)
    resource: Json = {"description": {"text": GOAL}}
    if targets:
        resource["target"] = targets
    return resource
