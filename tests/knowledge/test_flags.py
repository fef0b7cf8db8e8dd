from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.flags import URGENCY, SessionFacts, carried_over, client_flags

POLICY = load_catalogue().policy
TODAY = date(2026, 11, 23)
BASE = SessionFacts(
    item="a", performed_on=TODAY, pre=7.0, post=7.5, mdc=1.9, verdict="within_error",
    pain_rest=1, pain_during=1, over_limit=False, pain_next_day=None,
)  # fmt: skip


def days_ago(n: int, **changes: object) -> SessionFacts:
    return replace(BASE, performed_on=TODAY - timedelta(days=n), **changes)  # type: ignore[arg-type]


def kinds(
    sessions: list[SessionFacts], *, refer: bool = False, started: int | None = 30
) -> list[str]:
    plan_started = None if started is None else TODAY - timedelta(days=started)
    flags = client_flags(
        POLICY, today=TODAY, refer_uncleared=refer, sessions=sessions, plan_started=plan_started
    )
    return [f.kind for f in flags]


def flag_kinds(
    sessions: list[SessionFacts], *, baselines: dict[str, tuple[float, int]]
) -> list[str]:
    flags = client_flags(
        POLICY, today=TODAY, refer_uncleared=False, sessions=sessions,
        plan_started=TODAY - timedelta(days=30), baselines=baselines,
    )  # fmt: skip
    return [f.kind for f in flags]


def test_a_quiet_improving_client_has_no_flags() -> None:
    assert kinds([days_ago(2), days_ago(1, post=10.0, verdict="real_gain")]) == []


def test_an_uncleared_refer_is_the_most_urgent() -> None:
    assert kinds([days_ago(1, over_limit=True)], refer=True) == ["red_flag", "pain_over_limit"]


def test_pain_over_the_limit_counts_for_a_week() -> None:
    assert kinds([days_ago(6, over_limit=True), days_ago(1)]) == ["pain_over_limit"]
    assert kinds([days_ago(7, over_limit=True), days_ago(1)]) == []


def test_next_day_pain_up_by_two_on_the_pain_at_rest_before_the_session() -> None:
    assert kinds([days_ago(1, pain_rest=1, pain_during=3, pain_next_day=3)]) == ["next_day_pain"]
    assert kinds([days_ago(1, pain_rest=1, pain_during=3, pain_next_day=2)]) == []


def test_next_day_pain_is_not_compared_with_pain_during_when_there_is_a_rest() -> None:
    """Rest 0, during 4, next day 3: down on pain during, but 3 points up on the rest."""
    assert kinds([days_ago(1, pain_rest=0, pain_during=4, pain_next_day=3)]) == ["next_day_pain"]


def test_without_a_resting_value_next_day_pain_is_compared_with_pain_during() -> None:
    assert kinds([days_ago(1, pain_rest=None, pain_during=1, pain_next_day=3)]) == ["next_day_pain"]
    assert kinds([days_ago(1, pain_rest=None, pain_during=1, pain_next_day=2)]) == []


def test_the_next_day_reason_says_what_it_was_compared_with() -> None:
    def reason(rest: int | None) -> str:
        session = days_ago(1, pain_rest=rest, pain_during=1, pain_next_day=4)
        flags = client_flags(POLICY, today=TODAY, refer_uncleared=False, sessions=[session],
                             plan_started=None)  # fmt: skip
        return flags[0].reason

    assert (
        reason(1) == "Pain the next day was up by 2 or more points on the pain before that session."
    )
    assert "the pain during that session (logged without a pain before it)" in reason(None)


def test_a_stored_over_limit_is_kept_whatever_the_pains_say() -> None:
    assert kinds([days_ago(1, pain_rest=0, pain_during=0, over_limit=True)]) == ["pain_over_limit"]
    assert kinds([days_ago(1, pain_rest=0, pain_during=9, over_limit=False)]) == []


def test_range_falling_between_session_days_twice_in_a_row() -> None:
    assert kinds([days_ago(3, pre=9.0), days_ago(2, pre=7.0), days_ago(1, pre=5.0)]) == [
        "rom_falling"
    ]
    assert kinds([days_ago(3, pre=9.0), days_ago(2, pre=7.0), days_ago(1, pre=7.0)]) == []


def test_a_fall_within_the_mdc_is_not_range_falling() -> None:
    assert kinds([days_ago(3, pre=9.0), days_ago(2, pre=7.1), days_ago(1, pre=5.2)]) == []


