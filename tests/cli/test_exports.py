"""`selfmob export` and `selfmob import`, run in this process against the test database (and
once as real processes against a fresh data folder)."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from selfmob.clinic.exports.document import client_document, practice_document
from selfmob.clinic.exports.tables import client_csv, practice_csv
from selfmob.clinic.models import Client, Session, User
from selfmob.clinic.services.accounts import client_create, coach_signup
from tests.support.commands import Run, env_for, selfmob
from tests.support.factories import Practice, empty_database
from tests.support.personas import PASSWORD

Runner = Callable[..., Run]
COACH = "coach@example.test"


def without_time(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "exported_at"}


def error(result: Run) -> str:
    assert (result.code, result.out) == (2, ""), result.err
    return result.err


# export: json and csv


def test_a_practice_as_json_on_standard_output(practice: Practice, run: Runner) -> None:
    result = run("export", "--coach", COACH, "--format", "json")
    assert result.code == 0, result.err
    assert without_time(result.json()) == without_time(practice_document(practice.coach))


def test_a_practice_as_csv(practice: Practice, run: Runner) -> None:
    result = run("export", "--coach", COACH, "--format", "csv")
    assert result.out == practice_csv(practice.coach)


def test_one_client_as_json_and_csv(practice: Practice, run: Runner) -> None:
    doc = run("export", "--client", "ana@example.test", "--format", "json").json()
    assert without_time(doc) == without_time(client_document(practice.ana))
    table = run("export", "--client", "ana@example.test", "--format", "csv").out
    assert table == client_csv(practice.ana)


def test_e_mails_are_matched_whatever_their_case(practice: Practice, run: Runner) -> None:
    doc = run("export", "--client", "Ana@Example.test", "--format", "json").json()
    assert doc["clients"][0]["id"] == str(practice.ana.id)


def test_a_solo_user(practice: Practice, run: Runner) -> None:
    doc = run("export", "--client", "solo@example.test", "--format", "json").json()
    assert doc["coach"] is None
    assert doc["clients"][0]["id"] == str(practice.solo.id)


def test_to_a_file(practice: Practice, run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "practice.json"
    result = run("export", "--coach", COACH, "--format", "json", "--out", str(out))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert json.loads(out.read_text(encoding="utf-8"))["coach"]["email"] == COACH


def test_password_hashes_only_when_asked_for(practice: Practice, run: Runner) -> None:
    plain = run("export", "--coach", COACH, "--format", "json").json()
    assert plain["coach"]["password_hash"] is None
    moved = run("export", "--coach", COACH, "--format", "json", "--with-password-hashes").json()
    assert moved["coach"]["password_hash"] == User.objects.get(email=COACH).password


def test_a_client_of_two_coaches_needs_the_coach(practice: Practice, run: Runner) -> None:
    second = coach_signup(email="second@example.test", password=PASSWORD, name="Second")
    twin = client_create(coach=second, name="Ana too", email="ana@example.test")
    message = error(run("export", "--client", "ana@example.test", "--format", "json"))
    assert message == (
        "selfmob: error: 2 clients have the e-mail ana@example.test "
        "(coaches: coach@example.test, second@example.test): add --coach EMAIL\n"
    )
    chosen = run(
        "export", "--client", "ana@example.test", "--coach", "second@example.test",
        "--format", "json",
    ).json()  # fmt: skip
    assert chosen["clients"][0]["id"] == str(twin.id)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "json"], "give --client EMAIL (one client) or --coach EMAIL"),
        (["--coach", COACH, "--format", "fhir"], "--format fhir exports one client: give --client"),
        (["--coach", COACH, "--format", "pdf"], "--format pdf exports one client: give --client"),
        (["--coach", COACH, "--format", "json", "--pdf", "plan"], "--pdf and --page go with"),
        (["--coach", COACH, "--format", "csv", "--page", "a4"], "--pdf and --page go with"),
        (["--coach", COACH, "--format", "csv", "--with-password-hashes"], "--with-password-hashes"),
        (["--coach", "nobody@example.test", "--format", "csv"], "no coach has the e-mail nobody@"),
        (["--coach", "ana@example.test", "--format", "csv"], "no coach has the e-mail ana@"),
        (["--client", "nobody@example.test", "--format", "csv"], "no client has the e-mail"),
        (
            ["--client", "solo@example.test", "--coach", COACH, "--format", "csv"],
            "coach@example.test has no client with the e-mail solo@example.test",
        ),
    ],
)
def test_bad_requests_exit_2(
    practice: Practice, run: Runner, argv: list[str], message: str
) -> None:
    assert error(run("export", *argv)).startswith(f"selfmob: error: {message}")


def test_an_unknown_format_exits_2(practice: Practice, run: Runner) -> None:
    assert "invalid choice: 'xml'" in error(run("export", "--coach", COACH, "--format", "xml"))


def test_an_unwritable_file_exits_2(practice: Practice, run: Runner, tmp_path: Path) -> None:
    message = error(run("export", "--coach", COACH, "--format", "csv", "--out", str(tmp_path)))
    assert message.startswith(f"selfmob: error: cannot write {tmp_path}: ")


# import


def exported(run: Runner, tmp_path: Path, *who: str) -> Path:
    out = tmp_path / f"{who[1]}.json"
    assert run("export", *who, "--format", "json", "--out", str(out)).code == 0
    return out


def test_the_round_trip_through_files(practice: Practice, run: Runner, tmp_path: Path) -> None:
    first = exported(run, tmp_path, "--coach", COACH)
    solo = exported(run, tmp_path, "--client", "solo@example.test")
    empty_database()
    assert run("import", str(first)).code == 0
    assert run("import", str(solo)).code == 0
    again = run("export", "--coach", COACH, "--format", "json").json()
    assert without_time(again) == without_time(json.loads(first.read_text(encoding="utf-8")))
    solo_again = run("export", "--client", "solo@example.test", "--format", "json").json()
    assert without_time(solo_again) == without_time(json.loads(solo.read_text(encoding="utf-8")))


def test_import_prints_a_summary(practice: Practice, run: Runner, tmp_path: Path) -> None:
    file = exported(run, tmp_path, "--client", "solo@example.test")
    empty_database()
    result = run("import", str(file))
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"{file}: imported 1 account, 1 client, 1 screening, 0 clearances, 0 assessments, "
        "0 measurements, 1 plan, 1 plan item, 1 session\n"
    )


def test_import_from_standard_input(
    practice: Practice, run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = exported(run, tmp_path, "--coach", COACH)
    empty_database()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(file.read_bytes())))
    assert run("import", "-").code == 0
    assert Session.objects.count() == 4


def test_import_twice_exits_2_and_writes_nothing(
    practice: Practice, run: Runner, tmp_path: Path
) -> None:
    file = exported(run, tmp_path, "--coach", COACH)
    before = Client.objects.count()
    message = error(run("import", str(file)))
    assert message.startswith(
        "selfmob: error: coach.email: an account with this e-mail already exists in this database"
    )
    assert message.count("\n") == 1
    assert Client.objects.count() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "document: not valid JSON: "),
        ('{"schema": "selfmob.practice", "version": 9}', "version: this file is version 9;"),
        ('{"schema": "selfmob.practice", "version": 1}', "exported_at: missing; coach: missing"),
    ],
)
def test_a_bad_file_exits_2(
    run: Runner, db: None, tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "bad.json"
    file.write_text(content, encoding="utf-8")
    assert error(run("import", str(file))).startswith(f"selfmob: error: {message}")


def test_a_missing_file_exits_2(run: Runner, db: None, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    message = error(run("import", str(missing)))
    assert message == f"selfmob: error: cannot read {missing}: No such file or directory\n"


def test_a_directory_exits_2(run: Runner, db: None, tmp_path: Path) -> None:
    message = error(run("import", str(tmp_path)))
    assert message == f"selfmob: error: {tmp_path} is a directory, not a document\n"


def test_a_file_over_the_limit_is_refused_unread(
    run: Runner, db: None, tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_MIB = 0
    big = tmp_path / "big.json"
    big.write_text("{" + " " * 200 + "}", encoding="utf-8")
    assert error(run("import", str(big))) == (
        f"selfmob: error: {big} is larger than 0 MiB: too large to import\n"
    )


# The formats other modules write


def test_fhir(practice: Practice, run: Runner) -> None:
    result = run("export", "--client", "ana@example.test", "--format", "fhir")
    assert result.code == 0, result.err
    assert result.json()["resourceType"] == "Bundle"


def test_ics(practice: Practice, run: Runner) -> None:
    result = run("export", "--client", "ana@example.test", "--format", "ics")
    assert result.code == 0, result.err
    assert result.out.startswith("BEGIN:VCALENDAR")


@pytest.mark.parametrize(("kind", "page"), [("plan", "a4"), ("progress", "letter")])
def test_pdf(practice: Practice, run: Runner, tmp_path: Path, kind: str, page: str) -> None:
    out = tmp_path / "out.pdf"
    result = run(
        "export", "--client", "ana@example.test", "--format", "pdf", "--pdf", kind,
        "--page", page, "--out", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(b"%PDF")


def test_no_pdf_to_a_terminal(
    practice: Practice, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    message = error(run("export", "--client", "ana@example.test", "--format", "pdf"))
    assert (
        message == "selfmob: error: a PDF is binary: give --out FILE or redirect standard output\n"
    )


# As a user runs it


def test_a_fresh_server_is_told_to_migrate_first(tmp_path: Path) -> None:
    document = tmp_path / "practice.json"
    document.write_text("{}", encoding="utf-8")
    refused = selfmob("import", str(document), env=env_for(tmp_path / "data"))
    assert (refused.returncode, refused.stderr) == (
        2,
        "selfmob: error: the database is not ready: run `selfmob manage migrate` first\n",
    )
