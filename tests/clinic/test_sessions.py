from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from selfmob.clinic import errors, selectors
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import PlanItem, Session
from selfmob.clinic.services.plans import ItemInput, plan_create, plan_item_remove
from selfmob.clinic.services.sessions import next_day_pain_record, session_log
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.mdc import MeasuredIn, mdc_for
from selfmob.knowledge.rules.pain import STOP
from tests.support.factories import logged_before_rest_pain
from tests.support.personas import TODAY, Personas

CATALOGUE = load_catalogue()
LUNGE = CATALOGUE.test("wblt-distance")
SELF_WITHIN = MeasuredIn(timing="within_session", tester="self")
MDC = mdc_for(LUNGE, SELF_WITHIN, CATALOGUE.policy.change).value
"""What judges a session the person measured: within one session, a self-test."""


@pytest.fixture
def item(ankle_item: PlanItem) -> PlanItem:
    return ankle_item


def log(item: PlanItem, key: uuid.UUID | None = None, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "plan_item": item,
        "idempotency_key": key or uuid.uuid4(),
        "performed_on": TODAY,
        "pre": 7.0,
        "post": 7.0 + MDC + 0.5,
        "pain_rest": 1,
        "pain_during": 1,
        "today": TODAY,
    }
    values.update(overrides)
    return session_log(**values)


def test_a_session_records_the_change_and_its_verdict(item: PlanItem) -> None:
    logged = log(item)
    session = logged.session
    assert logged.created
    assert session.verdict == "real_gain"
    assert session.change == pytest.approx(MDC + 0.5)
    assert (session.technique_id, session.test_id, session.side) == (
        "ankle-banded-posterior-glide", "wblt-distance", "right",
    )  # fmt: skip


def test_the_same_key_twice_stores_one_session(item: PlanItem) -> None:
    key = uuid.uuid4()
    first = log(item, key)
    second = log(item, key, post=20.0)
    assert not second.created
    assert second.session.id == first.session.id
    assert Session.objects.count() == 1


def test_a_key_used_by_another_client_is_refused(item: PlanItem, screened: Personas) -> None:
    key = uuid.uuid4()
    log(item, key)
    from selfmob.clinic.services.screening import screening_record
    from tests.support.knowledge import all_no

    screening_record(
        client=screened.other_client, answers=all_no(), neck=False, recorded_by=screened.other_coach
    )
    wrist = ItemInput("wrist-hand-volar-glide", "wrist-extension", "left", every_days=2)
    plan = plan_create(
        client=screened.other_client,
        created_by=screened.other_coach,
        starts_on=TODAY,
        ends_on=None,
        items=[wrist],
    )
    other = plan.items.get()
    with pytest.raises(InvalidInput) as info:
        log(other, key, pre=40.0, post=45.0)
    assert info.value.fields == {"idempotency_key": errors.KEY_REUSED}


def test_pain_above_the_limit_is_kept_flagged_with_guidance(item: PlanItem) -> None:
    logged = log(item, pain_rest=1, pain_during=1 + item.pain_limit + 1)
    assert logged.session.over_limit
    assert logged.guidance is not None
    assert logged.guidance.startswith(STOP)
    assert "rose from 1/10 before you started to 4/10" in logged.guidance
    assert Session.objects.count() == 1


def test_the_session_stores_its_pain_at_rest(item: PlanItem) -> None:
    session = log(item, pain_rest=3, pain_during=5).session
    session.refresh_from_db()
    assert (session.pain_rest, session.pain_during, session.over_limit) == (3, 5, False)


def test_pain_within_the_rise_above_a_high_rest_is_not_over(item: PlanItem) -> None:
    """Rest 3, limit 2: 5 is fine; the older absolute rule would have flagged it."""
    logged = log(item, pain_rest=3, pain_during=5)
    assert (logged.session.over_limit, logged.guidance) == (False, None)


def test_pain_over_the_ceiling_is_over_even_within_the_rise(item: PlanItem) -> None:
    logged = log(item, pain_rest=4, pain_during=6)
    assert logged.session.over_limit
    assert logged.guidance is not None
    assert "never go above 5/10" in logged.guidance


