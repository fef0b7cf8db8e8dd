"""The parts of the multi-instance tests (tests/multi) that are not fixtures: starting
`selfmob serve` instances on one PostgreSQL database, seeding it, and a browser-like client."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {
    "SELFMOB_EXPORTS_PER_MINUTE": "10",
    "SELFMOB_LOGIN_FAILURES_PER_ACCOUNT": "5",
    "SELFMOB_LOGIN_FAILURES_PER_ADDRESS": "1000",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Instance:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Cluster:
    a: Instance
    b: Instance
    seed: dict[str, str]
    mail_dir: Path
    store: str

    @property
    def both(self) -> tuple[Instance, Instance]:
        return self.a, self.b


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def environment(database_url: str, tmp: Path, redis: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SELFMOB_", "DJANGO_"))}
    env.update(LIMITS)
    env.update(
        DATABASE_URL=database_url,
        SELFMOB_LOCAL="0",
        SELFMOB_SECRET_KEY="multi-instance-test-secret-" + uuid.uuid4().hex,
        SELFMOB_ALLOWED_HOSTS="127.0.0.1",
        SELFMOB_SECURE_COOKIES="0",
        SELFMOB_SSL_REDIRECT="0",
        SELFMOB_HSTS_SECONDS="0",
        SELFMOB_EMAIL_DIR=str(tmp / "mail"),
        PYTHONUNBUFFERED="1",  # the access log reaches the file line by line
    )
    if redis:
        env["SELFMOB_REDIS_URL"] = redis
    return env


def start(env: dict[str, str], data_dir: Path) -> Instance:
    port = free_port()
    data_dir.mkdir(parents=True)
    log = data_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "selfmob", "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", "2"],
            env={**env, "SELFMOB_DATA_DIR": str(data_dir)}, stdout=out, stderr=subprocess.STDOUT,
            cwd=data_dir,
        )  # fmt: skip
    return Instance(f"http://127.0.0.1:{port}", process, log)


def wait_healthy(instance: Instance, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise RuntimeError(f"{instance.url} exited:\n{instance.text()[-3000:]}")
        try:
            if requests.get(f"{instance.url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{instance.url} did not come up:\n{instance.text()[-3000:]}")


def seed_database(env: dict[str, str]) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "multi" / "seed.py")],
        env={**env, "SELFMOB_LOCAL": "1"}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seed: dict[str, str] = json.loads(done.stdout)
    return seed


class Web:
    """A browser-like client of one instance: cookies, and the CSRF token forms need."""

    def __init__(self, base: str, session: requests.Session | None = None) -> None:
        self.base = base
        self.http = session or requests.Session()

    def on(self, instance: Instance) -> Web:
        """The same cookies, sent to another instance."""
        return Web(instance.url, self.http)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=30, **kwargs)

    def csrf(self) -> str:
        return str(self.http.cookies.get("csrftoken") or "")

    def post_form(self, path: str, data: dict[str, str]) -> requests.Response:
        if "csrftoken" not in self.http.cookies:
            self.get(path)
        data = {**data, "csrfmiddlewaretoken": self.csrf()}
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=30)

    def login(self, email: str, password: str) -> requests.Response:
        self.get("/login")
        return self.post_form("/login", {"username": email, "password": password})


def api(instance: Instance, token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session
