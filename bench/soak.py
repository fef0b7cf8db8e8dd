"""Soak and crash harness: N concurrent clients log sessions for T seconds through the API
and through the Today form, against one or two real app instances (`selfmob serve`, 2
workers each, DEBUG off) on SQLite or PostgreSQL; optionally `kill -9` of an instance's whole
process group halfway and a restart on the same port. Every request has its own idempotency
key; a request that fails is retried with the same key until it is acknowledged or time is
up. At the end the database is read directly and compared with what was acknowledged.

    python bench/soak.py [--clients 20] [--seconds 30] [--instances 2] [--kill]
                         [--database-url postgres://user:pw@host:5432/postgres] [--json]

Prints acknowledged, stored, missing (acknowledged but not stored: must be 0), errors, p50 and
p95 latency. With --database-url it makes a fresh database on that server and drops it after.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

HERE = Path(__file__).resolve().parent
GRACE = 30.0  # seconds after the end in which failed requests are still retried


@dataclass
class Instance:
    port: int
    folder: Path
    """Where its log goes."""
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.folder / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "selfmob", "serve", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder,
            start_new_session=True,  # its own process group: kill -9 takes the workers too
        )  # fmt: skip
        log.close()

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise SystemExit(f"{self.url} exited; see {self.folder / 'server.log'}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.url} did not come up; see {self.folder / 'server.log'}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)


@dataclass
class Tally:
    acknowledged: set[str] = field(default_factory=set)
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self, key: str, started: float) -> None:
        with self.lock:
            self.acknowledged.add(key)
            self.latencies_ms.append((time.monotonic() - started) * 1000)

    def error(self) -> None:
        with self.lock:
            self.errors += 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SELFMOB_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        SELFMOB_LOCAL="0", SELFMOB_SECRET_KEY="soak-" + uuid.uuid4().hex * 2,
        SELFMOB_ALLOWED_HOSTS="127.0.0.1", SELFMOB_SECURE_COOKIES="0", SELFMOB_SSL_REDIRECT="0",
        SELFMOB_HSTS_SECONDS="0", SELFMOB_DATA_DIR=str(data_dir), SELFMOB_EMAIL_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )  # fmt: skip
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def seed(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, str(HERE / "soak_seed.py"), *args],
        env={**env, "SELFMOB_LOCAL": "1"}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def session_fields(key: str) -> dict[str, Any]:
    return {"idempotency_key": key, "performed_on": date.today().isoformat(),
            "pain_rest": 0, "pre": 10.0, "post": 11.0, "pain_during": 1}  # fmt: skip


class Client:
    """One person logging sessions, in turn through the API and through the Today form."""

    def __init__(self, info: dict[str, str], instances: list[Instance], n: int) -> None:
        self.info, self.instances, self.n = info, instances, n
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {info['token']}"
        self.web = requests.Session()
        self.signed_in_at: str | None = None

    def instance(self, turn: int) -> Instance:
        return self.instances[(self.n + turn) % len(self.instances)]

    def send(self, key: str, turn: int) -> bool:
        """True when this attempt was acknowledged."""
        base = self.instance(turn).url
        if turn % 2 == 0:
            url = f"{base}/api/v1/items/{self.info['item_id']}/sessions"
            answer = self.api.post(url, json=session_fields(key), timeout=10)
            return answer.status_code in (200, 201)
        self.sign_in(base)
        prefix = uuid.UUID(self.info["item_id"]).hex
        data = {f"{prefix}-key" if k == "idempotency_key" else f"{prefix}-{k}": v
                for k, v in session_fields(key).items()}  # fmt: skip
        data["csrfmiddlewaretoken"] = self.web.cookies.get("csrftoken") or ""
        answer = self.web.post(f"{base}/items/{self.info['item_id']}/sessions", data=data,
                               allow_redirects=False, timeout=10)  # fmt: skip
        return answer.status_code == 302 and "/sessions/" in answer.headers.get("Location", "")

    def sign_in(self, base: str) -> None:
        if self.signed_in_at == base:
            return
        self.web.get(f"{base}/login", timeout=10)
        form = {"username": self.info["email"], "password": self.info["password"],
                "csrfmiddlewaretoken": self.web.cookies.get("csrftoken") or ""}  # fmt: skip
        answer = self.web.post(f"{base}/login", data=form, allow_redirects=False, timeout=10)
        if answer.status_code != 302:
            raise requests.ConnectionError(f"log-in answered {answer.status_code}")
        self.signed_in_at = base

    def run(self, until: float, tally: Tally) -> None:
        turn = 0
        while time.monotonic() < until:
            key, started = str(uuid.uuid4()), time.monotonic()
            while time.monotonic() < until + GRACE:  # the same key until acknowledged
                try:
                    if self.send(key, turn):
                        tally.ack(key, started)
                        break
                except requests.RequestException:
                    self.signed_in_at = None
                tally.error()
                time.sleep(0.05)
            turn += 1


def killer(instance: Instance, at: float, log: dict[str, float]) -> None:
    time.sleep(max(0.0, at - time.monotonic()))
    instance.kill()
    killed = time.monotonic()
    instance.start()
    instance.wait_healthy()
    log["down_seconds"] = time.monotonic() - killed


def fresh_database(server: str) -> str:
    name = f"selfmob_soak_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(urlunsplit(urlsplit(server)._replace(path="/postgres")),
                         autocommit=True) as conn:  # fmt: skip
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")),
                         autocommit=True) as conn:  # fmt: skip
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def soak(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    database_url = fresh_database(args.database_url) if args.database_url else ""
    instances: list[Instance] = []
    try:
        # The instances share one data folder, as one host running two would: on SQLite one
        # database file, and the static files collected once. Each logs in a folder of its own.
        env = environment(database_url, work)
        for n in range(args.instances):
            folder = work / f"i{n}"
            folder.mkdir()
            instances.append(Instance(free_port(), folder, env))
        for instance in instances:
            instance.start()
        for instance in instances:
            instance.wait_healthy()
        people = [Client(info, instances, n)
                  for n, info in enumerate(seed(env, "clients", str(args.clients)))]  # fmt: skip
        tally, kill_log = Tally(), dict[str, float]()
        start = time.monotonic()
        until = start + args.seconds
        threads = [threading.Thread(target=p.run, args=(until, tally)) for p in people]
        if args.kill:
            halfway = start + args.seconds / 2
            threads.append(threading.Thread(target=killer, args=(instances[0], halfway, kill_log)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
        stored = set(seed(env, "keys"))
    finally:
        for instance in instances:
            instance.stop()
        if database_url:
            drop_database(database_url)
    latencies = sorted(tally.latencies_ms) or [0.0]
    return {
        "database": "PostgreSQL" if database_url else "SQLite",
        "instances": args.instances, "clients": args.clients, "seconds": args.seconds,
        "killed": bool(args.kill), "down_seconds": round(kill_log.get("down_seconds", 0.0), 1),
        "acknowledged": len(tally.acknowledged),
        "stored": len(stored),
        "missing": len(tally.acknowledged - stored),
        "stored_not_acknowledged": len(stored - tally.acknowledged),
        "errors": tally.errors,
        "per_second": round(len(tally.acknowledged) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--instances", type=int, choices=(1, 2), default=2)
    parser.add_argument("--kill", action="store_true", help="kill -9 an instance halfway")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (any database)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="selfmob-soak-") as work:
        result = soak(args, Path(work))
    if args.json:
        print(json.dumps(result))
    else:
        print("| " + " | ".join(result) + " |")
        print("|" + "---|" * len(result))
        print("| " + " | ".join(str(v) for v in result.values()) + " |")
    return 0 if result["missing"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
