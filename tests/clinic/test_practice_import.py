from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.exports.document import client_document, document_json, practice_document
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
from selfmob.clinic.services import practice_rows
from selfmob.clinic.services.practice_import import ImportSummary, practice_import
from tests.support.factories import Practice, build_practice, empty_database
from tests.support.personas import PASSWORD

Doc = dict[str, Any]
TABLES = (User, Client, Screening, Clearance, Assessment, Measurement, Plan, PlanItem, Session)


@pytest.fixture
def exported(practice: Practice) -> tuple[Doc, Doc]:
    """The practice's document and the solo user's, taken before the database is emptied."""
    docs = practice_document(practice.coach), client_document(practice.solo)
    empty_database()
    return docs


@pytest.fixture
def doc(exported: tuple[Doc, Doc]) -> Doc:
    return copy.deepcopy(exported[0])


def counts() -> list[int]:
    return [model._default_manager.count() for model in TABLES]


def without_time(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "exported_at"}


def refused(doc: object) -> dict[str, str]:
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        practice_import(doc)  # type: ignore[arg-type]
    assert counts() == before
    return caught.value.fields


# The round trip


def test_export_import_export_gives_the_same_documents(exported: tuple[Doc, Doc]) -> None:
    practice, solo = exported
    practice_import(practice)
    practice_import(solo)
    coach = User.objects.get(role=User.Role.COACH)
    assert without_time(practice_document(coach)) == without_time(practice)
    again = client_document(Client.objects.get(user__role=User.Role.SOLO))
    assert without_time(again) == without_time(solo)


def test_the_json_text_round_trips_too(exported: tuple[Doc, Doc]) -> None:
    practice, _ = exported
    practice_import(document_json(practice).encode())
    coach = User.objects.get(role=User.Role.COACH)
    then = datetime.fromisoformat(practice["exported_at"])
    assert document_json(practice_document(coach, now=then)) == document_json(practice)


def test_it_says_what_it_imported(doc: Doc) -> None:
    summary = practice_import(doc)
    assert summary == ImportSummary(
        accounts=2,
        clients=2,
        screenings=2,
        clearances=1,
        assessments=2,
        measurements=3,
        plans=2,
        plan_items=3,
        sessions=4,
    )
    assert str(summary).startswith("imported 2 accounts, 2 clients, 2 screenings, 1 clearance,")


def test_the_screening_status_is_recomputed(doc: Doc) -> None:
    doc["clients"][1]["screenings"][0]["clearance"] = None  # Ben's refer, no longer cleared
    practice_import(doc)
    statuses = dict(Client.objects.values_list("email", "screening_status"))
    assert statuses == {"ana@example.test": "clear", "ben@example.test": "refer"}


def test_without_hashes_accounts_need_a_password_reset(doc: Doc) -> None:
    practice_import(doc)
    ana = User.objects.get(email="ana@example.test")
    assert not ana.has_usable_password()
    assert authenticate(email="ana@example.test", password=PASSWORD) is None


def test_with_hashes_logins_keep_working(practice: Practice) -> None:
    moved = practice_document(practice.coach, include_password_hashes=True)
    empty_database()
    practice_import(moved)
    assert authenticate(email="ana@example.test", password=PASSWORD) is not None
    assert authenticate(email="coach@example.test", password=PASSWORD) is not None


def test_imported_accounts_are_never_staff(practice: Practice) -> None:
    User.objects.filter(id=practice.coach.id).update(is_staff=True, is_superuser=True)
    moved = practice_document(practice.coach, include_password_hashes=True)
    empty_database()
    practice_import(moved)
    coach = User.objects.get(email="coach@example.test")
    assert (coach.is_staff, coach.is_superuser) == (False, False)


def test_an_inactive_account_stays_inactive(practice: Practice) -> None:
    User.objects.filter(email="ana@example.test").update(is_active=False)
    moved = practice_document(practice.coach)
    empty_database()
    practice_import(moved)
    assert not User.objects.get(email="ana@example.test").is_active


