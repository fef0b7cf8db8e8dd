"""Import a `selfmob.practice` document (exports/document.py) into this database.

All or nothing. The whole document is checked first: its shape and values (practice_schema),
then the rules between records (references, duplicates, dates in order), then collisions with
what the database already holds. Only then is everything written, in one transaction, every id
and timestamp kept. Accounts keep their logins when the document carries password hashes;
otherwise they get an unusable password and sign in after a password reset. Imported
accounts are never staff or superusers. Each client's screening status is recomputed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, identify_hasher
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.db.models.functions import Lower

from selfmob.clinic.errors import DATE_RANGE, InvalidInput
from selfmob.clinic.models import (
    Assessment,
    Clearance,
    Client,
    Measurement,
    Plan,
    PlanItem,
    Screening,
    Session,
    User,
)
from selfmob.clinic.services.plans import FIRST_DAY, LAST_DAY
from selfmob.clinic.services.practice_rows import ImportSummary, Rows
from selfmob.clinic.services.practice_schema import (
    AssessmentIn,
    ClientIn,
    PlanIn,
    PlanItemIn,
    PracticeIn,
    Problem,
    ScreeningIn,
    SessionIn,
    UserIn,
    invalid,
    parse_document,
)
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.measures import checked_value
from selfmob.knowledge.rules.pain import check_during
from selfmob.knowledge.rules.screen import screen
from selfmob.knowledge.rules.suggest import DOSE_LIMITS, adjusted_dose
from selfmob.knowledge.schema import Dose

__all__ = ["ImportSummary", "practice_import"]

ID_TWICE = "this id appears twice in the document"
ID_TAKEN = "a record with this id already exists in this database"
EMAIL_TWICE = "this e-mail appears twice in the document"
EMAIL_TAKEN = "an account with this e-mail already exists in this database"
ROLE = "must be {role} here"
UNKNOWN_USER = "names no user of this document: the coach or this client's account"
UNKNOWN_ITEM = "names no plan item of this client"
CLEARANCE_NOT_REFER = "only a screening whose verdict is refer has a clearance"
TEST_TWICE = "each test and side once per assessment"
DATES = "the end date must not be before the start date"
SCHEDULE = "give weekdays or every_days, not both and not neither"
WEEKDAYS = "each weekday once"
INSTRUMENT = "must be one of the instruments this test allows: {known}"
BAD_HASH = "not a password hash this selfmob can check"
NOT_THE_ITEM = "technique, test and side must be those of the session's plan item"
RECOMPUTED = "the stored {what}: not what the rules give for these values"
DOSE = "must be the technique's dose, or it with the coach's numbers, as selfmob writes it"
REFUSED = "the database refused the import: {error}"
CHUNK = 500  # ids per `IN (...)` query, well under SQLite's variable limit


def practice_import(document: bytes | str | Mapping[str, object]) -> ImportSummary:
    """Check the whole document, then write it in one transaction; `InvalidInput` names the
    path of each bad value, e.g. `clients[0].sessions[3].pre: not a finite number`."""
    practice = parse_document(document)
    checker = _Checker(practice)
    checker.check()
    _raise_if(checker.problems)
    rows = Rows.of(practice)
    try:
        with transaction.atomic():
            _raise_if(list(_collisions(checker)))
            rows.save()
    except IntegrityError as exc:  # a concurrent write took an id or an e-mail
        raise InvalidInput.one("__all__", REFUSED.format(error=exc)) from None
    return rows.summary()


def _raise_if(problems: Sequence[Problem]) -> None:
    if problems:
        raise invalid(problems)


@dataclass
class _Checker:
    """The rules between values and records; remembers where each id and e-mail is."""

    practice: PracticeIn
    problems: list[Problem] = field(default_factory=list)
    ids: dict[type[Model], dict[uuid.UUID, str]] = field(default_factory=dict)
    keys: dict[uuid.UUID, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)

    def check(self) -> None:
        coach = self.practice.coach
        if coach is not None:
            self._user(coach, "coach", User.Role.COACH)
        role = User.Role.SOLO if coach is None else User.Role.CLIENT
        client_emails: dict[str, str] = {}
        for i, client in enumerate(self.practice.clients):
            where = f"clients[{i}]"
            if client.account is not None:
                self._user(client.account, f"{where}.account", role)
            if coach is not None:  # one client per e-mail per coach
                self._once(client_emails, client.email.lower(), f"{where}.email", EMAIL_TWICE)
            self._client(client, where)

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def _once(self, seen: dict[Any, str], value: Any, path: str, message: str) -> None:
        if value in seen:
            self.fail(path, message)
        else:
            seen[value] = path

    def _id(self, model: type[Model], value: uuid.UUID, where: str) -> None:
        self._once(self.ids.setdefault(model, {}), value, f"{where}.id", ID_TWICE)

    def _user(self, user: UserIn, where: str, role: str) -> None:
        self._id(User, user.id, where)
        self._once(self.emails, user.email.lower(), f"{where}.email", EMAIL_TWICE)
        if user.role != role:
            self.fail(f"{where}.role", ROLE.format(role=role))
        if user.password_hash is not None and not _checkable(user.password_hash):
            self.fail(f"{where}.password_hash", BAD_HASH)

    def _client(self, client: ClientIn, where: str) -> None:
        self._id(Client, client.id, where)
        users = {u.id for u in (self.practice.coach, client.account) if u is not None}
        for i, s in enumerate(client.screenings):
            self._screening(s, users, f"{where}.screenings[{i}]")
        for i, a in enumerate(client.assessments):
            self._assessment(a, users, f"{where}.assessments[{i}]")
        for i, p in enumerate(client.plans):
            self._plan(p, users, f"{where}.plans[{i}]")
        items = {item.id: item for p in client.plans for item in p.items}
        for i, session in enumerate(client.sessions):
            self._session(session, items, f"{where}.sessions[{i}]")

    def _screening(self, s: ScreeningIn, users: set[uuid.UUID], where: str) -> None:
        self._id(Screening, s.id, where)
        try:
            result = screen(load_catalogue(), s.answers, neck=s.neck)
        except KnowledgeError as exc:
            self.fail(f"{where}.answers", exc.message)
        else:
            if (result.verdict, result.urgent) != (s.verdict, s.urgent):
                self.fail(f"{where}.verdict", RECOMPUTED.format(what="verdict"))
        self._by(s.recorded_by, users, f"{where}.recorded_by")
        if s.clearance is not None:
            self._id(Clearance, s.clearance.id, f"{where}.clearance")
            self._by(s.clearance.cleared_by, users, f"{where}.clearance.cleared_by")
            if s.verdict != "refer":
                self.fail(f"{where}.clearance", CLEARANCE_NOT_REFER)

    def _session(self, s: SessionIn, items: Mapping[uuid.UUID, PlanItemIn], where: str) -> None:
        self._id(Session, s.id, where)
        self._once(self.keys, s.idempotency_key, f"{where}.idempotency_key", ID_TWICE)
        item = items.get(s.plan_item)
        if item is None:
            self.fail(f"{where}.plan_item", UNKNOWN_ITEM)
        elif (s.technique_id, s.test_id, s.side) != (item.technique_id, item.retest_id, item.side):
            self.fail(f"{where}.technique_id", NOT_THE_ITEM)
        self._measured(s.test_id, s.instrument, {"pre": s.pre, "post": s.post}, where)
        self._session_facts(s, where)

    def _session_facts(self, s: SessionIn, where: str) -> None:
        """What the server works out when a session is logged must agree with the rules, so
        a file cannot hide a real loss or pain above the limit from the dashboard."""
        catalogue = load_catalogue()
        try:
            change = classify_change(catalogue.test(s.test_id), before=s.pre, after=s.post,
                                     mdc=s.mdc)  # fmt: skip
            over = check_during(catalogue.policy, s.pain_during, s.pain_limit).over_limit
        except KnowledgeError:  # a value out of range: `_measured` has named it already
            return
        if abs(change.change - s.change) > 0.01 or change.verdict != s.verdict:
            self.fail(f"{where}.verdict", RECOMPUTED.format(what="change and verdict"))
        if over != s.over_limit:
            self.fail(f"{where}.over_limit", RECOMPUTED.format(what="pain flag"))

    def _by(self, user_id: uuid.UUID, users: set[uuid.UUID], path: str) -> None:
        if user_id not in users:
            self.fail(path, UNKNOWN_USER)

    def _measured(
        self, test_id: str, instrument: str | None, values: Mapping[str, float], where: str
    ) -> None:
        """Values inside the test's physiological range, taken with an instrument it allows."""
        test = load_catalogue().test(test_id)  # known: the schema checked it
        if instrument is not None and instrument not in test.instruments:
            known = ", ".join(test.instruments)
            self.fail(f"{where}.instrument", INSTRUMENT.format(known=known))
        for name, value in values.items():
            try:
                checked_value(test, value, field_name=name)
            except KnowledgeError as exc:
                self.fail(f"{where}.{name}", exc.message)

    def _assessment(self, a: AssessmentIn, users: set[uuid.UUID], where: str) -> None:
        self._id(Assessment, a.id, where)
        self._by(a.recorded_by, users, f"{where}.recorded_by")
        pairs: dict[tuple[str, str], str] = {}
        for i, m in enumerate(a.measurements):
            at = f"{where}.measurements[{i}]"
            self._id(Measurement, m.id, at)
            self._once(pairs, (m.test_id, m.side), f"{at}.side", TEST_TWICE)
            trials = {f"trials[{j}]": t for j, t in enumerate(m.trials)}
            self._measured(m.test_id, m.instrument, {**trials, "value": m.value}, at)

    def _plan(self, p: PlanIn, users: set[uuid.UUID], where: str) -> None:
        self._id(Plan, p.id, where)
        self._by(p.created_by, users, f"{where}.created_by")
        for name, day in (("starts_on", p.starts_on), ("ends_on", p.ends_on)):
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                self.fail(f"{where}.{name}", DATE_RANGE)
        if p.ends_on is not None and p.ends_on < p.starts_on:
            self.fail(f"{where}.ends_on", DATES)
        for i, item in enumerate(p.items):
            at = f"{where}.items[{i}]"
            self._id(PlanItem, item.id, at)
            technique = load_catalogue().technique(item.technique_id)  # the schema knows it
            if item.dose != _expected_dose(technique.dose, item.dose):
                self.fail(f"{at}.dose", DOSE)
            if bool(item.weekdays) == (item.every_days is not None):
                self.fail(f"{at}.weekdays", SCHEDULE)
            if len(set(item.weekdays)) != len(item.weekdays):
                self.fail(f"{at}.weekdays", WEEKDAYS)


