"""`selfmob backup` and `selfmob restore`: what they print, their refusals (exit 2, one line),
and, as real processes, a backup taken while another process keeps logging sessions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from selfmob.clinic import backup as archive
from selfmob.clinic.models import Client
from selfmob.clinic.services import backup as service
from tests.support import backups
from tests.support.commands import Run, selfmob
from tests.support.factories import build_practice

pytestmark = pytest.mark.django_db(transaction=True)

Invoke = Callable[..., Run]


@pytest.fixture
def made(run: Invoke, tmp_path: Path) -> Path:
    """A backup of a whole practice, taken with the command."""
    build_practice()
    assert run("backup", "--out", str(tmp_path / "practice.zip")).code == 0
    return tmp_path / "practice.zip"


def empty_database() -> None:
    call_command("flush", interactive=False, verbosity=0)


def test_backup_says_what_it_wrote(run: Invoke, tmp_path: Path) -> None:
    build_practice()
    out = tmp_path / "practice.zip"
    done = run("backup", "--out", str(out))
    tables = backups.manifest(out)["tables"]
    rows = sum(table["rows"] for table in tables)
    expected = f"{len(tables)} tables, {rows} rows and 0 stored files from sqlite"
    assert (done.code, done.err) == (0, "")
    assert done.out == f"{out}: {expected}, with native/selfmob.sqlite3\n"


def test_backup_portable_only_leaves_the_database_file_out(run: Invoke, tmp_path: Path) -> None:
    build_practice()
    out = tmp_path / "practice.zip"
    assert run("backup", "--out", str(out), "--portable-only").code == 0
    assert backups.manifest(out)["native"] is None


def test_restore_lists_every_table_with_its_rows(run: Invoke, made: Path) -> None:
    empty_database()
    done = run("restore", str(made))
    assert (done.code, done.err) == (0, "")
    lines = done.out.splitlines()
    listed = {line.split()[0]: int(line.split()[1]) for line in lines[1:-2]}
    assert listed == {table: count for table, (count, _) in backups.digests(made).items()}
    assert lines[-2].split() == ["stored", "files", "0"]
    assert lines[-1] == "Every table's row count and checksum match the backup's manifest."


def test_restore_into_a_database_with_data_exits_2(run: Invoke, made: Path) -> None:
    count = Client.objects.count()
    done = run("restore", str(made))
    assert (done.code, done.out) == (2, "")
    assert done.err.startswith("selfmob: error: the database is not empty (")
    assert done.err.endswith("; nothing was changed\n")
    assert Client.objects.count() == count


def test_restore_of_a_changed_file_exits_2(run: Invoke, made: Path, tmp_path: Path) -> None:
    empty_database()
    member = "tables/clinic_client.jsonl"
    changed = backups.rewrite(
        made,
        tmp_path / "changed.zip",
        lambda name, data: data.replace(b"Ana", b"Eve") if name == member else data,
    )
    done = run("restore", str(changed))
    assert done.code == 2
    assert done.err == f"selfmob: error: {archive.DAMAGED.format(member=member)}\n"
    assert not Client.objects.exists()


def test_restore_of_a_missing_file_exits_2(run: Invoke, tmp_path: Path) -> None:
    done = run("restore", str(tmp_path / "nothing.zip"))
    reason = "No such file or directory"
    message = archive.CANNOT_READ.format(path=tmp_path / "nothing.zip", reason=reason)
    assert (done.code, done.err) == (2, f"selfmob: error: {message}\n")


def test_backup_into_a_missing_folder_exits_2(run: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "practice.zip"
    done = run("backup", "--out", str(out))
    message = service.CANNOT_WRITE.format(path=out, reason="no such folder, or a folder")
    assert (done.code, done.err) == (2, f"selfmob: error: {message}\n")


def test_backup_needs_out(run: Invoke) -> None:
    done = run("backup")
    assert done.code == 2
    assert done.err.endswith("error: the following arguments are required: --out\n")


def test_a_backup_taken_while_a_process_writes_holds_what_was_acknowledged(
    tmp_path: Path,
) -> None:
    """As in production: a process keeps logging sessions while `selfmob backup` runs in
    another; every session acknowledged before the backup started is in it, and it restores
    into a fresh installation."""
    env = backups.installation(tmp_path / "live")
    with backups.start_writer(env) as writer:
        try:
            before = set(backups.acknowledged(writer, 20))
            made = selfmob("backup", "--out", str(tmp_path / "live.zip"), env=env)
            assert made.returncode == 0, made.stderr
            backups.acknowledged(writer, 20)  # and the writer went on, never refused
        finally:
            writer.terminate()
    stored = set(backups.column(tmp_path / "live.zip", "clinic_session", "id"))
    assert before <= stored
    fresh = backups.installation(tmp_path / "fresh")
    restored = selfmob("restore", str(tmp_path / "live.zip"), env=fresh)
    assert restored.returncode == 0, restored.stderr
    assert f"clinic_session {len(stored)}" in " ".join(restored.stdout.split())
