"""What the import keeps of each record between reading it and writing it: ids, keys and
e-mails with the path of each, the references between records, and the problems found.

They are kept in a private temporary SQLite database (Python's `sqlite3`, not Django's
connection) that lives on disk beyond a small page cache, so that checking a document of any
size takes a few MiB of memory; the rules between records become queries over it. Ids are
stored as text (`str(uuid)`), e-mails in lower case.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from types import TracebackType
from typing import Any

SCHEMA = """
CREATE TABLE problem (phase INTEGER, seq INTEGER, path TEXT, message TEXT);
CREATE TABLE key (kind TEXT, value TEXT, seq INTEGER, path TEXT);
CREATE TABLE client (idx INTEGER PRIMARY KEY, id TEXT);
CREATE TABLE account (client INTEGER, id TEXT, role TEXT, seq INTEGER, path TEXT);
CREATE TABLE user_ref (client INTEGER, user TEXT, seq INTEGER, path TEXT);
CREATE TABLE item (client INTEGER, id TEXT, technique TEXT, test TEXT, side TEXT);
CREATE TABLE item_ref (client INTEGER, item TEXT, technique TEXT, test TEXT, side TEXT,
                       seq INTEGER, path TEXT);
"""
INDEXES = """
CREATE INDEX key_value ON key (kind, value);
CREATE INDEX account_id ON account (id);
CREATE INDEX item_id ON item (client, id);
"""
INSERTS = {
    table: f"INSERT INTO {table} VALUES ({', '.join('?' * columns)})"
    for table, columns in (("problem", 4), ("key", 4), ("client", 2), ("account", 5),
                           ("user_ref", 4), ("item", 5), ("item_ref", 7))
}  # fmt: skip
PENDING = 1000  # rows kept in memory before they go to the database
CHUNK = 500  # values per `IN (...)` query of the real database

TWICE = """
SELECT seq, path, kind FROM key AS k WHERE kind IN ({kinds}) AND EXISTS (
    SELECT 1 FROM key AS first
    WHERE first.kind = k.kind AND first.value = k.value AND first.rowid < k.rowid)
"""
UNKNOWN_USERS = """
SELECT seq, path FROM user_ref AS r WHERE NOT EXISTS (
    SELECT 1 FROM account AS a WHERE a.id = r.user AND a.client IN (r.client, -1))
"""
ITEM_MISMATCHES = """
SELECT seq, path, EXISTS (SELECT 1 FROM item AS i WHERE i.client = r.client AND i.id = r.item)
FROM item_ref AS r WHERE NOT EXISTS (
    SELECT 1 FROM item AS i WHERE i.client = r.client AND i.id = r.item
    AND i.technique = r.technique AND i.test = r.test AND i.side IS r.side)
"""


class PracticeIndex:
    """A context manager; the database is deleted when it closes."""

    def __init__(self) -> None:
        # "": a private temporary database, on disk beyond its page cache (2 MiB by default)
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        self._pending: dict[str, list[tuple[Any, ...]]] = {table: [] for table in INSERTS}
        self._indexed = False

    def __enter__(self) -> PracticeIndex:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._db.close()

    # What the records hold

    def problem(self, phase: int, seq: int, path: str, message: str) -> None:
        self._add("problem", phase, seq, path, message)

    def key(self, kind: str, value: str | uuid.UUID, seq: int, path: str) -> None:
        """An id (`kind` its table), an idempotency key or an e-mail, which must be unique."""
        self._add("key", kind, str(value), seq, path)

    def client(self, index: int, client_id: uuid.UUID) -> None:
        self._add("client", index, str(client_id))

    def account(self, client: int, user_id: uuid.UUID, role: str, seq: int, path: str) -> None:
        """A client's account (the coach's: `client` -1), `path` that of its role."""
        self._add("account", client, str(user_id), role, seq, path)

    def user_ref(self, client: int, user_id: uuid.UUID, seq: int, path: str) -> None:
        self._add("user_ref", client, str(user_id), seq, path)

    def item(
        self, client: int, item_id: uuid.UUID, technique: str, test: str, side: str | None
    ) -> None:
        self._add("item", client, str(item_id), technique, test, side)

    def item_ref(self, client: int, item_id: uuid.UUID, facts: tuple[str, str, str | None],
                 seq: int, path: str) -> None:  # fmt: skip
        """A session's plan item, and the technique, test and side it says the item has."""
        self._add("item_ref", client, str(item_id), *facts, seq, path)

    # The rules between records

    def twice(self, kinds: list[str]) -> Iterator[tuple[int, str, str]]:
        """Each second (third...) occurrence of a value of these kinds: seq, path, kind."""
        marks = ", ".join("?" * len(kinds))
        yield from self._query(TWICE.format(kinds=marks), *kinds)

    def accounts_not(self, role: str) -> Iterator[tuple[int, str]]:
        """The clients' accounts (not the coach's) whose role is another."""
        yield from self._query(
            "SELECT seq, path FROM account WHERE client >= 0 AND role != ?", role
        )

    def unknown_users(self) -> Iterator[tuple[int, str]]:
        """References to a user who is neither the coach nor the client's account."""
        yield from self._query(UNKNOWN_USERS)

    def item_mismatches(self) -> Iterator[tuple[int, str, bool]]:
        """Sessions whose item is not one of the client's (False) or has other facts (True)."""
        for seq, path, known in self._query(ITEM_MISMATCHES):
            yield seq, path, bool(known)

    # For the database

    def keys(self, kind: str) -> Iterator[list[tuple[str, int, str]]]:
        """The values of one kind with where each is, a chunk at a time."""
        cursor = self._cursor(
            "SELECT value, seq, path FROM key WHERE kind = ? ORDER BY rowid", kind
        )
        while chunk := cursor.fetchmany(CHUNK):
            yield chunk

    def client_id(self, index: int) -> uuid.UUID:
        """The id of the client at this index of the document; `KeyError` if none."""
        found = self._cursor("SELECT id FROM client WHERE idx = ?", index).fetchone()
        if found is None:
            raise KeyError(index)
        return uuid.UUID(found[0])

    def client_ids(self) -> Iterator[list[uuid.UUID]]:
        cursor = self._cursor("SELECT id FROM client ORDER BY idx")
        while chunk := cursor.fetchmany(CHUNK):
            yield [uuid.UUID(client_id) for (client_id,) in chunk]

    def problems(self, shown: int) -> tuple[list[tuple[str, str]], int]:
        """The first problems of the earliest phase that has any, in the document's order,
        and how many that phase has."""
        (phase,) = self._cursor("SELECT min(phase) FROM problem").fetchone()
        (count,) = self._cursor("SELECT count(*) FROM problem WHERE phase = ?", phase).fetchone()
        first = self._cursor(
            "SELECT path, message FROM problem WHERE phase = ? ORDER BY seq, rowid LIMIT ?",
            phase, shown,
        )  # fmt: skip
        return [(path, message) for path, message in first], count

    def _add(self, table: str, *row: Any) -> None:
        pending = self._pending[table]
        pending.append(row)
        if len(pending) >= PENDING:
            self._flush()

    def _flush(self) -> None:
        for table, rows in self._pending.items():
            self._db.executemany(INSERTS[table], rows)
            rows.clear()

    def _cursor(self, sql: str, *params: Any) -> sqlite3.Cursor:
        self._flush()
        if not self._indexed:  # once all is written: building an index then is a sort
            self._db.executescript(INDEXES)
            self._indexed = True
        return self._db.execute(sql, params)

    def _query(self, sql: str, *params: Any) -> Iterator[Any]:
        yield from self._cursor(sql, *params)