# Refused files: nothing is written


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{", "document: not valid JSON: Expecting property name enclosed in double quotes"),
        (b"\xff\xfe", "document: not UTF-8 text"),
        (b"[]", "document: a selfmob document is a JSON object"),
        (b'{"a": 1, "a": 2}', "document: the key 'a' appears twice in one object"),
        (b'{"schema": "fhir"}', "schema: not a selfmob practice document (schema 'fhir'"),
        (b'{"schema": "selfmob.practice"}', "version: the version must be a whole number"),
    ],
)
def test_it_refuses_what_is_not_a_document(db: None, raw: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        practice_import(raw)
    assert str(caught.value).startswith(message)


def test_a_newer_version_asks_for_an_upgrade(doc: Doc) -> None:
    doc["version"] = 4
    doc["something_new"] = True
    assert refused(doc) == {
        "version": "this file is version 4; this selfmob reads up to version 3: upgrade selfmob"
    }


def test_this_selfmob_writes_version_2_and_reads_version_1(doc: Doc) -> None:
    assert doc["version"] == 3
    doc["version"] = 1
    del doc["coach"]["limit_percentile"]
    for client in doc["clients"]:
        for session in client["sessions"]:
            session.pop("pain_rest", None)
    practice_import(doc)
    assert User.objects.get(role=User.Role.COACH).limit_percentile is None


@pytest.mark.parametrize("version", [0, "1", True, 1.0])
def test_a_version_is_a_whole_number_from_1(doc: Doc, version: object) -> None:
    doc["version"] = version
    assert list(refused(doc)) == ["version"]


def test_a_value_that_is_not_finite_is_named_by_its_path(doc: Doc) -> None:
    doc["clients"][0]["sessions"][2]["pre"] = float("nan")
    assert refused(doc) == {"clients[0].sessions[2].pre": "not a finite number"}


def test_infinity_in_the_json_text(doc: Doc) -> None:
    text = json.dumps(doc).replace('"post": 8.5', '"post": Infinity')
    assert refused(text) == {"clients[0].sessions[0].post": "not a finite number"}


def test_unknown_keys_are_refused(doc: Doc) -> None:
    doc["clients"][1]["plans"][0]["items"][0]["colour"] = "red"
    assert refused(doc) == {"clients[1].plans[0].items[0].colour": "unknown key"}


def test_a_missing_key_is_refused(doc: Doc) -> None:
    del doc["clients"][0]["assessments"][0]["measured_by"]
    assert refused(doc) == {"clients[0].assessments[0].measured_by": "missing"}


Mutation = Callable[[Doc], None]


def _set(path: str, value: object) -> Mutation:
    """A change to the document at a dotted path with list indexes: `clients.0.name`."""

    def change(doc: Doc) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = doc
        for part in parents:
            node = node[part]
        node[last] = value

    return change


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        ("clients.0.sessions.1.pain_during", 11, "clients[0].sessions[1].pain_during",
         "must be 10 or less"),
        ("clients.0.sessions.1.pain_during", "3", "clients[0].sessions[1].pain_during",
         "not a whole number"),
        ("clients.0.sessions.2.pain_next_day", -1, "clients[0].sessions[2].pain_next_day",
         "must be 0 or more"),
        ("clients.0.sessions.0.pain_rest", 11, "clients[0].sessions[0].pain_rest",
         "must be 10 or less"),
        ("clients.0.sessions.0.pain_rest", "0", "clients[0].sessions[0].pain_rest",
         "not a whole number"),
        ("clients.0.sessions.0.pain_rest", 0.5, "clients[0].sessions[0].pain_rest",
         "not a whole number"),
        ("clients.0.plans.0.items.0.pain_limit", 4, "clients[0].plans[0].items[0].pain_limit",
         "the pain limit must be a whole number from 0 to 3, got 4"),
        ("clients.0.sessions.0.pain_limit", 5, "clients[0].sessions[0].pain_limit",
         "the pain limit must be a whole number from 0 to 3, got 5"),
        ("clients.0.sessions.0.test_id", "nope", "clients[0].sessions[0].test_id",
         "unknown test id 'nope'; see `selfmob tests` for the list"),
        ("clients.0.plans.0.items.1.technique_id", "nope",
         "clients[0].plans[0].items[1].technique_id",
         "unknown technique id 'nope'; see `selfmob techniques` for the list"),
        ("clients.0.assessments.0.measurements.0.test_id", "x",
         "clients[0].assessments[0].measurements[0].test_id",
         "unknown test id 'x'; see `selfmob tests` for the list"),
        ("clients.0.screenings.0.answers.made-up", False, "clients[0].screenings[0].answers",
         "unknown screening question id 'made-up'"),
        ("clients.0.sessions.0.verdict", "great", "clients[0].sessions[0].verdict",
         "must be one of 'real_gain', 'within_error' or 'real_loss'"),
        ("clients.0.sessions.0.mdc", 0, "clients[0].sessions[0].mdc", "must be more than 0"),
        ("clients.0.sessions.0.mdc_source", "made-up", "clients[0].sessions[0].mdc_source",
         "names no reference of this selfmob's catalogue"),
        ("clients.0.sessions.0.measured_by", "robot", "clients[0].sessions[0].measured_by",
         "must be one of 'self' or 'clinician'"),
        ("clients.0.sessions.0.readings", 6, "clients[0].sessions[0].readings",
         "must be 5 or less"),
        ("clients.0.sessions.0.side", "", "clients[0].sessions[0].side",
         "must be one of 'left' or 'right'"),
        ("clients.0.sessions.0.created_at", "2026-11-20T10:00:00",
         "clients[0].sessions[0].created_at", "a date and time needs its UTC offset"),
        ("clients.0.sessions.0.performed_on", "20.11.2026", "clients[0].sessions[0].performed_on",
         "not a date (YYYY-MM-DD)"),
        ("clients.0.id", "not-a-uuid", "clients[0].id", "not a UUID"),
        ("clients.0.email", "not-an-email", "clients[0].email", "not a valid e-mail address"),
        ("clients.0.name", "", "clients[0].name", "must not be empty"),
        ("clients.0.birth_year", 1850, "clients[0].birth_year", "must be 1900 or more"),
        ("clients.0.assessments.0.measurements.0.trials", [],
         "clients[0].assessments[0].measurements[0].trials", "needs at least 1"),
        ("clients.0.sessions.0.over_limit", 0, "clients[0].sessions[0].over_limit",
         "not true or false"),
        ("coach", [], "coach", "not an object"),
    ],
)  # fmt: skip
def test_values_that_break_the_rules_are_named(
    doc: Doc, path: str, value: object, where: str, message: str
) -> None:
    _set(path, value)(doc)
    assert refused(doc) == {where: message}


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        ("clients.0.sessions.0.pre", 45.0, "clients[0].sessions[0].pre",
         "pre 45 cm is outside the physiological range 0–30 cm of wblt-distance"),
        ("clients.0.sessions.0.instrument", "ruler", "clients[0].sessions[0].instrument",
         "must be one of the instruments this test allows: tape-measure"),
        ("clients.0.assessments.0.measurements.1.side", "left",
         "clients[0].assessments[0].measurements[1].side",
         "each test and side once per assessment"),
        ("clients.0.plans.0.ends_on", "2026-01-01", "clients[0].plans[0].ends_on",
         "the end date must not be before the start date"),
        ("clients.0.plans.0.items.0.weekdays", [2], "clients[0].plans[0].items[0].weekdays",
         "give weekdays or every_days, not both and not neither"),
        ("clients.0.sessions.0.plan_item", "00000000-0000-4000-8000-000000000000",
         "clients[0].sessions[0].plan_item", "names no plan item of this client"),
        ("clients.0.screenings.0.recorded_by", "00000000-0000-4000-8000-000000000000",
         "clients[0].screenings[0].recorded_by",
         "names no user of this document: the coach or this client's account"),
        ("clients.0.screenings.0.clearance", None, None, None),
        ("coach.role", "client", "coach.role", "must be coach here"),
        ("clients.0.account.role", "solo", "clients[0].account.role", "must be client here"),
        ("clients.0.account.password_hash", "plain-text", "clients[0].account.password_hash",
         "not a password hash this selfmob can check"),
        ("clients.1.email", "ANA@example.test", "clients[1].email",
         "this e-mail appears twice in the document"),
        # what the server works out must follow from the values: no hidden red flag, loss or pain
        ("clients.0.screenings.0.verdict", "caution", "clients[0].screenings[0].verdict",
         "the stored verdict: not what the rules give for these values"),
        ("clients.0.sessions.0.verdict", "real_loss", "clients[0].sessions[0].verdict",
         "the stored change and verdict: not what the rules give for these values"),
        ("clients.0.sessions.0.over_limit", True, "clients[0].sessions[0].over_limit",
         "the stored pain flag: not what the rules give for these values"),
        ("clients.0.sessions.0.side", "left", "clients[0].sessions[0].technique_id",
         "technique, test and side must be those of the session's plan item"),
        ("clients.0.plans.0.items.0.dose", {"text": "push through the pain"},
         "clients[0].plans[0].items[0].dose",
         "must be the technique's dose, or it with the coach's numbers, as selfmob writes it"),
    ],
)  # fmt: skip
def test_rules_between_values_and_records_are_named(
    doc: Doc, path: str, value: object, where: str | None, message: str | None
) -> None:
    _set(path, value)(doc)
    if where is None:  # a harmless change: the document still imports
        practice_import(doc)
        return
    assert refused(doc) == {where: message}


