"""Demo data: a coach and three clients with eight weeks of plausible history.

- ana@demo.test improves: the banded ankle glide lifts her right lunge from 7 to about 10.5 cm.
- ben@demo.test practises faithfully but his left wrist extension shows no real gain.
- cai@demo.test had pain above her limit this week, and more pain the next day.
All log in with `demo-password`. Everything goes through the services, so it obeys the same
rules as real data. The numbers come from a seeded generator: the same every run.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from selfmob.clinic.models import Client, PlanItem, User
from selfmob.clinic.services.accounts import client_create, coach_signup
from selfmob.clinic.services.assessments import MeasurementInput, assessment_record
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import screening_record
from selfmob.clinic.services.sessions import next_day_pain_record, session_log
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions

PASSWORD = "demo-password"
COACH_EMAIL = "coach@demo.test"
WEEKS = 8
NOT_IN_PRODUCTION = "refusing to load demo data in production (SELFMOB_LOCAL=0)"


@dataclass(frozen=True)
class Story:
    name: str
    email: str
    sex: str
    birth_year: int
    test_id: str
    technique_id: str
    side: str
    instrument: str
    start: float
    gain_per_week: float
    noise: float
    painful_days: tuple[int, ...] = ()


STORIES = (
    Story("Ana Silva", "ana@demo.test", "f", 1991, "wblt-distance",
          "ankle-banded-posterior-glide", "right", "tape-measure", 7.0, 0.45, 0.3),
    Story("Ben Okafor", "ben@demo.test", "m", 1984, "wrist-extension",
          "wrist-hand-volar-glide", "left", "goniometer", 52.0, 0.0, 1.5),
    Story("Cai Moreau", "cai@demo.test", "f", 1978, "hip-ir",
          "hip-band-posterior-glide", "right", "inclinometer", 22.0, 1.2, 1.0, (2,)),
)  # fmt: skip


class DemoRefused(RuntimeError):
    pass


def demo_load(*, today: date) -> bool:
    """Create the demo practice. False if it is already there; refuses in production."""
    if not settings.LOCAL:
        raise DemoRefused(NOT_IN_PRODUCTION)
    if User.objects.filter(email=COACH_EMAIL).exists():
        return False
    with transaction.atomic():
        coach = coach_signup(email=COACH_EMAIL, password=PASSWORD, name="Dana Coach")
        rng = random.Random(20261123)
        for story in STORIES:
            _tell(story, coach, today, rng)
    return True


def _tell(story: Story, coach: User, today: date, rng: random.Random) -> None:
    client = client_create(
        coach=coach, name=story.name, email=story.email, birth_year=story.birth_year, sex=story.sex
    )
    client.user = User.objects.create_user(story.email, PASSWORD, role=User.Role.CLIENT)
    client.save(update_fields=["user"])
    start = today - timedelta(weeks=WEEKS)
    answers = {q.id: False for q in questions(load_catalogue())}
    screening_record(client=client, answers=answers, neck=False, recorded_by=coach)
    _baseline(story, client, coach, start, today)
    item = plan_create(
        client=client,
        created_by=coach,
        starts_on=start,
        ends_on=None,
        items=[ItemInput(story.technique_id, story.test_id, story.side, weekdays=(1, 2, 4, 5, 6))],
    ).items.get()
    _sessions(story, item, start, today, rng)


def _baseline(story: Story, client: Client, coach: User, start: date, today: date) -> None:
    other = "left" if story.side == "right" else "right"
    healthy = story.start + story.gain_per_week * WEEKS + 1.0
    assessment_record(
        client=client,
        recorded_by=coach,
        measured_on=start,
        measured_by=coach.name,
        measurements=[
            MeasurementInput(
                story.test_id, story.side, [story.start, story.start + 0.5], story.instrument
            ),
            MeasurementInput(story.test_id, other, [healthy, healthy - 0.5], story.instrument),
        ],
        today=today,
    )


def _sessions(story: Story, item: PlanItem, start: date, today: date, rng: random.Random) -> None:
    day = start
    while day < today:
        planned = day.isoweekday() in item.weekdays and rng.random() < 0.85
        if planned or (today - day).days in story.painful_days:
            _one_session(story, item, day, today, rng)
        day += timedelta(days=1)


def _one_session(story: Story, item: PlanItem, day: date, today: date, rng: random.Random) -> None:
    weeks = (day - item.plan.starts_on).days / 7
    pre = story.start + story.gain_per_week * weeks + rng.gauss(0, story.noise)
    post = pre + max(0.0, rng.gauss(story.gain_per_week * 2, story.noise))
    painful = (today - day).days in story.painful_days
    # As many draws from `rng` as before resting pain was asked for, so the numbers stay.
    rest = 1 if painful else rng.choice((0, 1, 1, 2))
    logged = session_log(
        plan_item=item,
        idempotency_key=uuid.uuid4(),
        performed_on=day,
        pre=round(pre, 1),
        post=round(post, 1),
        pain_rest=rest,
        pain_during=rest + item.pain_limit + 2 if painful else rest + day.toordinal() % 2,
        today=today,
    )
    if painful:
        next_day_pain_record(session=logged.session, pain=rest + 3, today=day + timedelta(days=1))
