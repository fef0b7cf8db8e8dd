"""Run as a script against a running cluster's database: a coach, a client who has accepted
an invite and has a plan, a second client with an open invite, and API tokens; prints the
ids and secrets as JSON for the multi-instance tests."""

from __future__ import annotations

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfmob.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from selfmob.clinic.services.accounts import (  # noqa: E402
    client_create,
    coach_signup,
    invite_accept,
    invite_create,
)
from selfmob.clinic.services.api_tokens import api_token_create  # noqa: E402
from selfmob.clinic.services.calendar import calendar_feed_create  # noqa: E402
from selfmob.clinic.services.plans import ItemInput, plan_create  # noqa: E402
from selfmob.clinic.services.screening import screening_record  # noqa: E402
from selfmob.knowledge.catalogue import load_catalogue  # noqa: E402
from selfmob.knowledge.rules.screen import questions  # noqa: E402

PASSWORD = "a-long-multi-password-42"


def main() -> None:
    coach = coach_signup(email="coach@multi.test", password=PASSWORD, name="Coach")
    ana = client_create(coach=coach, name="Ana", email="ana@multi.test")
    _, ana_invite = invite_create(client=ana)
    ana_user = invite_accept(token=ana_invite, password=PASSWORD)
    answers: dict[str, object] = {q.id: False for q in questions(load_catalogue(), neck=False)}
    screening_record(client=ana, answers=answers, neck=False, recorded_by=coach)
    item = ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1)
    plan = plan_create(
        client=ana, created_by=coach, starts_on=timezone.localdate(), ends_on=None, items=[item]
    )
    ben = client_create(coach=coach, name="Ben", email="ben@multi.test")
    _, ben_invite = invite_create(client=ben)
    print(
        json.dumps(
            {
                "password": PASSWORD,
                "coach_email": coach.email,
                "client_email": ana_user.email,
                "client_id": str(ana.id),
                "item_id": str(plan.items.get().id),
                "coach_token": api_token_create(user=coach, name="multi")[1],
                "client_token": api_token_create(user=ana_user, name="multi")[1],
                "open_invite": ben_invite,
                "feed_token": calendar_feed_create(client=ana, created_by=coach)[1],
            }
        )
    )


if __name__ == "__main__":
    main()
