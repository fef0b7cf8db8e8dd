"""A small practice built through the services, with every kind of record the exports carry:
a refer screening and its clearance, assessments, a plan with a removed item, sessions over
the pain limit and with next-day pain, a session from before the pain at rest was asked for,
a client with an account and one without, a solo user. Also the form data the assessment
views take.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from selfmob.clinic.models import (
    ApiToken,
    Client,
    Invite,
    PlanItem,
    Session,
    User,
)
from selfmob.clinic.services.accounts import (
    client_create,
    coach_signup,
    invite_accept,
    invite_create,
    solo_signup,
)
from selfmob.clinic.services.assessments import MeasurementInput, assessment_record
from selfmob.clinic.services.plans import ItemInput, plan_create, plan_item_remove
from selfmob.clinic.services.screening import clearance_record, screening_record
from selfmob.clinic.services.sessions import next_day_pain_record, session_log
from tests.support.knowledge import all_no
from tests.support.personas import PASSWORD, TODAY


@dataclass
class Practice:
    coach: User
    ana: Client
    ben: Client
    solo: Client


def answers(*, refer: bool = False) -> dict[str, object]:
    result = all_no()
    if refer:
        result["fever-hot-joint"] = True
    return result


def log(item: PlanItem, day: date, pre: float, post: float, pain: int, *, rest: int = 0) -> Session:
    """A session through the service: `rest` is the pain at rest before it, `pain` during."""
    logged = session_log(
        plan_item=item,
        idempotency_key=uuid.uuid4(),
        performed_on=day,
        pre=pre,
        post=post,
        pain_rest=rest,
        pain_during=pain,
        today=TODAY,
    )
    return logged.session


def logged_before_rest_pain(session: Session) -> Session:
    """The session as one stored before selfmob asked for the pain at rest: none, and the
    verdict of the older rule (pain during above the limit alone), which it keeps."""
    over = session.pain_during > session.pain_limit
    Session.objects.filter(id=session.id).update(pain_rest=None, over_limit=over)
    session.refresh_from_db()
    return session


def build_practice(tag: str = "") -> Practice:
    """`tag` goes into every e-mail, so that a second practice can live beside the first."""
    coach = coach_signup(email=f"coach{tag}@example.test", password=PASSWORD, name="Coach Carter")
    ana = _ana(coach, f"ana{tag}@example.test")
    ben = _ben(coach, f"ben{tag}@example.test")
    solo = _solo(f"solo{tag}@example.test")
    return Practice(coach=coach, ana=ana, ben=ben, solo=solo)


def _ana(coach: User, email: str) -> Client:
    ana = client_create(coach=coach, name="Ana Zoë", email=email, birth_year=1990, sex="f")
    _, token = invite_create(client=ana)
    invite_accept(token=token, password=PASSWORD)
    ana.refresh_from_db()
    screening_record(client=ana, answers=answers(), neck=False, recorded_by=coach)
    assessment_record(
        client=ana,
        recorded_by=coach,
        measured_on=TODAY - timedelta(days=10),
        measured_by="Coach Carter",
        measurements=[
            MeasurementInput("wblt-distance", "right", [7.0, 7.5], "tape-measure", "knee to wall"),
            MeasurementInput("wblt-distance", "left", [11.5], "tape-measure"),
        ],
        today=TODAY,
    )
    plan = plan_create(
        client=ana,
        created_by=coach,
        starts_on=TODAY - timedelta(days=9),
        ends_on=TODAY + timedelta(days=30),
        items=[
            ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1),
            ItemInput("ankle-belt-self-mwm", "wblt-distance", "right", (1, 3, 5), pain_limit=1),
        ],
    )
    glide, mwm = plan.items.order_by("position")
    log(glide, TODAY - timedelta(days=5), 7.0, 8.5, 1)
    log(mwm, TODAY - timedelta(days=4), 7.5, 7.5, 3)  # over its limit of 1
    plan_item_remove(item=mwm, now=timezone.now())
    painful = log(glide, TODAY - timedelta(days=1), 8.0, 9.5, 2)
    next_day_pain_record(session=painful, pain=4, today=TODAY)
    return ana


def _ben(coach: User, email: str) -> Client:
    """No account; a refer screen that the coach cleared, then a wrist plan on weekdays."""
    ben = client_create(coach=coach, name='=HYPERLINK("http://x")', email=email)
    referred = screening_record(
        client=ben, answers=answers(refer=True), neck=False, recorded_by=coach
    )
    clearance_record(screening=referred, cleared_by=coach, note="+seen by Dr Who: go ahead")
    assessment_record(
        client=ben,
        recorded_by=coach,
        measured_on=TODAY - timedelta(days=3),
        measured_by="@coach",
        measurements=[
            MeasurementInput("wrist-extension", "left", [-5.0, -4.0, -6.0], "goniometer", "-prone")
        ],
        today=TODAY,
    )
    plan = plan_create(
        client=ben,
        created_by=coach,
        starts_on=TODAY - timedelta(days=3),
        ends_on=None,
        items=[ItemInput("wrist-hand-volar-glide", "wrist-extension", "left", (1, 4))],
    )
    logged_before_rest_pain(log(plan.items.get(), TODAY - timedelta(days=2), -5.0, 10.0, 0))
    return ben


def _solo(email: str) -> Client:
    user = solo_signup(email=email, password=PASSWORD, name="Sol", birth_year=1985, sex="m")
    solo = user.client_record
    screening_record(client=solo, answers=answers(), neck=False, recorded_by=user)
    plan = plan_create(
        client=solo,
        created_by=user,
        starts_on=TODAY - timedelta(days=2),
        ends_on=None,
        items=[ItemInput("ankle-band-distraction", "wblt-distance", every_days=2)],
    )
    log(plan.items.get(), TODAY - timedelta(days=2), 9.0, 9.0, 0)
    return solo


def empty_database() -> None:
    """Delete every row, children first (sessions protect their plan items)."""
    with transaction.atomic():
        Session.objects.all().delete()
        Invite.objects.all().delete()
        Client.objects.all().delete()
        ApiToken.objects.all().delete()
        User.objects.all().delete()


def assessment_form(**row: str) -> dict[str, str]:
    """POST data for the new-assessment form: one lunge row (`row` overrides its fields)."""
    data = {
        "measured_on": timezone.localdate().isoformat(),
        "measured_by": "Coach",
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "6",
        "rows-0-test": "wblt-distance",
        "rows-0-instrument": "tape-measure",
        "rows-0-left_1": "11",
        "rows-0-left_2": "12",
        "rows-0-right_1": "6.5",
        "rows-1-instrument": "goniometer",
        "rows-2-instrument": "goniometer",
    }
    return data | {f"rows-0-{k}": v for k, v in row.items()}


def plan_starts(item: PlanItem, day: date) -> None:
    """Move the item's plan start, so sessions on earlier days are allowed."""
    item.plan.starts_on = day
    item.plan.save()
