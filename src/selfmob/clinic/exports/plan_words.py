"""What the calendar feed and the handout say about a plan: its current items, and the
schedule, pain rule, re-test and red-flag hold in plain words. One wording for both, so
paper and calendar never disagree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from selfmob.clinic import selectors
from selfmob.clinic.models import Client, Plan, PlanItem
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.pain import pain_rule
from selfmob.knowledge.rules.retest import RetestSchedule
from selfmob.knowledge.schema import RomTest, Technique

WEEKDAY_NAMES = (
    "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays",
)  # fmt: skip
NEVER_THROUGH_PAIN = "Never push through pain."


@dataclass(frozen=True)
class CurrentItem:
    item: PlanItem
    technique: Technique
    test: RomTest
    precautions: list[str]
    """The technique's precautions, the screen's caution answers first."""


@dataclass(frozen=True)
class Hold:
    title: str
    body: str


def current_items(client: Client, today: date) -> list[CurrentItem]:
    """Items not removed, of plans that have not ended before `today`; in plan order."""
    items = (
        PlanItem.objects.filter(plan__client=client, removed_at__isnull=True)
        .filter(Q(plan__ends_on__isnull=True) | Q(plan__ends_on__gte=today))
        .select_related("plan")
        .order_by("plan__starts_on", "plan__created_at", "position")
    )
    catalogue = load_catalogue()
    rows = list(items)
    cautions = selectors.screening_gate(client).cautions if rows else []
    return [
        CurrentItem(
            i,
            catalogue.technique(i.technique_id),
            catalogue.test(i.retest_id),
            selectors.item_precautions(i, cautions),
        )
        for i in rows
    ]


def plans_of(items: list[CurrentItem]) -> list[Plan]:
    """The distinct plans of these items, in order."""
    return list({i.item.plan_id: i.item.plan for i in items}.values())


def hold_of(client: Client) -> Hold | None:
    """Why the sessions are not shown, in the client's words, or None."""
    state = selectors.screening_gate(client).state
    if state not in ("not_screened", "refer"):
        return None
    if state == "not_screened":
        return Hold(
            "Red-flag screen first",
            "Self-mobilization starts after the red-flag screen; nothing is planned until then.",
        )
    return Hold(
        "See a professional before going on",
        "Your red-flag screen says a doctor or physiotherapist should see you before you go "
        "on with self-mobilization. Please pause it until a professional has cleared you and "
        "the clearance is recorded in selfmob.",
    )


def technique_title(current: CurrentItem) -> str:
    side = current.item.side
    return f"{current.technique.name} ({side})" if side else current.technique.name


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def plan_dates(plan: Plan) -> str:
    end = f"until {day_text(plan.ends_on)}" if plan.ends_on else "with no end date"
    return f"from {day_text(plan.starts_on)} {end}"


def schedule_words(item: PlanItem) -> str:
    if item.every_days == 1 or len(item.weekdays) == 7:
        return "every day"
    if item.every_days:
        return f"every {item.every_days} days, counting from {day_text(item.plan.starts_on)}"
    names = [WEEKDAY_NAMES[d - 1] for d in sorted(item.weekdays)]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"on {listed}"


def pain_words(limit: int) -> str:
    rule = pain_rule(load_catalogue().policy, limit)
    return f"{rule.during} {NEVER_THROUGH_PAIN} {rule.next_day}"


def measure_words(test: RomTest) -> str:
    unit = "in degrees" if test.unit == "deg" else f"in {test.unit}"
    return f"{test.name}, {unit}, before and after, in the same set-up each time"


def retest_schedule(plan: Plan) -> RetestSchedule:
    every = load_catalogue().policy.retest.every_days
    return RetestSchedule(plan.starts_on, plan.ends_on, every)


def retest_words(plan: Plan, tests: list[RomTest]) -> str:
    every = retest_schedule(plan).every_days
    names = ", ".join(dict.fromkeys(t.name for t in tests))
    end = " and on the plan's last day" if plan.ends_on else ""
    return (
        f"Every {every} days from the start{end}: {names}, on both sides, before that day's "
        "technique, to see whether the gain lasts against the baseline."
    )


DEFAULT_DOSE = (
    "a starting dose from selfmob's defaults, not a tested prescription: adjust it with your coach"
)


def dose_words(dose: Mapping[str, object]) -> str:
    """A plan item's dose in words; a dose graded M (expert teaching, not a study) says so."""
    text = str(dose.get("text", ""))
    return f"{text} ({DEFAULT_DOSE})" if dose.get("grade") == "M" else text