def _expected_dose(default: Dose, given: Mapping[str, Any]) -> Any:
    """The dose selfmob writes for the technique with the numbers the file gives."""
    numbers = {k: v for k in DOSE_LIMITS if isinstance(v := given.get(k), int)}
    try:
        return adjusted_dose(default, numbers)
    except KnowledgeError:
        return None


def _checkable(password_hash: str) -> bool:
    if password_hash.startswith(UNUSABLE_PASSWORD_PREFIX):
        return True
    try:
        identify_hasher(password_hash)
    except ValueError:
        return False
    return True


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _taken(queryset: QuerySet[Any], column: str, values: Iterable[Any]) -> set[Any]:
    found: set[Any] = set()
    for chunk in _chunks(list(values)):
        rows = queryset.filter(**{f"{column}__in": chunk}).values_list(column, flat=True)
        found.update(rows)
    return found


def _collisions(checker: _Checker) -> Iterator[Problem]:
    """What the database holds already: e-mails of accounts, ids of every table, keys."""
    emails = User.objects.annotate(lowered=Lower("email"))
    taken = _taken(emails, "lowered", checker.emails)
    yield from ((path, EMAIL_TAKEN) for value, path in checker.emails.items() if value in taken)
    for model, paths in checker.ids.items():
        taken = _taken(model._default_manager.all(), "id", paths)
        yield from ((path, ID_TAKEN) for value, path in paths.items() if value in taken)
    taken = _taken(Session.objects.all(), "idempotency_key", checker.keys)
    yield from ((path, ID_TAKEN) for value, path in checker.keys.items() if value in taken)
