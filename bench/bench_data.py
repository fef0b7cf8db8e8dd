"""Bulk-generate the benchmark clinic: 50 coaches, 2,000 clients, about 200,000 sessions."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from selfmob.clinic.models import Client, Plan, PlanItem, Screening, Session, User
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.mdc import MeasuredIn
from selfmob.knowledge.rules.screen import questions
from selfmob.knowledge.rules.suggest import dose_summary

TODAY = timezone.localdate()
COACHES, CLIENTS, BIG_COACH_CLIENTS = 50, 2000, 200
SESSIONS, BIG_CLIENT_SESSIONS = 100, 300
BATCH = 5000


def generate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_row (id TEXT PRIMARY KEY)")
    if User.objects.filter(email="coach0@bench.test").exists():
        return
    print("generating the benchmark clinic (once)...", flush=True)
    with transaction.atomic():
        _generate(random.Random(7))


def _generate(rng: random.Random) -> None:
    password = make_password("bench-password")
    coaches = User.objects.bulk_create(
        User(email=f"coach{i}@bench.test", password=password, role="coach") for i in range(COACHES)
    )
    users = User.objects.bulk_create(
        (
            User(email=f"client{i}@bench.test", password=password, role="client")
            for i in range(CLIENTS)
        ),
        batch_size=BATCH,
    )
    clients = Client.objects.bulk_create(
        (_client(i, users[i], coaches) for i in range(CLIENTS)), batch_size=BATCH
    )
    answers = {q.id: False for q in questions(load_catalogue())}
    Screening.objects.bulk_create(
        (
            Screening(client=c, answers=answers, verdict="clear", recorded_by=c.coach)
            for c in clients
        ),
        batch_size=BATCH,
    )
    start = TODAY - timedelta(days=400)
    plans = Plan.objects.bulk_create(
        (Plan(client=c, starts_on=start, created_by=c.coach) for c in clients), batch_size=BATCH
    )
    technique = load_catalogue().technique("wrist-hand-volar-glide")
    items = PlanItem.objects.bulk_create(
        (
            PlanItem(
                plan=p,
                technique_id=technique.id,
                side="left",
                dose=dose_summary(technique.dose),
                every_days=1,
                retest_id="wrist-extension",
            )
            for p in plans
        ),
        batch_size=BATCH,
    )
    batch: list[Session] = []
    for n, (client, item) in enumerate(zip(clients, items, strict=True)):
        count = BIG_CLIENT_SESSIONS if n == 0 else SESSIONS
        for day in range(count, 0, -1):
            batch.append(session_row(client, item, day, rng))
        if len(batch) >= BATCH:
            Session.objects.bulk_create(batch)
            batch = []
    Session.objects.bulk_create(batch)


def _client(i: int, user: User, coaches: list[User]) -> Client:
    coach = coaches[0] if i < BIG_COACH_CLIENTS else coaches[1 + i % (COACHES - 1)]
    return Client(coach=coach, user=user, name=f"Client {i}", email=user.email, sex="f",
                  birth_year=1980 + i % 30, screening_status="clear")  # fmt: skip


def session_row(client: Client, item: PlanItem, days_ago: int, rng: random.Random) -> Session:
    test = load_catalogue().test("wrist-extension")
    pre = round(50 + rng.gauss(0, 3), 1)
    post = round(pre + abs(rng.gauss(3, 2)), 1)
    measured = MeasuredIn(timing="within_session", tester="self")
    policy = load_catalogue().policy.change
    change = classify_change(test, before=pre, after=post, policy=policy, measured=measured)
    pain = rng.choice((0, 1, 1, 2))
    return Session(
        idempotency_key=uuid.uuid4(), client=client, plan_item=item,
        performed_on=TODAY - timedelta(days=days_ago), technique_id=item.technique_id,
        test_id=test.id, side="left", pre=pre, post=post, change=change.change, mdc=change.mdc,
        verdict=change.verdict, pain_rest=pain, pain_during=pain, pain_limit=2, over_limit=False,
    )  # fmt: skip


def clean(client: Client) -> None:
    """Remove what a benchmark run added: today's sessions (the data ends yesterday) and
    the baseline view's rows, so every run measures the same clinic."""
    Session.objects.filter(client=client, performed_on=TODAY).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_row")