def test_within_session_losses_do_not_flag_range_falling() -> None:
    loss = {"post": 4.0, "verdict": "real_loss"}
    assert kinds([days_ago(n, **loss) for n in (3, 2, 1)]) == []


def test_same_day_repeats_do_not_flag_range_falling() -> None:
    same_day = [days_ago(1, pre=9.0), days_ago(1, pre=6.5), days_ago(1, pre=4.0)]
    assert kinds(same_day) == []


def test_range_falling_reads_the_first_session_of_each_day() -> None:
    sessions = [days_ago(3, pre=9.0), days_ago(2, pre=7.0), days_ago(2, pre=9.0)]
    assert kinds([*sessions, days_ago(1, pre=5.0)]) == ["rom_falling"]


def test_no_real_gain_after_six_sessions_on_different_days() -> None:
    flat = [days_ago(n) for n in range(6, 0, -1)]
    assert kinds(flat) == ["no_gain"]
    assert kinds(flat[1:]) == []
    assert kinds([*flat[:-1], days_ago(1, pre=7.0 + 2.0)]) == []


def test_a_post_session_gain_without_a_pre_test_gain_is_no_real_gain() -> None:
    acute = [days_ago(n, post=10.0, verdict="real_gain") for n in range(6, 0, -1)]
    assert kinds(acute) == ["no_gain"]


def test_sessions_on_one_day_are_neither_a_gain_nor_a_lack_of_it() -> None:
    one_day = [days_ago(2, pre=7.0 + n) for n in range(6)]
    assert kinds(one_day) == []
    next_day = [days_ago(1, pre=7.0), days_ago(1, pre=12.0)]
    assert kinds([*one_day, *next_day]) == ["no_gain"]


def test_no_gain_measures_from_an_earlier_day_outside_the_window() -> None:
    one_day = [days_ago(1), days_ago(1)]
    assert flag_kinds(one_day, baselines={"a": (7.0, 12)}) == ["no_gain"]
    assert flag_kinds(one_day * 3, baselines={"a": (7.0, 6)}) == []


def test_no_log_for_seven_days() -> None:
    assert kinds([days_ago(7)]) == ["silent"]
    assert kinds([days_ago(6)]) == []
    assert kinds([], started=7) == ["silent"]
    assert kinds([], started=None) == []


def test_flags_come_sorted_by_urgency() -> None:
    sessions = [days_ago(n) for n in range(12, 6, -1)]
    sessions[-1] = replace(sessions[-1], over_limit=False)
    found = kinds(
        [*sessions, days_ago(1, over_limit=True, pain_during=1, pain_next_day=4)], refer=True
    )
    assert found == sorted(found, key=URGENCY.index)
    assert found[0] == "red_flag"


def test_no_gain_uses_the_item_baseline_when_given() -> None:
    window = [days_ago(2), days_ago(1, post=7.5)]
    flags = client_flags(
        POLICY, today=TODAY, refer_uncleared=False, sessions=window,
        plan_started=TODAY - timedelta(days=30), baselines={"a": (7.0, 12)},
    )  # fmt: skip
    assert [f.kind for f in flags] == ["no_gain"]
    assert "after 12 sessions" in flags[0].reason
    gained = client_flags(
        POLICY, today=TODAY, refer_uncleared=False, sessions=window,
        plan_started=TODAY - timedelta(days=30), baselines={"a": (5.0, 12)},
    )  # fmt: skip
    assert gained == []


def test_silence_counts_from_the_last_session_even_outside_the_window() -> None:
    flags = client_flags(
        POLICY, today=TODAY, refer_uncleared=False, sessions=[],
        plan_started=TODAY - timedelta(days=60), last_session_on=TODAY - timedelta(days=20),
    )  # fmt: skip
    assert [f.reason for f in flags] == ["No session logged for 20 days."]


def test_carry_over_is_the_first_pre_test_of_a_later_day() -> None:
    first, repeat = days_ago(1, pre=8.0), days_ago(1, pre=9.5)
    assert (
        carried_over([days_ago(2), first, repeat], baseline_on=TODAY - timedelta(days=2)) == first
    )


def test_same_day_repeats_never_carry_over() -> None:
    same_day = [days_ago(1, pre=7.0), days_ago(1, pre=9.0), days_ago(1, pre=11.0)]
    assert carried_over(same_day, baseline_on=TODAY - timedelta(days=1)) is None
