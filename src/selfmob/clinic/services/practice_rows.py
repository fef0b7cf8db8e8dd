"""The rows of a checked `selfmob.practice` document, written in one go (practice_import)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields

from selfmob.clinic.models import (
    Assessment,
    Clearance,
    Client,
    Measurement,
    Plan,
    PlanItem,
    Screening,
    Session,
    User,
)
from selfmob.clinic.services.practice_schema import (
    AssessmentIn,
    ClientIn,
    PlanIn,
    PracticeIn,
    ScreeningIn,
    SessionIn,
    UserIn,
)
from selfmob.clinic.services.screening import refresh_status

BATCH = 500


@dataclass(frozen=True)
class ImportSummary:
    """How many rows of each kind were written; `accounts` counts the coach too."""

    accounts: int
    clients: int
    screenings: int
    clearances: int
    assessments: int
    measurements: int
    plans: int
    plan_items: int
    sessions: int

    def __str__(self) -> str:
        counts = [(getattr(self, f.name), f.name.replace("_", " ")) for f in fields(self)]
        return "imported " + ", ".join(f"{n} {name[:-1] if n == 1 else name}" for n, name in counts)


@dataclass
class Rows:
    """The document as unsaved rows, written table by table in one transaction."""

    accounts: list[User] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)
    clearances: list[Clearance] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    plan_items: list[PlanItem] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)

    @classmethod
    def of(cls, practice: PracticeIn) -> Rows:
        rows = cls()
        coach = practice.coach
        if coach is not None:
            rows.accounts.append(_user(coach))
        for client in practice.clients:
            rows.add(client, coach_id=None if coach is None else coach.id)
        return rows

    def add(self, c: ClientIn, *, coach_id: uuid.UUID | None) -> None:
        if c.account is not None:
            self.accounts.append(_user(c.account))
        self.clients.append(
            Client(
                id=c.id,
                coach_id=coach_id,
                user_id=None if c.account is None else c.account.id,
                name=c.name,
                email=c.email,
                birth_year=c.birth_year,
                sex=c.sex or "",
                created_at=c.created_at,
            )
        )
        for s in c.screenings:
            self._screening(s, c.id)
        for a in c.assessments:
            self._assessment(a, c.id)
        for p in c.plans:
            self._plan(p, c.id)
        self.sessions += [_session(s, c.id) for s in c.sessions]

    def _screening(self, s: ScreeningIn, client_id: uuid.UUID) -> None:
        self.screenings.append(
            Screening(
                id=s.id,
                client_id=client_id,
                answers=dict(s.answers),
                neck=s.neck,
                verdict=s.verdict,
                urgent=s.urgent,
                recorded_by_id=s.recorded_by,
                created_at=s.created_at,
            )
        )
        if s.clearance is not None:
            cleared = s.clearance
            self.clearances.append(
                Clearance(
                    id=cleared.id,
                    screening_id=s.id,
                    cleared_by_id=cleared.cleared_by,
                    note=cleared.note,
                    created_at=cleared.created_at,
                )
            )

    def _assessment(self, a: AssessmentIn, client_id: uuid.UUID) -> None:
        self.assessments.append(
            Assessment(
                id=a.id,
                client_id=client_id,
                measured_on=a.measured_on,
                measured_by=a.measured_by,
                recorded_by_id=a.recorded_by,
                created_at=a.created_at,
            )
        )
        self.measurements += [
            Measurement(
                id=m.id,
                assessment_id=a.id,
                test_id=m.test_id,
                side=m.side,
                trials=list(m.trials),
                value=m.value,
                instrument=m.instrument,
                position=m.position,
            )
            for m in a.measurements
        ]

    def _plan(self, p: PlanIn, client_id: uuid.UUID) -> None:
        self.plans.append(
            Plan(
                id=p.id,
                client_id=client_id,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                created_by_id=p.created_by,
                created_at=p.created_at,
            )
        )
        self.plan_items += [
            PlanItem(
                id=i.id,
                plan_id=p.id,
                technique_id=i.technique_id,
                side=i.side or "",
                dose=dict(i.dose),
                weekdays=list(i.weekdays),
                every_days=i.every_days,
                pain_limit=i.pain_limit,
                retest_id=i.retest_id,
                position=i.position,
                removed_at=i.removed_at,
            )
            for i in p.items
        ]

    def save(self) -> None:
        """Parents before children; then each client's screening status from its screens."""
        User.objects.bulk_create(self.accounts, batch_size=BATCH)
        Client.objects.bulk_create(self.clients, batch_size=BATCH)
        Screening.objects.bulk_create(self.screenings, batch_size=BATCH)
        Clearance.objects.bulk_create(self.clearances, batch_size=BATCH)
        Assessment.objects.bulk_create(self.assessments, batch_size=BATCH)
        Measurement.objects.bulk_create(self.measurements, batch_size=BATCH)
        Plan.objects.bulk_create(self.plans, batch_size=BATCH)
        PlanItem.objects.bulk_create(self.plan_items, batch_size=BATCH)
        Session.objects.bulk_create(self.sessions, batch_size=BATCH)
        for client in self.clients:
            refresh_status(client)

    def summary(self) -> ImportSummary:
        return ImportSummary(**{f.name: len(getattr(self, f.name)) for f in fields(ImportSummary)})


def _user(u: UserIn) -> User:
    """Never staff: an imported file must not hand out the admin."""
    user = User(
        id=u.id,
        email=u.email,
        name=u.name,
        role=u.role,
        is_active=u.is_active,
        date_joined=u.date_joined,
    )
    if u.password_hash is None:
        user.set_unusable_password()
    else:
        user.password = u.password_hash
    return user


def _session(s: SessionIn, client_id: uuid.UUID) -> Session:
    return Session(
        id=s.id,
        idempotency_key=s.idempotency_key,
        client_id=client_id,
        plan_item_id=s.plan_item,
        performed_on=s.performed_on,
        technique_id=s.technique_id,
        test_id=s.test_id,
        side=s.side or "",
        pre=s.pre,
        post=s.post,
        instrument=s.instrument or "",
        change=s.change,
        mdc=s.mdc,
        verdict=s.verdict,
        pain_during=s.pain_during,
        pain_limit=s.pain_limit,
        over_limit=s.over_limit,
        pain_next_day=s.pain_next_day,
        created_at=s.created_at,
    )
