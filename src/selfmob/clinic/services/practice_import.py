"""Import a `selfmob.practice` document (exports/document.py) into this database.

All or nothing, in a few MiB of memory whatever the size of the file. A first pass reads the
document a record at a time (practice_records) and checks each: its shape and values
(practice_schema), then the rules that need that record alone. What the rules between records
need (ids, keys, e-mails, references, each with its path) goes to a temporary index on disk
(practice_index), which answers them when the pass ends: references, duplicates, roles. Then,
in one transaction, collisions with what the database already holds, and a second pass that
reads the document again and writes it a batch at a time (practice_rows), every id and
timestamp kept; a checksum makes sure the document did not change in between. Accounts keep
their logins when the document carries password hashes; otherwise they get an unusable
password and sign in after a password reset. Imported accounts are never staff or
superusers. Each client's screening status is recomputed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, identify_hasher
from django.db import IntegrityError, reset_queries, transaction
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
from selfmob.clinic.services.practice_index import PracticeIndex
from selfmob.clinic.services.practice_records import (
    Document,
    Found,
    Reading,
    document_passes,
    practice_records,
)
from selfmob.clinic.services.practice_rows import ImportSummary, Rows
from selfmob.clinic.services.practice_schema import (
    SHOWN,
    AssessmentIn,
    ClientIn,
    PlanIn,
    PracticeIn,
    ScreeningIn,
    SessionIn,
    UserIn,
    invalid,
)
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.measures import checked_value
from selfmob.knowledge.rules.pain import check_during
from selfmob.knowledge.rules.screen import stored_screen
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
UNKNOWN_SOURCE = "names no reference of this selfmob's catalogue"
DOSE = "must be the technique's dose, or it with the coach's numbers, as selfmob writes it"
REFUSED = "the database refused the import: {error}"
CHANGED = "the document changed while it was imported: nothing was written"

SHAPE, RULES, TAKEN = 1, 2, 3  # the problems of the first of these that has any are shown
MODELS = (User, Client, Screening, Clearance, Assessment, Measurement, Plan, PlanItem, Session)
EMAIL, CLIENT_EMAIL, KEY = "email", "client_email", "idempotency_key"  # kinds of unique values


def practice_import(document: Document) -> ImportSummary:
    """Check the whole document, then write it in one transaction; `InvalidInput` names the
    path of each bad value, e.g. `clients[0].sessions[3].pre: not a finite number`. A file is
    read twice from where it stands, and never held whole."""
    with document_passes(document) as read, PracticeIndex() as index:
        first = read()
        coach = _check(first, index)
        _raise_problems(index)
        try:
            with transaction.atomic():
                _collisions(index)
                _raise_problems(index)
                return _write(read(), index, coach, first.digest())
        except IntegrityError as exc:  # a concurrent write took an id or an e-mail
            raise InvalidInput.one("__all__", REFUSED.format(error=exc)) from None


def _check(file: Reading, index: PracticeIndex) -> UserIn | None:
    """The first pass: every problem goes to the index; returns the coach."""
    checker = _Checker(index)
    for found in practice_records(file):
        checker.check(found)
    checker.finish()
    return checker.coach


def _raise_problems(index: PracticeIndex) -> None:
    shown, total = index.problems(SHOWN)
    if shown:
        raise invalid(shown, total)


def _write(
    file: Reading, index: PracticeIndex, coach: UserIn | None, digest: bytes
) -> ImportSummary:
    """The second pass, inside the transaction."""
    rows = Rows(coach_id=None if coach is None else coach.id, client_id=index.client_id)
    try:
        for found in practice_records(file):
            if found.record is None:
                raise InvalidInput.one("document", CHANGED)
            rows.add(found.record, found.client, size=found.size)
    except (InvalidInput, KeyError):
        raise InvalidInput.one("document", CHANGED) from None
    if file.digest() != digest:
        raise InvalidInput.one("document", CHANGED)
    return rows.finish(index.client_ids())


@dataclass
class _Checker:
    """The rules; what needs other records goes to the index, with where it was found."""

    index: PracticeIndex
    coach: UserIn | None = None
    seq: int = 0  # the record being checked
    client: int = -1  # the index of its client

    def check(self, found: Found) -> None:
        self.seq, self.client = found.seq, found.client
        for path, message in found.problems:
            self.index.problem(SHAPE, found.seq, path, message)
        record, where = found.record, found.path
        match record:
            case PracticeIn():
                self._practice(record)
            case ClientIn():
                self._client(record, where)
            case ScreeningIn():
                self._screening(record, where)
            case AssessmentIn():
                self._assessment(record, where)
            case PlanIn():
                self._plan(record, where)
            case SessionIn():
                self._session(record, where)

    def finish(self) -> None:
        """The rules between records, once every record is in the index."""
        kinds = [model.__name__ for model in MODELS] + [KEY, EMAIL]
        if self.coach is not None:  # one client per e-mail per coach
            kinds.append(CLIENT_EMAIL)
        for seq, path, kind in self.index.twice(kinds):
            self._fail_at(seq, path, EMAIL_TWICE if kind in (EMAIL, CLIENT_EMAIL) else ID_TWICE)
        role = User.Role.SOLO if self.coach is None else User.Role.CLIENT
        for seq, path in self.index.accounts_not(role):
            self._fail_at(seq, path, ROLE.format(role=role))
        for seq, path in self.index.unknown_users():
            self._fail_at(seq, path, UNKNOWN_USER)
        for seq, path, known in self.index.item_mismatches():
            if known:
                self._fail_at(seq, f"{path}.technique_id", NOT_THE_ITEM)
            else:
                self._fail_at(seq, f"{path}.plan_item", UNKNOWN_ITEM)

    def fail(self, path: str, message: str) -> None:
        self._fail_at(self.seq, path, message)

    def _fail_at(self, seq: int, path: str, message: str) -> None:
        self.index.problem(RULES, seq, path, message)

    def _id(self, model: type[Model], value: uuid.UUID, where: str) -> None:
        self.index.key(model.__name__, value, self.seq, f"{where}.id")

    def _by(self, user_id: uuid.UUID, path: str) -> None:
        """A user named as who recorded something: the coach or this client's account."""
        self.index.user_ref(self.client, user_id, self.seq, path)

    def _practice(self, practice: PracticeIn) -> None:
        self.coach = practice.coach
        if self.coach is not None:
            self._user(self.coach, "coach")
            self._role(self.coach, "coach", User.Role.COACH)

    def _user(self, user: UserIn, where: str) -> None:
        self._id(User, user.id, where)
        self.index.key(EMAIL, user.email.lower(), self.seq, f"{where}.email")
        self.index.account(self.client, user.id, user.role, self.seq, f"{where}.role")
        if user.password_hash is not None and not _checkable(user.password_hash):
            self.fail(f"{where}.password_hash", BAD_HASH)

    def _role(self, user: UserIn, where: str, role: str) -> None:
        if user.role != role:
            self.fail(f"{where}.role", ROLE.format(role=role))

    def _client(self, client: ClientIn, where: str) -> None:
        self._id(Client, client.id, where)
        self.index.client(self.client, client.id)
        self.index.key(CLIENT_EMAIL, client.email.lower(), self.seq, f"{where}.email")
        if client.account is not None:
            self._user(client.account, f"{where}.account")

    def _screening(self, s: ScreeningIn, where: str) -> None:
        self._id(Screening, s.id, where)
        try:
            result = stored_screen(load_catalogue(), s.answers, neck=s.neck)
        except KnowledgeError as exc:
            self.fail(f"{where}.answers", exc.message)
        else:
            if (result.verdict, result.urgent) != (s.verdict, s.urgent):
                self.fail(f"{where}.verdict", RECOMPUTED.format(what="verdict"))
        self._by(s.recorded_by, f"{where}.recorded_by")
        if s.clearance is not None:
            self._id(Clearance, s.clearance.id, f"{where}.clearance")
            self._by(s.clearance.cleared_by, f"{where}.clearance.cleared_by")
            if s.verdict != "refer":
                self.fail(f"{where}.clearance", CLEARANCE_NOT_REFER)

    def _session(self, s: SessionIn, where: str) -> None:
        self._id(Session, s.id, where)
        self.index.key(KEY, s.idempotency_key, self.seq, f"{where}.idempotency_key")
        facts = (s.technique_id, s.test_id, s.side)
        self.index.item_ref(self.client, s.plan_item, facts, self.seq, where)
        self._measured(s.test_id, s.instrument, {"pre": s.pre, "post": s.post}, where)
        self._session_facts(s, where)

    def _session_facts(self, s: SessionIn, where: str) -> None:
        """What the server works out when a session is logged must agree with the rules, so
        a file cannot hide a real loss or pain above the limit from the dashboard. A session
        without `pain_rest` (from before it was asked for) is judged by the limit alone, as it
        was when it was logged."""
        catalogue = load_catalogue()
        if s.mdc_source and s.mdc_source not in catalogue.references:
            self.fail(f"{where}.mdc_source", UNKNOWN_SOURCE)
        try:
            test, policy = catalogue.test(s.test_id), catalogue.policy.change
            change = classify_change(test, before=s.pre, after=s.post, policy=policy, mdc=s.mdc)
            pain = check_during(catalogue.policy, s.pain_during, s.pain_limit, rest=s.pain_rest)
        except KnowledgeError:  # a value out of range: `_measured` has named it already
            return
        if abs(change.change - s.change) > 0.01 or change.verdict != s.verdict:
            self.fail(f"{where}.verdict", RECOMPUTED.format(what="change and verdict"))
        if pain.over_limit != s.over_limit:
            self.fail(f"{where}.over_limit", RECOMPUTED.format(what="pain flag"))

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

    def _assessment(self, a: AssessmentIn, where: str) -> None:
        self._id(Assessment, a.id, where)
        self._by(a.recorded_by, f"{where}.recorded_by")
        pairs: set[tuple[str, str]] = set()
        for i, m in enumerate(a.measurements):
            at = f"{where}.measurements[{i}]"
            self._id(Measurement, m.id, at)
            if (m.test_id, m.side) in pairs:
                self.fail(f"{at}.side", TEST_TWICE)
            pairs.add((m.test_id, m.side))
            trials = {f"trials[{j}]": t for j, t in enumerate(m.trials)}
            self._measured(m.test_id, m.instrument, {**trials, "value": m.value}, at)

    def _plan(self, p: PlanIn, where: str) -> None:
        self._id(Plan, p.id, where)
        self._by(p.created_by, f"{where}.created_by")
        for name, day in (("starts_on", p.starts_on), ("ends_on", p.ends_on)):
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                self.fail(f"{where}.{name}", DATE_RANGE)
        if p.ends_on is not None and p.ends_on < p.starts_on:
            self.fail(f"{where}.ends_on", DATES)
        for i, item in enumerate(p.items):
            at = f"{where}.items[{i}]"
            self._id(PlanItem, item.id, at)
            self.index.item(self.client, item.id, item.technique_id, item.retest_id, item.side)
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


def _collisions(index: PracticeIndex) -> None:
    """What the database holds already: e-mails of accounts, ids of every table, keys."""
    emails = User.objects.annotate(lowered=Lower("email"))
    _taken(index, EMAIL, emails, "lowered", message=EMAIL_TAKEN, value_of=str)
    for model in MODELS:
        rows = model._default_manager.all()
        _taken(index, model.__name__, rows, "id", message=ID_TAKEN, value_of=uuid.UUID)
    keys = Session.objects.all()
    _taken(index, KEY, keys, "idempotency_key", message=ID_TAKEN, value_of=uuid.UUID)


def _taken(
    index: PracticeIndex, kind: str, queryset: QuerySet[Any], column: str, *, message: str,
    value_of: Callable[[str], Any],
) -> None:  # fmt: skip
    for chunk in index.keys(kind):
        values = [value_of(value) for value, _, _ in chunk]
        found = set(queryset.filter(**{f"{column}__in": values}).values_list(column, flat=True))
        for value, (_, seq, path) in zip(values, chunk, strict=True):
            if value in found:
                index.problem(TAKEN, seq, path, message)
        reset_queries()  # with DEBUG on, Django would keep every query