def test_a_session_naming_another_clients_item_is_refused(doc: Doc) -> None:
    ben_item = doc["clients"][1]["plans"][0]["items"][0]["id"]
    doc["clients"][0]["sessions"][0]["plan_item"] = ben_item
    assert refused(doc) == {"clients[0].sessions[0].plan_item": "names no plan item of this client"}


def test_an_id_twice_in_the_document_is_refused(doc: Doc) -> None:
    doc["clients"][1]["sessions"][0]["id"] = doc["clients"][0]["sessions"][0]["id"]
    assert refused(doc) == {"clients[1].sessions[0].id": "this id appears twice in the document"}


def test_a_clearance_only_on_a_refer_screening(doc: Doc) -> None:
    ben = doc["clients"][1]["screenings"][0]
    ana = doc["clients"][0]["screenings"][0]
    ana["clearance"], ben["clearance"] = ben["clearance"], None
    assert refused(doc) == {
        "clients[0].screenings[0].clearance": (
            "only a screening whose verdict is refer has a clearance"
        )
    }


def test_many_problems_are_listed_up_to_ten(doc: Doc) -> None:
    for session in doc["clients"][0]["sessions"] + doc["clients"][1]["sessions"]:
        session["pre"] = session["post"] = session["change"] = "x"
    fields = refused(doc)
    assert len(fields) == 11
    assert fields["__all__"] == "and 2 more problems"


