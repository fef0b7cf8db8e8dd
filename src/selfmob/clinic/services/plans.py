"""Plans: techniques with side, dose, schedule, pain limit and the re-test to use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from selfmob.clinic import errors, selectors
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import Client, Plan, PlanItem, User
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.pain import checked_limit
from selfmob.knowledge.rules.suggest import adjusted_dose, left_out_by
from selfmob.knowledge.schema import Technique

WRONG_JOINT = "the re-test {test} measures {joint}, not the joint of {technique}"
NO_ITEMS = "add at least one technique"
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class ItemInput:
    technique_id: str
    retest_id: str
    side: str = ""
    weekdays: Sequence[int] = field(default_factory=tuple)
    every_days: int | None = None
    pain_limit: int | None = None
    dose: Mapping[str, int | None] = field(default_factory=dict)
    """The coach's numbers (sets, reps, seconds, rest_seconds); the technique's default for
    any left out."""


@transaction.atomic
def plan_create(
    *,
    client: Client,
    created_by: User,
    starts_on: date,
    ends_on: date | None,
    items: Sequence[ItemInput],
) -> Plan:
    gate = selectors.screening_gate(client)
    if gate.block:
        raise InvalidInput.one("__all__", gate.block)
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput.one(name, errors.DATE_RANGE)
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput.one("ends_on", errors.DATES)
    if not items:
        raise InvalidInput.one("items", NO_ITEMS)
    rows = [_item(i, item) for i, item in enumerate(items)]
    _check_screen(gate, rows)
    plan = Plan.objects.create(
        client=client, starts_on=starts_on, ends_on=ends_on, created_by=created_by
    )
    for row in rows:
        row.plan = plan
    PlanItem.objects.bulk_create(rows)
    return plan


def _check_screen(gate: selectors.Gate, rows: Sequence[PlanItem]) -> None:
    """Read as the suggestions read it: neck techniques need the screen in force to have
    asked the neck questions, and a technique the screen's answers leave out (or refer for)
    cannot be planned."""
    catalogue = load_catalogue()
    for index, row in enumerate(rows):
        technique = catalogue.technique(row.technique_id)
        where = f"items[{index}].technique_id"
        if catalogue.joint(technique.joint).region == "neck" and not gate.neck:
            raise InvalidInput.one(where, errors.NECK_NOT_SCREENED)
        reason = left_out_by(catalogue, technique, gate.cautions)
        if reason is not None:
            raise InvalidInput.one(where, reason.reason)


def _item(index: int, item: ItemInput) -> PlanItem:
    where = f"items[{index}]"
    catalogue = load_catalogue()
    try:
        technique = catalogue.technique(item.technique_id)
        test = catalogue.test(item.retest_id)
        pain_limit = checked_limit(catalogue.policy, item.pain_limit)
    except KnowledgeError as exc:
        raise InvalidInput.from_knowledge(exc, f"{where}.{exc.field or 'technique'}") from None
    if test.joint != technique.joint:
        message = WRONG_JOINT.format(test=test.id, joint=test.joint, technique=technique.id)
        raise InvalidInput.one(f"{where}.retest_id", message)
    weekdays = _schedule(item.weekdays, item.every_days, where=where)
    return PlanItem(
        technique_id=technique.id,
        side=item.side,
        dose=_dose(technique, item.dose, where=f"{where}.dose"),
        weekdays=weekdays,
        every_days=item.every_days,
        pain_limit=pain_limit,
        retest_id=test.id,
        position=index,
    )


def _schedule(weekdays: Sequence[int], every_days: int | None, *, where: str) -> list[int]:
    days = sorted(set(weekdays))
    if bool(days) == (every_days is not None):
        raise InvalidInput.one(f"{where}.schedule", errors.SCHEDULE)
    if any(d not in range(1, 8) for d in days):
        raise InvalidInput.one(f"{where}.weekdays", errors.WEEKDAYS)
    if every_days is not None and not 1 <= every_days <= 7:
        raise InvalidInput.one(f"{where}.every_days", "every 1 to 7 days")
    return days


def _dose(
    technique: Technique, changes: Mapping[str, int | None], *, where: str
) -> dict[str, object]:
    try:
        return adjusted_dose(technique.dose, changes)
    except KnowledgeError as exc:
        raise InvalidInput.one(f"{where}.{exc.field}", exc.message) from None


def plan_item_update(
    *,
    item: PlanItem,
    weekdays: Sequence[int],
    every_days: int | None,
    pain_limit: int,
    dose: Mapping[str, int | None] | None = None,
) -> PlanItem:
    """Change the schedule, pain limit or dose from now on; logged sessions keep their own
    copy. `dose` None keeps the item's dose; its numbers replace the technique's defaults."""
    if item.removed_at is not None:
        raise InvalidInput.one("__all__", errors.ITEM_REMOVED)
    try:
        limit = checked_limit(load_catalogue().policy, pain_limit)
    except KnowledgeError as exc:
        raise InvalidInput.from_knowledge(exc, "pain_limit") from None
    if dose is not None:
        item.dose = _dose(load_catalogue().technique(item.technique_id), dose, where="dose")
    item.weekdays = _schedule(weekdays, every_days, where="item")
    item.every_days = every_days
    item.pain_limit = limit
    item.save(update_fields=["weekdays", "every_days", "pain_limit", "dose"])
    return item


def plan_item_remove(*, item: PlanItem, now: datetime) -> PlanItem:
    """Take an item out of the plan; its logged sessions stay as they were."""
    if item.removed_at is None:
        item.removed_at = now
        item.save(update_fields=["removed_at"])
    return item
