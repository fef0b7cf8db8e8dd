"""`selfmob backup` and `selfmob restore`: the whole installation in one file, and back.

    selfmob backup --out /var/backups/selfmob/selfmob-2026-11-30.zip
    selfmob restore /var/backups/selfmob/selfmob-2026-11-30.zip

Django is set up only when one of them runs. See docs/deployment.md, "Backup and restore".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfmob.cli.web import setup_django

if TYPE_CHECKING:
    from selfmob.clinic.backup import Manifest
    from selfmob.clinic.errors import InvalidInput


def register(commands: Any) -> None:
    p = commands.add_parser(
        "backup", help="copy the database and stored files into one file, while the app serves"
    )
    p.add_argument("--out", required=True, metavar="FILE", help="the backup file to write")
    p.add_argument(
        "--portable-only",
        action="store_true",
        help="leave out the database's own copy (the SQLite file, or pg_dump's)",
    )
    p.set_defaults(handler=run_backup)

    p = commands.add_parser("restore", help="restore a backup into an empty database")
    p.add_argument("file", metavar="FILE", help="a file written by `selfmob backup`")
    p.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    setup_django()
    from selfmob.clinic.errors import InvalidInput
    from selfmob.clinic.services.backup import backup_create

    try:
        manifest = backup_create(out=Path(args.out), native=not args.portable_only)
    except InvalidInput as exc:
        return _refused(exc)
    rows = sum(table.rows for table in manifest.tables)
    native = f", with {manifest.native}" if manifest.native else ""
    print(
        f"{args.out}: {len(manifest.tables)} tables, {rows} rows and {len(manifest.files)} "
        f"stored files from {manifest.source.vendor}{native}"
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    setup_django()
    from selfmob.clinic.errors import InvalidInput
    from selfmob.clinic.services.backup import backup_restore

    try:
        manifest = backup_restore(path=Path(args.file))
    except InvalidInput as exc:
        return _refused(exc)
    print(_restored(args.file, manifest))
    return 0


def _restored(file: str, manifest: Manifest) -> str:
    made = f"{manifest.source.vendor} {manifest.source.version}, selfmob {manifest.selfmob_version}"
    width = max(len(table.name) for table in manifest.tables)
    lines = [f"Restored {file} (made {manifest.created_at} from {made}):"]
    lines += [f"  {table.name:<{width}}  {table.rows:>8}" for table in manifest.tables]
    lines.append(f"  {'stored files':<{width}}  {len(manifest.files):>8}")
    lines.append("Every table's row count and checksum match the backup's manifest.")
    return "\n".join(lines)


def _refused(exc: InvalidInput) -> int:
    print(f"selfmob: error: {'; '.join(exc.fields.values())}", file=sys.stderr)
    return 2
