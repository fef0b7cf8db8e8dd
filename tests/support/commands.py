"""The `selfmob` command: its result when run in process, and running it as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SELFMOB = Path(sys.executable).with_name("selfmob")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SELFMOB_", "DATABASE_URL"))}
    return base | {"SELFMOB_DATA_DIR": str(data_dir)} | extra


def selfmob(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SELFMOB), *argv], capture_output=True, text=True, env=env, check=False
    )
