"""`selfmob demo` and `selfmob serve` as a user runs them: real processes, a real server."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SELFMOB = Path(sys.executable).with_name("selfmob")


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SELFMOB_", "DATABASE_URL"))}
    return base | {"SELFMOB_DATA_DIR": str(data_dir)} | extra


def selfmob(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SELFMOB), *argv], capture_output=True, text=True, env=env, check=False
    )


def test_demo_loads_once(tmp_path: Path) -> None:
    first = selfmob("demo", env=env_for(tmp_path))
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded: coach@demo.test" in first.stdout
    again = selfmob("demo", env=env_for(tmp_path))
    assert "already present" in again.stdout


def test_demo_refuses_in_production(tmp_path: Path) -> None:
    production = env_for(
        tmp_path,
        SELFMOB_DEBUG="0",
        SELFMOB_SECRET_KEY=secrets.token_urlsafe(50),
        SELFMOB_ALLOWED_HOSTS="selfmob.example",
    )
    result = selfmob("demo", env=production)
    assert result.returncode == 2
    assert (
        result.stderr
        == "selfmob: error: refusing to load demo data with DEBUG off (SELFMOB_DEBUG=0)\n"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_the_given_port(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(SELFMOB), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env_for(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/healthz", seconds=30)
        assert json.loads(body) == {"ok": True}
        assert (tmp_path / "selfmob.sqlite3").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get_when_up(url: str, *, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
