"""Log a home session. A retried submission with the same idempotency key returns the
session already stored instead of creating a second one.

A new session needs the pain at rest before it (`pain_rest`); a retry of a session stored
before selfmob asked for it does not, so the rule lives here, after the replay lookup, rather
than in the forms and the API schema."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction

from selfmob.clinic import errors, selectors
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import PlanItem, Session
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.mdc import MeasuredIn, checked_context
from selfmob.knowledge.rules.pain import check_during, check_next_day


@dataclass(frozen=True)
class Logged:
    session: Session
    created: bool
    guidance: str | None


def session_log(
    *,
    plan_item: PlanItem,
    idempotency_key: uuid.UUID,
    performed_on: date,
    pre: float,
    post: float,
    pain_rest: int | None,
    pain_during: int,
    today: date,
    instrument: str = "",
    measured_by: str = "self",
    readings: int = 1,
) -> Logged:
    """`instrument`, `measured_by` and `readings` say how pre and post were measured: the
    context that picks the MDC judging the session (knowledge/rules/mdc.py)."""
    client_id = plan_item.plan.client_id
    try:
        session = _build(
            plan_item,
            key=idempotency_key,
            performed_on=performed_on,
            pre=pre,
            post=post,
            pains=(pain_rest, pain_during),
            today=today,
            measured=_measured(plan_item, instrument, measured_by, readings),
        )
    except InvalidInput:
        # A retry of a session stored before the item was removed or a hold began is
        # still the stored session: answer with it, not with the new refusal.
        stored = Session.objects.filter(idempotency_key=idempotency_key).first()
        if stored is None:
            raise
        return _replayed(stored, client_id, plan_item.id)
    # The common case is a new key: insert first (one statement, atomic on its own), and
    # look the key up only on conflict.
    try:
        _insert(session)
    except IntegrityError:  # a retry, or a concurrent one that won the race
        existing = Session.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:  # some other constraint failed: not a replay
            raise
        return _replayed(existing, client_id, plan_item.id)
    return Logged(session, True, _guidance(session))


def _measured(item: PlanItem, instrument: str, measured_by: str, readings: int) -> MeasuredIn:
    """Pre and post of one session: one session, the same person measuring."""
    try:
        return checked_context(
            load_catalogue().test(item.retest_id),
            timing="within_session",
            tester=measured_by,
            instrument=instrument,
            trials=readings,
        )
    except KnowledgeError as exc:
        raise InvalidInput.from_knowledge(exc, exc.field) from None


def _insert(session: Session) -> None:
    """Inside a caller's transaction a savepoint keeps a conflict from spoiling it; on its
    own the single INSERT needs no transaction of its own (one fewer round trip)."""
    if connection.in_atomic_block:
        with transaction.atomic():
            session.save(force_insert=True)
    else:
        session.save(force_insert=True)


def _replayed(session: Session, client_id: uuid.UUID, item_id: uuid.UUID) -> Logged:
    if session.client_id != client_id or session.plan_item_id != item_id:
        raise InvalidInput.one("idempotency_key", errors.KEY_REUSED)
    return Logged(session, False, _guidance(session))


def _guidance(session: Session) -> str | None:
    return selectors.session_pain(session).guidance


def _build(
    item: PlanItem,
    *,
    key: uuid.UUID,
    performed_on: date,
    pre: float,
    post: float,
    pains: tuple[int | None, int],
    today: date,
    measured: MeasuredIn,
) -> Session:
    """`pains`: the pain at rest before the session and the pain during it."""
    if item.removed_at is not None:
        raise InvalidInput.one("plan_item", errors.ITEM_REMOVED)
    blocked = selectors.screening_gate(item.plan.client).block
    if blocked:
        raise InvalidInput.one("__all__", blocked)
    if performed_on > today:
        raise InvalidInput.one("performed_on", errors.FUTURE_DATE)
    if performed_on < item.plan.starts_on:
        message = errors.BEFORE_PLAN.format(start=item.plan.starts_on.isoformat())
        raise InvalidInput.one("performed_on", message)
    catalogue = load_catalogue()
    rest, pain = pains
    if rest is None:
        raise InvalidInput.one("pain_rest", errors.PAIN_REST_MISSING)
    try:
        change = classify_change(
            catalogue.test(item.retest_id),
            before=pre,
            after=post,
            policy=catalogue.policy.change,
            measured=measured,
        )
        over = check_during(catalogue.policy, pain, item.pain_limit, rest=rest).over_limit
    except KnowledgeError as exc:
        field = {"before": "pre", "after": "post"}.get(exc.field or "", exc.field)
        raise InvalidInput.from_knowledge(exc, field) from None
    return Session(
        idempotency_key=key,
        client_id=item.plan.client_id,
        plan_item=item,
        performed_on=performed_on,
        technique_id=item.technique_id,
        test_id=item.retest_id,
        side=item.side,
        pre=change.before,
        post=change.after,
        instrument=measured.instrument or "",
        measured_by=measured.tester,
        readings=measured.trials,
        change=change.change,
        mdc=change.mdc,
        mdc_level=change.level,
        mdc_source=change.source or "",
        mdc_fit=change.fit,
        verdict=change.verdict,
        pain_rest=rest,
        pain_during=pain,
        pain_limit=item.pain_limit,
        over_limit=over,
    )


NEXT_DAY_WINDOW = 2  # days after the session in which its next-day pain is asked for


def next_day_pain_record(*, session: Session, pain: int, today: date) -> tuple[Session, str | None]:
    """Record pain the day after; up by 2 or more points on the pain at rest before the
    session (on the pain during it, for a session without one) asks for a review."""
    policy = load_catalogue().policy
    try:
        check = check_next_day(
            policy, rest=session.pain_rest, during=session.pain_during, next_day=pain
        )
    except KnowledgeError as exc:
        raise InvalidInput.from_knowledge(exc, "pain_next_day") from None
    window = session.performed_on + timedelta(days=NEXT_DAY_WINDOW)
    if not session.performed_on < today <= window:
        raise InvalidInput.one("pain_next_day", errors.NEXT_DAY_WINDOW)
    updated = Session.objects.filter(id=session.id, pain_next_day__isnull=True).update(
        pain_next_day=pain
    )
    if not updated:  # already recorded, perhaps by a second tap
        raise InvalidInput.one("pain_next_day", errors.NEXT_DAY_DONE)
    session.pain_next_day = pain
    return session, check.guidance