# Collisions with the database


def test_importing_twice_is_refused_and_writes_nothing(doc: Doc) -> None:
    practice_import(doc)
    fields = refused(doc)
    assert fields["coach.id"] == "a record with this id already exists in this database"
    assert fields["coach.email"] == "an account with this e-mail already exists in this database"
    assert fields["clients[0].id"] == "a record with this id already exists in this database"


def test_an_existing_e_mail_is_refused_whatever_its_case(doc: Doc) -> None:
    User.objects.create(email="ANA@example.test", role=User.Role.SOLO)
    assert refused(doc) == {
        "clients[0].account.email": "an account with this e-mail already exists in this database"
    }


def test_a_used_idempotency_key_is_refused(doc: Doc) -> None:
    build_practice(tag="-2")
    taken = str(Session.objects.values_list("idempotency_key", flat=True).first())
    doc["clients"][0]["sessions"][0]["idempotency_key"] = taken
    assert refused(doc) == {
        "clients[0].sessions[0].idempotency_key": (
            "a record with this id already exists in this database"
        )
    }


def test_a_failure_half_way_leaves_the_database_unchanged(
    doc: Doc, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(client: Client) -> None:
        assert Session.objects.exists()  # every row is written by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(practice_rows, "refresh_status", broken)
    before = counts()
    with pytest.raises(RuntimeError, match="disk full"):
        practice_import(doc)
    assert counts() == before == [0] * len(TABLES)


# Solo users


def test_a_solo_user_imports_themself(exported: tuple[Doc, Doc]) -> None:
    _, solo = exported
    summary = practice_import(solo)
    assert (summary.accounts, summary.clients, summary.sessions) == (1, 1, 1)
    record = Client.objects.get()
    assert record.coach is None
    assert record.user is not None
    assert record.user.role == User.Role.SOLO
    assert record.screening_status == Client.ScreeningStatus.CLEAR


def test_a_solo_document_needs_solo_accounts(exported: tuple[Doc, Doc]) -> None:
    solo = copy.deepcopy(exported[1])
    solo["clients"][0]["account"]["role"] = "client"
    assert refused(solo) == {"clients[0].account.role": "must be solo here"}


def test_the_coach_s_percentile_makes_the_round_trip(practice: Practice) -> None:
    practice.coach.limit_percentile = 10.0
    practice.coach.save()
    document = practice_document(practice.coach)
    assert document["coach"]["limit_percentile"] == 10.0
    empty_database()
    practice_import(copy.deepcopy(document))
    assert User.objects.get(role=User.Role.COACH).limit_percentile == 10.0


def test_a_file_from_before_the_percentile_still_imports(doc: Doc) -> None:
    del doc["coach"]["limit_percentile"]
    practice_import(doc)
    assert User.objects.get(role=User.Role.COACH).limit_percentile is None


@pytest.mark.parametrize("value", [0, 50, -5, "5"])
def test_a_bad_percentile_is_refused(doc: Doc, value: object) -> None:
    doc["coach"]["limit_percentile"] = value
    assert "coach.limit_percentile" in refused(doc)


def test_a_file_from_before_the_pain_at_rest_still_imports(doc: Doc) -> None:
    """No `pain_rest` anywhere: each session's pain flag is checked by the older rule (pain
    during above its limit), as it was judged when logged, and kept as it was."""
    for client in doc["clients"]:
        for session in client["sessions"]:
            del session["pain_rest"]
    practice_import(doc)
    assert {s.pain_rest for s in Session.objects.all()} == {None}
    flagged = Session.objects.get(over_limit=True)
    assert (flagged.pain_during, flagged.pain_limit) == (3, 1)


def test_the_pain_at_rest_makes_the_round_trip(practice: Practice) -> None:
    document = practice_document(practice.coach)
    stored = {str(s.id): s.pain_rest for s in Session.objects.filter(client__coach=practice.coach)}
    empty_database()
    practice_import(copy.deepcopy(document))
    assert {str(s.id): s.pain_rest for s in Session.objects.all()} == stored
    assert None in stored.values()
    assert 0 in stored.values()


def test_a_pain_flag_is_checked_against_the_pain_at_rest(doc: Doc) -> None:
    """Rest 3, during 5, limit 2: within the rule, so a file that says so imports, though
    the older rule alone would have flagged it."""
    session = doc["clients"][0]["sessions"][0]
    session.update(pain_rest=3, pain_during=5, pain_limit=2, over_limit=False)
    practice_import(doc)
    assert not Session.objects.get(id=session["id"]).over_limit


def test_a_pain_flag_hidden_above_the_ceiling_is_refused(doc: Doc) -> None:
    session = doc["clients"][0]["sessions"][0]
    session.update(pain_rest=4, pain_during=6, pain_limit=2, over_limit=False)
    assert refused(doc) == {
        "clients[0].sessions[0].over_limit": (
            "the stored pain flag: not what the rules give for these values"
        )
    }


def test_consent_and_archiving_make_the_round_trip(practice: Practice) -> None:
    when = timezone.now().replace(microsecond=0)
    practice.coach.consent_at, practice.coach.consent_version = when, "2026-12-05"
    practice.coach.save()
    Client.objects.filter(id=practice.ben.id).update(archived_at=when)
    document = practice_document(practice.coach)
    empty_database()
    practice_import(copy.deepcopy(document))
    coach = User.objects.get(role=User.Role.COACH)
    assert (coach.consent_at, coach.consent_version) == (when, "2026-12-05")
    assert Client.objects.get(id=practice.ben.id).archived_at == when
    assert Client.objects.get(id=practice.ana.id).archived_at is None


def test_a_file_from_before_version_3_still_imports(doc: Doc) -> None:
    doc["version"] = 2
    del doc["coach"]["consent_at"], doc["coach"]["consent_version"]
    for client in doc["clients"]:
        del client["archived_at"]
        for s in client["sessions"]:
            for key in ("measured_by", "readings", "mdc_level", "mdc_source", "mdc_fit"):
                del s[key]
    practice_import(doc)
    assert {s.measured_by for s in Session.objects.all()} == {""}
