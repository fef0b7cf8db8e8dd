"""Reads: small, named queries the views, API and services share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import CharField, Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Cast

from selfmob.clinic import errors
from selfmob.clinic.diagram import Mark
from selfmob.clinic.models import Assessment, Client, PlanItem, Screening, Session, User
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.assess import Assessment as KnowledgeAssessment
from selfmob.knowledge.rules.assess import assess as knowledge_assess
from selfmob.knowledge.rules.flags import Flag, SessionFacts, client_flags
from selfmob.knowledge.rules.measures import Person
from selfmob.knowledge.rules.schedule import Schedule
from selfmob.knowledge.rules.screen import ScreenResult, screen
from selfmob.knowledge.schema import Technique


def latest_screening(client: Client) -> Screening | None:
    return client.screenings.select_related("clearance").order_by("-created_at").first()


def screening_block(client: Client) -> str | None:
    """Why a plan may not start now, or None. `refer` blocks until a coach records clearance."""
    screening = latest_screening(client)
    if screening is None:
        return errors.NOT_SCREENED
    if screening.verdict == Screening.Verdict.REFER and not hasattr(screening, "clearance"):
        return errors.PLAN_BLOCKED
    return None


WINDOW_DAYS = 28  # the dashboard reads the last 4 weeks of sessions (flags need less)
ADHERENCE_DAYS = 14
FACT_FIELDS = (
    "client_id", "plan_item_id", "performed_on", "pre", "post", "mdc", "verdict",
    "pain_during", "over_limit", "pain_next_day",
)  # fmt: skip


@dataclass(frozen=True)
class DueItem:
    item: PlanItem
    technique: Technique
    done: bool


@dataclass(frozen=True)
class Adherence:
    done: int
    planned: int

    @property
    def ratio(self) -> float | None:
        return None if self.planned == 0 else min(1.0, self.done / self.planned)


@dataclass(frozen=True)
class DashboardRow:
    client: Client
    adherence: Adherence
    last_session: date | None
    latest_change: float | None
    unit: str | None
    flags: list[Flag]


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
        DueItem(item, catalogue.technique(item.technique_id), item.id in done)
        for item in items
        if schedule_of(item).is_due(day)
    ]


def adherence_of(items: list[PlanItem], sessions: list[SessionFacts], today: date) -> Adherence:
    """Done against planned over the last 14 days; each due day counts once."""
    first = today - timedelta(days=ADHERENCE_DAYS - 1)
    due = {(i.id.hex, d) for i in items for d in schedule_of(i).due_days(first, today)}
    done = {(s.item, s.performed_on) for s in sessions} & due
    return Adherence(len(done), len(due))


def coach_dashboard(coach: User, today: date) -> list[DashboardRow]:
    """Every client of the coach with adherence, last session, change and flags, most urgent
    first. Five queries whatever the number of clients."""
    first_pre = Session.objects.filter(plan_item=OuterRef("pk")).order_by(
        "performed_on", "created_at"
    )
    count = Session.objects.filter(plan_item=OuterRef("pk")).values("plan_item")
    items = PlanItem.objects.annotate(
        first_pre=Subquery(first_pre.values("pre")[:1]),
        session_count=Subquery(count.annotate(n=Count("id")).values("n")[:1]),
    )
    clients = list(
        Client.objects.filter(coach=coach).prefetch_related(
            Prefetch("screenings", queryset=Screening.objects.select_related("clearance")),
            Prefetch("plans__items", queryset=items),
        )
    )
    facts = _session_facts(coach, today - timedelta(days=WINDOW_DAYS))
    rows = [_row(client, facts.get(client.id.hex, []), today) for client in clients]
    return sorted(
        rows, key=lambda r: (min((f.urgency for f in r.flags), default=99), r.client.name)
    )


def _session_facts(coach: User, since: date) -> dict[str, list[SessionFacts]]:
    # Ids come back as text, keyed by their hex form: parsing thousands of UUIDs per request
    # cost more than the rest of the dashboard together.
    rows = (
        Session.objects.filter(client__coach=coach, performed_on__gte=since)
        .order_by("performed_on", "created_at")
        .values_list(
            Cast("client_id", CharField()), Cast("plan_item_id", CharField()), *FACT_FIELDS[2:]
        )
    )
    by_client: dict[str, list[SessionFacts]] = {}
    for client_id, item_id, *rest in rows:  # tuples: far cheaper than model instances
        fact = SessionFacts(item_id.replace("-", ""), *rest)
        by_client.setdefault(client_id.replace("-", ""), []).append(fact)
    return by_client


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


def _row(client: Client, sessions: list[SessionFacts], today: date) -> DashboardRow:
    screenings = sorted(client.screenings.all(), key=lambda s: s.created_at, reverse=True)
    latest = screenings[0] if screenings else None
    refer = bool(latest and latest.verdict == "refer" and not hasattr(latest, "clearance"))
    plans = list(client.plans.all())
    items = [i for p in plans for i in p.items.all()]
    for item in items:  # the prefetch already holds each item's plan
        item.plan = next(p for p in plans if p.id == item.plan_id)
    started = min((p.starts_on for p in plans), default=None)
    flags = client_flags(
        load_catalogue().policy,
        today=today,
        refer_uncleared=refer,
        sessions=sessions,
        plan_started=started,
        baselines={
            i.id.hex: (i.first_pre, i.session_count or 0)  # type: ignore[attr-defined]
            for i in items
            if getattr(i, "first_pre", None) is not None
        },
    )
    change, unit = _latest_change(sessions, items)
    last = sessions[-1].performed_on if sessions else None
    return DashboardRow(client, adherence_of(items, sessions, today), last, change, unit, flags)


def _latest_change(
    sessions: list[SessionFacts], items: list[PlanItem]
) -> tuple[float | None, str | None]:
    """The last post-test against the item's first pre-test ever (`first_pre`, annotated)."""
    if not sessions:
        return None, None
    last = sessions[-1]
    item = next((i for i in items if i.id.hex == last.item), None)
    if item is None:
        return None, None
    baseline = getattr(item, "first_pre", None)
    change = None if baseline is None else round(last.post - baseline, 2)
    return change, load_catalogue().test(item.retest_id).unit


def screening_summary(screening: Screening) -> ScreenResult:
    """The verdict of a stored screening, with its reasons, as the knowledge core words it."""
    return screen(load_catalogue(), screening.answers, neck=screening.neck)


def client_person(client: Client, today: date) -> Person:
    age = today.year - client.birth_year if client.birth_year else None
    return Person(age=age, sex=client.sex or None)


def restriction_map(assessment: Assessment, today: date) -> list[KnowledgeAssessment]:
    """Each test of the assessment classified per side, with suggestions when screening allows.

    A cleared `refer` screen lets plans start, but neck techniques stay withheld until a
    screen without a `refer` answer is on record: the conservative reading."""
    client = assessment.client
    person = client_person(client, today)
    latest = latest_screening(client)
    answers = latest.answers if latest and latest.verdict != Screening.Verdict.REFER else None
    catalogue = load_catalogue()
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
            answers=answers,
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
