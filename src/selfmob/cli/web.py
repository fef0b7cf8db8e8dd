"""Web commands: `manage` (any Django command), `serve`. Django is imported only here."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

DEFAULT_BIND = "127.0.0.1:8000"


def register(commands: Any) -> None:
    p = commands.add_parser("manage", help="run a Django management command (migrate, ...)")
    p.add_argument("args", nargs=argparse.REMAINDER, help="the command and its options")
    p.set_defaults(handler=run_manage)

    p = commands.add_parser(
        "migrate", help="bring the database up to date (safe to run from several hosts at once)"
    )
    p.set_defaults(handler=run_migrate)

    p = commands.add_parser("demo", help="load a demo coach and three clients (local profile only)")
    p.set_defaults(handler=run_demo)

    p = commands.add_parser(
        "serve", help="migrate (under a lock), then serve the web app with gunicorn"
    )
    p.add_argument("--bind", default=DEFAULT_BIND, help=f"address:port (default {DEFAULT_BIND})")
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    p.set_defaults(handler=run_serve)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfmob.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)


def run_migrate(args: argparse.Namespace) -> int:
    setup_django()
    from selfmob.clinic.migrating import migrate_locked

    migrate_locked()
    print("selfmob: the database is up to date", file=sys.stderr)
    return 0


def run_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["selfmob manage", *args.args])
    return 0


def run_demo(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from selfmob.clinic.demo import COACH_EMAIL, PASSWORD, STORIES, DemoRefused, demo_load
    from selfmob.clinic.migrating import migrate_locked

    try:
        migrate_locked()
        created = demo_load(today=timezone.localdate())
    except DemoRefused as exc:
        print(f"selfmob: error: {exc}", file=sys.stderr)
        return 2
    state = "loaded" if created else "already present"
    emails = ", ".join([COACH_EMAIL, *(s.email for s in STORIES)])
    print(f"Demo data {state}: {emails} (password: {PASSWORD})")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    setup_django()
    from selfmob.clinic.migrating import migrate_locked

    migrate_locked(static=True)
    argv = [
        sys.executable, "-m", "gunicorn", "selfmob.wsgi:application",
        "--config", "python:selfmob.gunicorn_conf", "--bind", args.bind,
        "--workers", str(args.workers), "--no-control-socket",
        "--access-logfile", "-",
    ]  # fmt: skip
    print(f"selfmob: serving on http://{args.bind}", file=sys.stderr)
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover - execv does not return
