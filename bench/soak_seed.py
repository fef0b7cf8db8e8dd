"""Run by bench/soak.py in a process of its own, with the soak's database settings.

python bench/soak_seed.py clients N   # N clients with a plan and an API token each: JSON
python bench/soak_seed.py keys        # the idempotency key of every stored session: JSON
"""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfmob.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from selfmob.clinic.models import Session  # noqa: E402
from selfmob.clinic.services.accounts import (  # noqa: E402
    client_create,
    coach_signup,
    invite_accept,
    invite_create,
)
from selfmob.clinic.services.api_tokens import api_token_create  # noqa: E402
from selfmob.clinic.services.plans import ItemInput, plan_create  # noqa: E402
from selfmob.clinic.services.screening import screening_record  # noqa: E402
from selfmob.knowledge.catalogue import load_catalogue  # noqa: E402
from selfmob.knowledge.rules.screen import questions  # noqa: E402

PASSWORD = "a-long-soak-password-42"


def clients(count: int) -> list[dict[str, str]]:
    coach = coach_signup(email="coach@soak.test", password=PASSWORD, name="Coach")
    answers: dict[str, object] = {q.id: False for q in questions(load_catalogue(), neck=False)}
    made = []
    for n in range(count):
        client = client_create(coach=coach, name=f"Client {n}", email=f"client{n}@soak.test")
        user = invite_accept(token=invite_create(client=client)[1], password=PASSWORD)
        screening_record(client=client, answers=answers, neck=False, recorded_by=coach)
        item = ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1)
        plan = plan_create(
            client=client, created_by=coach, starts_on=timezone.localdate(), ends_on=None,
            items=[item],
        )  # fmt: skip
        made.append({"email": user.email, "password": PASSWORD,
                     "item_id": str(plan.items.get().id),
                     "token": api_token_create(user=user, name="soak")[1]})  # fmt: skip
    return made


def stored_keys() -> list[str]:
    return [str(key) for key in Session.objects.values_list("idempotency_key", flat=True)]


if __name__ == "__main__":
    if sys.argv[1] == "clients":
        print(json.dumps(clients(int(sys.argv[2]))))
    else:
        print(json.dumps(stored_keys()))
