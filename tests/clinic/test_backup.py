"""Backup and restore through the services, on the database of the test run (SQLite, and
PostgreSQL in the PostgreSQL pass), and from either database into the other and back.

The rows must be committed for a backup to see them (it reads a snapshot of its own), so
these tests use the transactional database.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from selfmob.clinic import backup as archive
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import Client, PlanItem, Session
from selfmob.clinic.services import backup as service
from selfmob.clinic.services.api_tokens import api_token_create
from selfmob.clinic.services.backup import backup_create, backup_restore
from selfmob.clinic.services.calendar import calendar_feed_create
from tests.support import backups
from tests.support.commands import selfmob
from tests.support.factories import Practice, build_practice, log
from tests.support.personas import PASSWORD, TODAY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def full(transactional_db: None) -> Practice:
    """A practice with every kind of record, an API token and a calendar feed too."""
    practice = build_practice()
    api_token_create(user=practice.coach, name="laptop")
    calendar_feed_create(client=practice.ana, created_by=practice.coach)
    return practice


@pytest.fixture
def uploads(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def everything() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary key order."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }


def empty_database() -> None:
    call_command("flush", interactive=False, verbosity=0)


def refusal(call: Callable[[], object]) -> str:
    with pytest.raises(InvalidInput) as caught:
        call()
    return caught.value.fields["backup"]


def test_it_restores_every_row_of_every_table(full: Practice, tmp_path: Path) -> None:
    before = everything()
    backup_create(out=tmp_path / "practice.zip")
    empty_database()
    backup_restore(path=tmp_path / "practice.zip")
    assert everything() == before
    assert authenticate(username=full.coach.email, password=PASSWORD) == full.coach


def test_its_manifest_counts_every_table(full: Practice, tmp_path: Path) -> None:
    manifest = backup_create(out=tmp_path / "practice.zip")
    counts = {table.name: table.rows for table in manifest.tables}
    assert counts == {table: len(rows) for table, rows in everything().items()}
    assert manifest.source.vendor == connection.vendor
    native = "postgresql.dump" if connection.vendor == "postgresql" else "selfmob.sqlite3"
    assert manifest.native == f"native/{native}"


def test_it_keeps_the_stored_files(full: Practice, tmp_path: Path, uploads: Path) -> None:
    (uploads / "photos").mkdir(parents=True)
    (uploads / "photos" / "ankle.jpg").write_bytes(b"\xff\xd8 not really a photo")
    backup_create(out=tmp_path / "practice.zip")
    (uploads / "photos" / "ankle.jpg").unlink()
    empty_database()
    backup_restore(path=tmp_path / "practice.zip")
    assert (uploads / "photos" / "ankle.jpg").read_bytes() == b"\xff\xd8 not really a photo"


def test_it_refuses_an_uploads_folder_with_files(
    full: Practice, tmp_path: Path, uploads: Path
) -> None:
    uploads.mkdir()
    (uploads / "left-over.pdf").write_bytes(b"%PDF")
    backup_create(out=tmp_path / "practice.zip")
    empty_database()
    message = refusal(lambda: backup_restore(path=tmp_path / "practice.zip"))
    assert message == service.FILES_NOT_EMPTY.format(path=uploads)
    assert not Client.objects.exists()


def test_rows_made_after_a_restore_get_new_ids(full: Practice, tmp_path: Path) -> None:
    """PostgreSQL's sequences are set past the restored ids (a flush restarts them)."""
    restored = Group.objects.create(name="front desk")
    backup_create(out=tmp_path / "practice.zip")
    empty_database()
    backup_restore(path=tmp_path / "practice.zip")
    assert Group.objects.create(name="after the restore").id > restored.id


def test_a_backup_holds_every_session_acknowledged_before_it_started(
    full: Practice, tmp_path: Path
) -> None:
    item = PlanItem.objects.filter(plan__client=full.ana, removed_at=None).first()
    assert item is not None
    acknowledged: list[uuid.UUID] = []
    stop = threading.Event()

    def write() -> None:
        try:
            while not stop.is_set():
                acknowledged.append(log(item, TODAY, 7.0, 8.0, 1).id)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(acknowledged) < 20:
            stop.wait(0.01)
        before = set(acknowledged)
        backup_create(out=tmp_path / "busy.zip")
        after = len(acknowledged)
        while len(acknowledged) < after + 20:
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    stored = {
        uuid.UUID(key) for key in backups.column(tmp_path / "busy.zip", "clinic_session", "id")
    }
    assert before <= stored <= set(Session.objects.values_list("id", flat=True))


def test_it_refuses_a_database_that_holds_data(full: Practice, tmp_path: Path) -> None:
    backup_create(out=tmp_path / "practice.zip")
    before = everything()
    message = refusal(lambda: backup_restore(path=tmp_path / "practice.zip"))
    assert message.startswith("the database is not empty (")
    assert everything() == before


def test_it_refuses_a_changed_value_and_changes_nothing(full: Practice, tmp_path: Path) -> None:
    backup_create(out=tmp_path / "practice.zip")
    empty_database()
    member = "tables/clinic_session.jsonl"
    changed = backups.rewrite(
        tmp_path / "practice.zip",
        tmp_path / "changed.zip",
        lambda name, data: data.replace(b"8.5", b"9.5", 1) if name == member else data,
    )
    assert refusal(lambda: backup_restore(path=changed)) == archive.DAMAGED.format(member=member)
    assert not Client.objects.exists()


