"""The rows of a checked `selfmob.practice` document, written a batch at a time."""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from django.db import reset_queries
from django.db.models import Model

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
    Record,
    ScreeningIn,
    SessionIn,
    UserIn,
)
from selfmob.clinic.services.screening import refresh_status

BATCH = 500
BATCH_CHARS = 2**18  # and at most about 256 KiB of the document's text in one batch


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


TABLES: tuple[type[Model], ...] = (
    User, Client, Screening, Clearance, Assessment, Measurement, Plan, PlanItem, Session
)  # fmt: skip
"""Parents before children (the foreign keys are checked at commit anyway)."""


class Rows:
    """The records as unsaved rows, written a batch at a time inside the caller's transaction;
    `finish` writes the last batch and each client's screening status."""

    def __init__(
        self, *, coach_id: uuid.UUID | None, client_id: Callable[[int], uuid.UUID]
    ) -> None:
        """`client_id` gives the id of the client at an index of the document."""
        self.coach_id = coach_id
        self.client_id = functools.lru_cache(maxsize=1)(client_id)
        self.pending: dict[type[Model], list[Model]] = {table: [] for table in TABLES}
        self.pending_chars = 0
        self.written: Counter[type[Model]] = Counter()

    def add(self, record: Record, client: int, *, size: int) -> None:
        """A record of the client at this index (-1: the document's own fields), `size`
        characters long in the document."""
        match record:
            case PracticeIn(coach=coach) if coach is not None:
                self._add(_user(coach))
            case ClientIn():
                self._client(record)
            case ScreeningIn():
                self._screening(record, self.client_id(client))
            case AssessmentIn():
                self._assessment(record, self.client_id(client))
            case PlanIn():
                self._plan(record, self.client_id(client))
            case SessionIn():
                self._add(_session(record, self.client_id(client)))
        self.pending_chars += size
        rows = sum(len(rows) for rows in self.pending.values())
        if rows >= BATCH or self.pending_chars >= BATCH_CHARS:
            self._flush()

    def finish(self, client_ids: Iterable[list[uuid.UUID]]) -> ImportSummary:
        """The last batch, then each client's screening status from its screens."""
        self._flush()
        for chunk in client_ids:
            for client in Client.objects.filter(id__in=chunk):
                refresh_status(client)
        return ImportSummary(*(self.written[table] for table in TABLES))  # the same order

    def _add(self, *rows: Model) -> None:
        for row in rows:
            self.pending[type(row)].append(row)

    def _flush(self) -> None:
        for table, rows in self.pending.items():
            table._default_manager.bulk_create(rows, batch_size=BATCH)
            self.written[table] += len(rows)
            rows.clear()
        self.pending_chars = 0
        reset_queries()  # with DEBUG on, Django keeps each query's SQL: the file's contents

    def _client(self, c: ClientIn) -> None:
        if c.account is not None:
            self._add(_user(c.account))
        self._add(
            Client(
                id=c.id,
                coach_id=self.coach_id,
                user_id=None if c.account is None else c.account.id,
                name=c.name,
                email=c.email,
                birth_year=c.birth_year,
                sex=c.sex or "",
                created_at=c.created_at,
                archived_at=c.archived_at,
            )
        )

    def _screening(self, s: ScreeningIn, client_id: uuid.UUID) -> None:
        self._add(
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
            self._add(
                Clearance(
                    id=cleared.id,
                    screening_id=s.id,
                    cleared_by_id=cleared.cleared_by,
                    note=cleared.note,
                    created_at=cleared.created_at,
                )
            )

    def _assessment(self, a: AssessmentIn, client_id: uuid.UUID) -> None:
        self._add(
            Assessment(
                id=a.id,
                client_id=client_id,
                measured_on=a.measured_on,
                measured_by=a.measured_by,
                recorded_by_id=a.recorded_by,
                created_at=a.created_at,
            )
        )
        self._add(
            *(
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
            )
        )

    def _plan(self, p: PlanIn, client_id: uuid.UUID) -> None:
        self._add(
            Plan(
                id=p.id,
                client_id=client_id,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                created_by_id=p.created_by,
                created_at=p.created_at,
            )
        )
        self._add(
            *(
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
            )
        )


def _user(u: UserIn) -> User:
    """Never staff: an imported file must not hand out the admin."""
    user = User(
        id=u.id,
        email=u.email,
        name=u.name,
        role=u.role,
        is_active=u.is_active,
        date_joined=u.date_joined,
        limit_percentile=u.limit_percentile,
        consent_at=u.consent_at,
        consent_version=u.consent_version or "",
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
        measured_by=s.measured_by or "",
        readings=s.readings,
        change=s.change,
        mdc=s.mdc,
        mdc_level=s.mdc_level or "",
        mdc_source=s.mdc_source or "",
        mdc_fit=s.mdc_fit or "",
        verdict=s.verdict,
        pain_rest=s.pain_rest,
        pain_during=s.pain_during,
        pain_limit=s.pain_limit,
        over_limit=s.over_limit,
        pain_next_day=s.pain_next_day,
        created_at=s.created_at,
    )
