"""Reads: small, named queries the views, API and services share."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from selfmob.clinic import errors
from selfmob.clinic.diagram import Mark
from selfmob.clinic.models import Assessment, Client, PlanItem, Screening, Session
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.assess import Assessment as KnowledgeAssessment
from selfmob.knowledge.rules.assess import assess as knowledge_assess
from selfmob.knowledge.rules.flags import SessionFacts
from selfmob.knowledge.rules.measures import Person
from selfmob.knowledge.rules.schedule import Schedule
from selfmob.knowledge.rules.screen import ScreenResult, stored_screen
from selfmob.knowledge.schema import RomTest, Technique


def latest_screening(client: Client) -> Screening | None:
    return client.screenings.select_related("clearance").order_by("-created_at").first()


def uncleared_refer(client: Client) -> Screening | None:
    """The oldest `refer` screen still waiting for a clearance, if any."""
    pending = client.screenings.filter(verdict=Screening.Verdict.REFER, clearance__isnull=True)
    return pending.order_by("created_at").first()


def screening_block(client: Client) -> str | None:
    """Why self-mobilization may not go on now, or None. A `refer` screen stays in force
    until the coach records a clearance for it, whatever later screens say (the screening
    services keep `screening_status` so; no query here)."""
    status = Client.ScreeningStatus
    if client.screening_status == status.NOT_SCREENED:
        return errors.NOT_SCREENED
    return errors.PLAN_BLOCKED if client.screening_status == status.REFERRED else None


ADHERENCE_DAYS = 14


@dataclass(frozen=True)
class DueItem:
    item: PlanItem
    technique: Technique
    test: RomTest
    done: bool


@dataclass(frozen=True)
class Adherence:
    done: int
    planned: int

    @property
    def ratio(self) -> float | None:
        return None if self.planned == 0 else min(1.0, self.done / self.planned)


def schedule_of(item: PlanItem) -> Schedule:
    plan = item.plan
    removed = item.removed_at.date() if item.removed_at else None
    return Schedule(plan.starts_on, plan.ends_on, item.weekdays, item.every_days, removed)


def due_items(client: Client, day: date) -> list[DueItem]:
    """What the client should do on `day`, and whether it is done."""
    items = PlanItem.objects.filter(plan__client=client, removed_at__isnull=True).select_related(
        "plan"
    )
    done = set(
        Session.objects.filter(client=client, performed_on=day).values_list(
            "plan_item_id", flat=True
        )
    )
    catalogue = load_catalogue()
    return [
        DueItem(
            item,
            catalogue.technique(item.technique_id),
            catalogue.test(item.retest_id),
            item.id in done,
        )
        for item in items
        if schedule_of(item).is_due(day)
    ]


def adherence_of(
    schedules: list[tuple[str, Schedule]], sessions: list[SessionFacts], today: date
) -> Adherence:
    """Done against planned over the last 14 days; each due day counts once. `schedules`
    pairs each plan item's hex id with its schedule."""
    first = today - timedelta(days=ADHERENCE_DAYS - 1)
    due = {(key, d) for key, schedule in schedules for d in schedule.due_days(first, today)}
    done = {(s.item, s.performed_on) for s in sessions} & due
    return Adherence(len(done), len(due))


def facts_of(s: Session) -> SessionFacts:
    return SessionFacts(
        item=s.plan_item_id.hex,
        performed_on=s.performed_on,
        pre=s.pre,
        post=s.post,
        mdc=s.mdc,
        verdict=s.verdict,
        pain_during=s.pain_during,
        over_limit=s.over_limit,
        pain_next_day=s.pain_next_day,
    )


def screening_summary(screening: Screening) -> ScreenResult:
    """The verdict of a stored screening, with its reasons, as the knowledge core words it."""
    return stored_screen(load_catalogue(), screening.answers, neck=screening.neck)


def coach_percentile(client: Client) -> float | None:
    """The coach's own percentile for the limit of normal, if they set one."""
    coach = client.coach
    return coach.limit_percentile if coach is not None else None


def client_person(client: Client, today: date) -> Person:
    """Only the birth year is known, so the age is the younger of the two it may be: the
    child rule never misses a 15-year-old born late in the year."""
    age = max(today.year - client.birth_year - 1, 0) if client.birth_year else None
    return Person(age=age, sex=client.sex or None)


CLEARED = (
    "A professional saw the client after a screen that said to refer; neck techniques stay "
    "withheld until a screen without a refer answer is on record."
)


def screen_for_assessment(client: Client) -> ScreenResult | None:
    """The screen result the knowledge core judges with: an uncleared `refer` holds; a
    cleared one keeps its caution codes but no longer blocks (and asks no neck questions);
    otherwise the latest screen. None when the client was never screened."""
    catalogue = load_catalogue()
    pending = uncleared_refer(client)
    if pending is not None:
        return stored_screen(catalogue, pending.answers, neck=pending.neck)
    latest = latest_screening(client)
    if latest is None:
        return None
    result = stored_screen(catalogue, latest.answers, neck=latest.neck)
    if result.verdict != "refer":
        return result
    verdict: Literal["caution", "clear"] = "caution" if result.cautions else "clear"
    return replace(result, verdict=verdict, urgent=False, neck=False, reasons=[CLEARED])


def restriction_map(assessment: Assessment, today: date) -> list[KnowledgeAssessment]:
    """Each test of the assessment classified per side, with suggestions when screening allows.

    A cleared `refer` screen lets plans start, but neck techniques stay withheld until a
    screen without a `refer` answer is on record: the conservative reading."""
    client = assessment.client
    person = client_person(client, today)
    catalogue = load_catalogue()
    result = screen_for_assessment(client)
    values: dict[str, dict[str, float]] = {}
    for m in assessment.measurements.all():
        values.setdefault(m.test_id, {})[m.side] = m.value
    return [
        knowledge_assess(
            catalogue,
            test_id,
            left=sides.get("left"),
            right=sides.get("right"),
            person=person,
            screen=result,
            percentile=coach_percentile(client),
        )
        for test_id, sides in values.items()
    ]


def body_marks(results: list[KnowledgeAssessment]) -> list[Mark]:
    catalogue = load_catalogue()
    marks = []
    for result in results:
        joint = catalogue.joint(result.test.joint)
        spine = joint.limb == "spine"
        for side in result.sides.values():
            where = "" if spine else side.side
            marks.append(Mark(joint.region, where, side.status, f"{result.test.name}, {side.side}"))
    return marks


def awaiting_next_day_pain(client: Client, today: date) -> list[Session]:
    """Yesterday's and the day before's sessions whose next-day pain is not recorded yet."""
    return list(
        Session.objects.filter(
            client=client,
            pain_next_day__isnull=True,
            performed_on__gte=today - timedelta(days=2),
            performed_on__lt=today,
        ).order_by("performed_on")
    )


@dataclass(frozen=True)
class ActiveItem:
    item: PlanItem
    technique: Technique


def active_items(client: Client) -> list[ActiveItem]:
    items = PlanItem.objects.filter(plan__client=client, removed_at__isnull=True).select_related(
        "plan"
    )
    catalogue = load_catalogue()
    return [ActiveItem(i, catalogue.technique(i.technique_id)) for i in items]