def test_it_refuses_a_manifest_whose_count_was_changed(full: Practice, tmp_path: Path) -> None:
    backup_create(out=tmp_path / "practice.zip")
    empty_database()

    def one_more_session(manifest: dict[str, Any]) -> None:
        table = next(t for t in manifest["tables"] if t["name"] == "clinic_session")
        table["rows"] += 1

    changed = backups.with_manifest(
        tmp_path / "practice.zip", tmp_path / "changed.zip", one_more_session
    )
    message = refusal(lambda: backup_restore(path=changed))
    found = len(backups.rows(changed, "clinic_session"))
    expected = archive.ROW_COUNT.format(
        member="tables/clinic_session.jsonl", found=found, expected=found + 1
    )
    assert message == expected
    assert not Client.objects.exists()


def test_it_refuses_rows_the_database_refuses_and_changes_nothing(
    full: Practice, tmp_path: Path
) -> None:
    manifest = backup_create(out=tmp_path / "practice.zip")
    empty_database()

    columns = next(t.columns for t in manifest.tables if t.name == "clinic_session")

    def unknown_client(row: list[Any]) -> None:
        row[columns.index("client_id")] = str(uuid.uuid4())

    forged = backups.forged(
        tmp_path / "practice.zip", tmp_path / "forged.zip", "clinic_session", unknown_client
    )
    message = refusal(lambda: backup_restore(path=forged))
    assert message.startswith("the database refused the backup's rows (")
    assert not Client.objects.exists()


def test_it_refuses_a_backup_from_a_newer_schema(full: Practice, tmp_path: Path) -> None:
    backup_create(out=tmp_path / "practice.zip")
    empty_database()
    newer = backups.with_manifest(
        tmp_path / "practice.zip",
        tmp_path / "newer.zip",
        lambda m: m["migrations"].append(["clinic", "9999_from_the_future"]),
    )
    message = refusal(lambda: backup_restore(path=newer))
    assert message == service.NEWER_SCHEMA.format(names="clinic.9999_from_the_future")
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda data: b"not a zip at all", archive.NOT_A_ZIP),
        (lambda data: data[: len(data) // 2], archive.NOT_A_ZIP),
    ],
)
def test_it_refuses_a_file_that_is_not_a_whole_backup(
    full: Practice, tmp_path: Path, damage: Callable[[bytes], bytes], expected: str
) -> None:
    backup_create(out=tmp_path / "practice.zip")
    empty_database()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(damage((tmp_path / "practice.zip").read_bytes()))
    assert refusal(lambda: backup_restore(path=broken)) == expected
    assert not Client.objects.exists()


def test_it_refuses_a_member_its_manifest_does_not_list(full: Practice, tmp_path: Path) -> None:
    backup_create(out=tmp_path / "practice.zip")
    empty_database()
    with zipfile.ZipFile(tmp_path / "practice.zip", "a") as added:
        added.writestr("files/../../etc/cron.d/selfmob", b"* * * * * root true\n")
    message = refusal(lambda: backup_restore(path=tmp_path / "practice.zip"))
    assert message == archive.EXTRA_MEMBER.format(member="files/../../etc/cron.d/selfmob")
    assert not Client.objects.exists()


def test_a_backup_made_before_a_migration_restores(full: Practice, tmp_path: Path) -> None:
    """Made before the rate-count table existed: restore loads the rows at that schema,
    then brings the database up to date."""
    call_command("migrate", "clinic", "0005_session_instrument", verbosity=0)
    try:
        manifest = backup_create(out=tmp_path / "old.zip")
    finally:
        call_command("migrate", verbosity=0)
    # The rows as that schema held them: columns added since (a session's pain at rest)
    # came back empty, as a restore brings them.
    before = everything()
    assert {s.pain_rest for s in Session.objects.all()} == {None}
    then = {table.name for table in manifest.tables}
    assert "clinic_ratecount" not in then
    empty_database()
    backup_restore(path=tmp_path / "old.zip")
    assert everything() == {table: rows if table in then else [] for table, rows in before.items()}


def test_a_backup_moves_to_the_other_database_and_back(full: Practice, tmp_path: Path) -> None:
    """From this run's database into a fresh one of the other kind (SQLite into PostgreSQL,
    or PostgreSQL into SQLite), backed up there, and restored here: every row the same."""
    server = backups.postgres_server()
    before = everything()
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    backup_create(out=first)
    with contextlib.ExitStack() as stack:
        other = (
            ""
            if connection.vendor == "postgresql"
            else stack.enter_context(backups.fresh_postgres(server))
        )
        env = backups.installation(tmp_path / "other", other)
        restored = selfmob("restore", str(first), env=env)
        assert restored.returncode == 0, restored.stderr
        assert selfmob("backup", "--out", str(second), env=env).returncode == 0
    assert backups.manifest(second)["source"]["vendor"] != connection.vendor
    assert backups.digests(second) == backups.digests(first)
    empty_database()
    backup_restore(path=second)
    assert everything() == before