def test_a_new_session_without_the_pain_at_rest_is_refused(item: PlanItem) -> None:
    with pytest.raises(InvalidInput) as info:
        log(item, pain_rest=None)
    assert info.value.fields == {"pain_rest": errors.PAIN_REST_MISSING}
    assert Session.objects.count() == 0


def test_a_retry_of_a_session_stored_before_the_pain_at_rest_needs_none(item: PlanItem) -> None:
    key = uuid.uuid4()
    stored = logged_before_rest_pain(log(item, key).session)
    replay = log(item, key, pain_rest=None)
    assert not replay.created
    assert replay.session.id == stored.id
    assert replay.session.pain_rest is None
    assert Session.objects.count() == 1


def test_an_older_session_keeps_its_stored_verdict(item: PlanItem) -> None:
    """Logged before the pain at rest was asked: pain 3 over the limit of 2 on its own.
    Neither the new rule nor a retry judges it again."""
    key = uuid.uuid4()
    old = logged_before_rest_pain(log(item, key, pain_rest=2, pain_during=3).session)
    assert old.over_limit
    replay = log(item, key, pain_rest=None)
    assert replay.session.over_limit
    assert replay.guidance is not None
    assert "judged by the older rule" in replay.guidance


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"performed_on": TODAY + timedelta(days=1)}, "performed_on"),
        ({"performed_on": TODAY - timedelta(days=1)}, "performed_on"),
        ({"pre": float("nan")}, "pre"),
        ({"post": 99.0}, "post"),
        ({"pain_during": 11}, "pain_during"),
        ({"pain_during": -1}, "pain_during"),
        ({"pain_rest": 11}, "pain_rest"),
        ({"pain_rest": -1}, "pain_rest"),
        ({"pain_rest": None}, "pain_rest"),
    ],
)
def test_bad_sessions_name_the_field_and_save_nothing(
    item: PlanItem, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        log(item, **overrides)
    assert field in info.value.fields
    assert Session.objects.count() == 0


def test_a_removed_item_takes_no_new_sessions_but_keeps_its_history(item: PlanItem) -> None:
    logged = log(item)
    plan_item_remove(item=item, now=timezone.now())
    with pytest.raises(InvalidInput):
        log(item)
    assert Session.objects.get() == logged.session


def test_editing_the_plan_never_rewrites_a_logged_session(item: PlanItem) -> None:
    session = log(item).session
    item.pain_limit = 0
    item.retest_id = "wblt-angle"
    item.save()
    session.refresh_from_db()
    assert (session.pain_limit, session.test_id) == (2, "wblt-distance")


def test_next_day_pain_up_by_two_asks_for_review(item: PlanItem) -> None:
    session = log(item, pain_rest=1, pain_during=1).session
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(InvalidInput):
        next_day_pain_record(session=session, pain=12, today=tomorrow)
    _, guidance = next_day_pain_record(session=session, pain=3, today=tomorrow)
    assert guidance is not None
    assert "review" in guidance


def test_next_day_pain_is_compared_with_the_pain_at_rest(item: PlanItem) -> None:
    """Rest 1, during 3: next day 3 is no higher than during, but 2 up on the rest."""
    session = log(item, pain_rest=1, pain_during=3).session
    _, guidance = next_day_pain_record(session=session, pain=3, today=TODAY + timedelta(days=1))
    assert guidance is not None
    assert "your pain before that session (1/10)" in guidance


def test_next_day_pain_of_an_older_session_is_compared_with_pain_during(item: PlanItem) -> None:
    session = logged_before_rest_pain(log(item, pain_rest=0, pain_during=1).session)
    tomorrow = TODAY + timedelta(days=1)
    _, guidance = next_day_pain_record(session=session, pain=2, today=tomorrow)
    assert guidance is None


def test_next_day_pain_is_recorded_once(item: PlanItem) -> None:
    session = log(item).session
    next_day_pain_record(session=session, pain=1, today=TODAY + timedelta(days=1))
    with pytest.raises(InvalidInput) as info:
        next_day_pain_record(session=session, pain=9, today=TODAY + timedelta(days=1))
    assert info.value.fields == {"pain_next_day": errors.NEXT_DAY_DONE}
    session.refresh_from_db()
    assert session.pain_next_day == 1


@pytest.mark.parametrize("days_later", [0, 3])
def test_next_day_pain_only_in_its_window(item: PlanItem, days_later: int) -> None:
    session = log(item).session
    with pytest.raises(InvalidInput) as info:
        next_day_pain_record(session=session, pain=1, today=TODAY + timedelta(days=days_later))
    assert info.value.fields == {"pain_next_day": errors.NEXT_DAY_WINDOW}


def test_a_later_refer_screen_stops_logging(item: PlanItem, screened: Personas) -> None:
    from selfmob.clinic.services.screening import screening_record
    from tests.support.knowledge import all_no

    screening_record(
        client=screened.client, answers=all_no() | {"cauda-equina": True}, neck=False,
        recorded_by=screened.coach,
    )  # fmt: skip
    with pytest.raises(InvalidInput) as info:
        log(item)
    assert info.value.fields == {"__all__": errors.PLAN_BLOCKED}
    screening_record(
        client=screened.client, answers=all_no(), neck=False, recorded_by=screened.client_user
    )
    with pytest.raises(InvalidInput):
        log(item)
    assert Session.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_store_one_session(item: PlanItem) -> None:
    key = uuid.uuid4()
    results: list[Any] = []

    def worker() -> None:
        results.append(log(item, key))
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Session.objects.filter(idempotency_key=key).count() == 1
    assert sum(r.created for r in results) == 1


def test_a_stored_verdict_is_not_judged_again_by_any_rule(item: PlanItem) -> None:
    """A stored verdict that today's rules would not give (pain 4 with no pain at rest,
    stored as within) stays as stored: on a retry, on the session page and for the flags."""
    key = uuid.uuid4()
    session = log(item, key, pain_rest=2, pain_during=4).session
    Session.objects.filter(id=session.id).update(pain_rest=None, over_limit=False)
    replay = log(item, key, pain_rest=None)
    assert (replay.session.over_limit, replay.guidance) == (False, None)
    assert not selectors.session_pain(replay.session).over_limit
    assert not selectors.facts_of(replay.session).over_limit


def test_a_session_stores_the_context_and_the_mdc_it_was_judged_with(item: PlanItem) -> None:
    own = log(item).session
    assert (own.measured_by, own.readings, own.instrument) == ("self", 1, "")
    assert (own.mdc, own.mdc_fit, own.mdc_source, own.mdc_level) == (
        MDC, "default", "selfmob-defaults", "unstated",
    )  # fmt: skip
    clinician = log(item, measured_by="clinician", instrument="tape-measure").session
    within = MeasuredIn(timing="within_session", instrument="tape-measure")
    expected = mdc_for(LUNGE, within, CATALOGUE.policy.change)
    assert (clinician.mdc, clinician.mdc_source, clinician.mdc_fit) == (1.5, "konor2012", "exact")
    assert clinician.mdc == expected.value < own.mdc
    assert selectors.session_mdc(clinician) == expected


def test_the_same_values_are_real_for_a_clinician_and_within_error_for_a_self_test(
    item: PlanItem,
) -> None:
    """A 2 cm gain: more than the one-rater within-session MDC of a clinician (1.5 cm), within
    the widened one of a self-test."""
    by_clinician = log(item, pre=7.0, post=9.0, measured_by="clinician").session
    by_self = log(item, pre=7.0, post=9.0).session
    assert (by_clinician.verdict, by_self.verdict) == ("real_gain", "within_error")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"measured_by": "robot"}, "measured_by"),
        ({"readings": 0}, "readings"),
        ({"readings": 6}, "readings"),
        ({"instrument": "goniometer"}, "instrument"),
    ],
)
def test_a_bad_context_is_refused_and_stores_nothing(
    item: PlanItem, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        log(item, **overrides)
    assert field in caught.value.fields
    assert not Session.objects.exists()


def test_more_readings_averaged_do_not_shrink_an_mdc_measured_on_single_readings(
    item: PlanItem,
) -> None:
    one = log(item).session
    three = log(item, readings=3).session
    assert three.readings == 3
    assert three.mdc == one.mdc
