"""The audit trail in tests: Django's flush (the teardown of transactional tests, e.g. the
browser tests' live server) must empty every table, which the trail's triggers refuse on
SQLite, where a flush is DELETE (on PostgreSQL it is TRUNCATE, which no row trigger sees)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django.db.backends.sqlite3.base  # noqa: F401 (first: it imports operations without a cycle)
from django.db.backends.sqlite3.operations import DatabaseOperations

TABLE = "clinic_auditentry"
TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"


def let_flush_empty_the_trail() -> None:
    """Around a flush on SQLite, and only then, the trail's triggers step aside: dropped,
    and made again from their own stored SQL after the tables are empty."""
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: DatabaseOperations, sql_list: Sequence[str]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(TRIGGERS, [TABLE])
            triggers: list[tuple[str, str]] = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                for _, sql in triggers:
                    cursor.execute(sql)

    patched: Any = execute_sql_flush
    DatabaseOperations.execute_sql_flush = patched  # type: ignore[method-assign]
