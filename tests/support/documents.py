"""Large `selfmob.practice` documents made from a small exported one, written as they are
made (never whole in memory): the import tests and bench/bench_import.py read them back.

Each client of the big document is a copy of one of the template's clients with fresh ids
and e-mails, and its sessions are copies of the template client's sessions, each with a
fresh id and idempotency key, so the document passes every check of the import.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TextIO

Doc = dict[str, Any]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def write_practice(
    template: Doc, out: TextIO, *, clients: int, sessions: int, seed: int = 1
) -> None:
    """`clients` copies of the template's clients (in turn), each with `sessions` sessions."""
    rng = random.Random(seed)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    head = {k: v for k, v in template.items() if k != "clients"}
    out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "clients": [')
    kept = set() if template["coach"] is None else {template["coach"]["id"]}
    for i in range(clients):
        model = template["clients"][i % len(template["clients"])]
        out.write(",\n" if i else "\n")
        _write_client(
            model, out, i, sessions=sessions, rename=_renamer(kept, new_id), new_id=new_id
        )
    out.write("\n  ]\n}\n")


def _renamer(kept: set[str], new_id: Callable[[], str]) -> Callable[[str], str]:
    """Each id of the template client to its own fresh id (the coach keeps theirs)."""
    fresh: dict[str, str] = {}

    def rename(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            old = match[0]
            return old if old in kept else fresh.setdefault(old, new_id())

        return UUID.sub(one, text)

    return rename


def _write_client(
    model: Doc, out: TextIO, index: int, *, sessions: int, rename: Callable[[str], str],
    new_id: Callable[[], str],
) -> None:  # fmt: skip
    client = {k: v for k, v in model.items() if k != "sessions"}
    client["email"] = f"client{index}@big.test"
    if client["account"] is not None:
        client["account"] = client["account"] | {"email": f"client{index}@big.test"}
    text = rename(json.dumps(client, indent=2, ensure_ascii=False))
    out.write(text[:-2] + ',\n  "sessions": [')
    for j, session in zip(range(sessions), _cycle(model["sessions"]), strict=False):
        shaped = session | {"id": new_id(), "idempotency_key": new_id()}
        shaped["plan_item"] = rename(session["plan_item"])
        out.write(("," if j else "") + "\n" + json.dumps(shaped, ensure_ascii=False))
    out.write("\n]}")


def _cycle(records: list[Doc]) -> Iterator[Doc]:
    while records:
        yield from records
