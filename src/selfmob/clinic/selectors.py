"""Reads: small, named queries the views, API and services share."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property, lru_cache
from typing import Literal, cast

from selfmob.clinic import errors
from selfmob.clinic.diagram import Mark
from selfmob.clinic.models import Assessment, Client, PlanItem, Screening, Session
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.assess import Assessment as KnowledgeAssessment
from selfmob.knowledge.rules.assess import assess as knowledge_assess
from selfmob.knowledge.rules.flags import SessionFacts
from selfmob.knowledge.rules.mdc import Mdc, MeasuredIn, mdc_for
from selfmob.knowledge.rules.measures import Person
from selfmob.knowledge.rules.pain import PainCheck, stored_during
from selfmob.knowledge.rules.schedule import Schedule
from selfmob.knowledge.rules.screen import ScreenResult, stored_screen
from selfmob.knowledge.rules.suggest import precautions_for
from selfmob.knowledge.schema import Instrument, RomTest, Technique, Timing


def latest_screening(client: Client) -> Screening | None:
    return client.screenings.select_related("clearance").order_by("-created_at").first()


def uncleared_refer(client: Client) -> Screening | None:
    """The oldest `refer` screen still waiting for a clearance, if any."""
    pending = client.screenings.filter(verdict=Screening.Verdict.REFER, clearance__isnull=True)
    return pending.order_by("created_at").first()


GateState = Literal["not_screened", "clear", "caution", "refer"]
CLEARED = (
    "A professional saw the client after a screen that said to refer; neck techniques stay "
    "withheld until a screen without a refer answer is on record."
)


class Gate:
    """The client's screening state: the one rule that plans, sessions, the restriction map,
    the dashboard, Today, the handout, the API and both clearance paths ask.

    - `not_screened`: no screen yet; nothing may be planned or logged.
    - `refer`: a screen said to refer and no clearance is recorded for it; it holds whatever
      later screens say, and it is the screen a clearance clears.
    - `caution` (with its codes) or `clear`: the latest screen. After a clearance of a `refer`
      screen its caution codes still act, and the neck counts as not screened.
    `block` needs no query (the screening services keep `screening_status`); the rest reads
    the screen in force once."""

    def __init__(self, client: Client) -> None:
        self.client = client

    @property
    def block(self) -> str | None:
        """Why nothing may be planned or logged now, or None."""
        if self.client.screening_status == Client.ScreeningStatus.NOT_SCREENED:
            return errors.NOT_SCREENED
        return errors.PLAN_BLOCKED if held_by_refer(self.client.screening_status) else None

    @cached_property
    def pending_refer(self) -> Screening | None:
        """The `refer` screen waiting for a clearance: the one a clearance clears."""
        return uncleared_refer(self.client)

    @cached_property
    def in_force(self) -> Screening | None:
        """An uncleared `refer` screen, else the latest screen."""
        return self.pending_refer or latest_screening(self.client)

    @cached_property
    def result(self) -> ScreenResult | None:
        """What the knowledge core judges with."""
        screening = self.in_force
        if screening is None:
            return None
        result = stored_screen(load_catalogue(), screening.answers, neck=screening.neck)
        if result.verdict != "refer" or screening == self.pending_refer:
            return result
        verdict: Literal["caution", "clear"] = "caution" if result.cautions else "clear"
        return replace(result, verdict=verdict, urgent=False, neck=False, reasons=[CLEARED])

    @property
    def state(self) -> GateState:
        return "not_screened" if self.result is None else self.result.verdict

    @property
    def cautions(self) -> list[str]:
        return self.result.cautions if self.result else []

    @property
    def neck(self) -> bool:
        """Whether the screen in force asked the neck questions (and does not refer)."""
        return self.result is not None and self.result.neck and self.state != "refer"


def screening_gate(client: Client) -> Gate:
    return Gate(client)


@dataclass(frozen=True)
class Start:
    """Where a person stands on the way to a plan: Today's first card says what comes next
    (a solo user's next step, or that the coach has not set up the plan yet)."""

    state: GateState
    latest_assessment: Assessment | None
    planned: bool
    """At least one live plan item."""

    @property
    def screened(self) -> bool:
        return self.state != "not_screened"

    @property
    def ready(self) -> bool:
        """Screened and planned: Today shows the techniques due."""
        return self.screened and self.planned


def start_of(client: Client, gate: Gate) -> Start:
    """Two queries: the latest assessment and whether any plan item is live."""
    planned = PlanItem.objects.filter(plan__client=client, removed_at__isnull=True).exists()
    return Start(gate.state, client.assessments.first(), planned)


def held_by_refer(screening_status: str) -> bool:
    """The gate's `refer` read from the stored status alone, for lists of clients (the
    dashboard) where reading each client's screens would cost a query each."""
    return screening_status == Client.ScreeningStatus.REFERRED


ADHERENCE_DAYS = 14


@dataclass(frozen=True)
class DueItem:
    item: PlanItem
    technique: Technique
    test: RomTest
    done: bool
    precautions: list[str]
    """The technique's precautions, the screen's caution answers first."""


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


def live_items(client: Client) -> list[PlanItem]:
    """The client's plan items not removed, oldest plan first."""
    found = PlanItem.objects.filter(plan__client=client, removed_at__isnull=True)
    return list(found.select_related("plan").order_by("plan__starts_on", "plan__created_at"))


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
    due = [item for item in items if schedule_of(item).is_due(day)]
    cautions = screening_gate(client).cautions if due else []
    return [
        DueItem(
            item,
            catalogue.technique(item.technique_id),
            catalogue.test(item.retest_id),
            item.id in done,
            item_precautions(item, cautions),
        )
        for item in due
    ]


def item_precautions(item: PlanItem, cautions: list[str]) -> list[str]:
    catalogue = load_catalogue()
    return precautions_for(catalogue, catalogue.technique(item.technique_id), cautions)


def adherence_of(
    schedules: list[tuple[str, Schedule]], sessions: list[SessionFacts], today: date
) -> Adherence:
    """Done against planned over the last 14 days; each due day counts once. `schedules`
    pairs each plan item's hex id with its schedule."""
    first = today - timedelta(days=ADHERENCE_DAYS - 1)
    due = {(key, d) for key, schedule in schedules for d in schedule.due_days(first, today)}
    done = {(s.item, s.performed_on) for s in sessions} & due
    return Adherence(len(done), len(due))


@lru_cache(maxsize=512)
def day_mdc(test_id: str, instrument: str, measured_by: str, readings: int | None) -> float:
    """The MDC that judges one session's pre-test against another's on a different day,
    measured the same way (same person, instrument and readings): carry-over, range falling,
    no real gain. A session that did not say who measured was logged by the person."""
    catalogue = load_catalogue()
    measured = measured_in("between_days", instrument, measured_by, readings)
    return mdc_for(catalogue.test(test_id), measured, catalogue.policy.change).value


def measured_in(
    timing: Timing, instrument: str, measured_by: str, readings: int | None
) -> MeasuredIn:
    """The context of a session's values as the MDC rule reads it: the same person measured
    pre and post, and the person themselves unless a clinician did."""
    return MeasuredIn(
        timing=timing,
        raters="same",
        tester="clinician" if measured_by == "clinician" else "self",
        instrument=cast(Instrument, instrument) if instrument else None,
        trials=readings or 1,
    )


def session_mdc(s: Session) -> Mdc | None:
    """Why the session's MDC: the rule applied again to its stored context (None for a
    session logged before selfmob stored one). The stored MDC and verdict stand."""
    if not s.mdc_fit:
        return None
    catalogue = load_catalogue()
    measured = measured_in("within_session", s.instrument, s.measured_by, s.readings)
    found = mdc_for(catalogue.test(s.test_id), measured, catalogue.policy.change)
    # The catalogue or policy may have changed since: explain only the MDC it was judged by.
    return found if (found.value, found.source) == (s.mdc, s.mdc_source) else None


def facts_of(s: Session) -> SessionFacts:
    return SessionFacts(
        item=s.plan_item_id.hex,
        performed_on=s.performed_on,
        pre=s.pre,
        post=s.post,
        mdc=day_mdc(s.test_id, s.instrument, s.measured_by, s.readings),
        verdict=s.verdict,
        pain_rest=s.pain_rest,
        pain_during=s.pain_during,
        over_limit=s.over_limit,
        pain_next_day=s.pain_next_day,
    )


def session_pain(s: Session) -> PainCheck:
    """The session's pain verdict as stored when it was logged, with the words of the rule
    that explains it (the rule against the pain at rest, or, for a session without one,
    the older limit alone). Never judged again."""
    return stored_during(
        load_catalogue().policy,
        pain=s.pain_during,
        limit=s.pain_limit,
        rest=s.pain_rest,
        over_limit=s.over_limit,
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


def restriction_map(assessment: Assessment, today: date) -> list[KnowledgeAssessment]:
    """Each test of the assessment classified per side, with suggestions when screening allows.

    A cleared `refer` screen lets plans start, but neck techniques stay withheld until a
    screen without a `refer` answer is on record: the conservative reading."""
    client = assessment.client
    person = client_person(client, today)
    catalogue = load_catalogue()
    result = screening_gate(client).result
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


LIMIT_BASIS = " The limit is "


@dataclass(frozen=True)
class MapSide:
    side: str
    value: float
    limit: float | None
    status: str
    why: list[str]
    """The side's own sentences: the basis of the limit, shared by both sides, is left out."""


@dataclass(frozen=True)
class MapTest:
    """One test of the restriction map as a page shows it: one sentence per finding."""

    result: KnowledgeAssessment
    sides: list[MapSide]
    basis: str | None
    """How the limit of normal is set, said once for the test."""
    difference: str | None
    """The left-right difference, when real and not already in a side's reasons."""


def map_tests(results: list[KnowledgeAssessment]) -> list[MapTest]:
    """The core says the limit's basis in each side's reasons and the asymmetry both in its
    own reason and in a side's or a finding; a page says each once."""
    return [_map_test(r) for r in results]


def _map_test(result: KnowledgeAssessment) -> MapTest:
    basis = None
    sides = []
    for s in result.sides.values():
        why = []
        for reason in s.reasons:
            own, found, rest = reason.partition(LIMIT_BASIS)
            why.append(own)
            basis = basis or (f"The limit is {rest}" if found else None)
        limit = s.threshold.value if s.threshold else None
        sides.append(MapSide(s.side, s.value, limit, s.status, why))
    told = result.findings or any("asymmetry" in w for side in sides for w in side.why)
    asymmetry = result.asymmetry
    difference = None
    if asymmetry is not None and asymmetry.real and not told:
        difference = asymmetry.reasons[0]
    return MapTest(result, sides, basis, difference)


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
    """For each plan item, its latest session of yesterday or the day before, when its
    next-day pain is not recorded yet: one question per item, about one session."""
    recent = Session.objects.filter(
        client=client,
        performed_on__gte=today - timedelta(days=2),
        performed_on__lt=today,
    ).order_by("performed_on", "created_at")
    latest = {s.plan_item_id: s for s in recent}
    return [s for s in latest.values() if s.pain_next_day is None]


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
