"""A short, bounded run of the soak and crash harness (bench/soak.py) on both databases: two
instances, clients logging through the API and the form, one instance killed with SIGKILL
halfway and restarted. Everything acknowledged must be stored."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.support.multi import ROOT


def soak(*extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--clients", "5", "--seconds", "8",
         "--instances", "2", "--kill", "--json", *extra],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_nothing_acknowledged_is_lost_when_an_instance_is_killed(
    database: str, server_url: str
) -> None:
    result = soak(*(["--database-url", server_url] if database == "postgresql" else []))
    assert result["killed"] is True
    assert result["acknowledged"] > 0
    assert result["missing"] == 0, result
    assert result["stored"] == result["acknowledged"] + result["stored_not_acknowledged"], result
