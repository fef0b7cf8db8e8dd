"""POST throughput over HTTP: log-session against a bare view inserting one row.

Both run on the same gunicorn server (2 workers, the project's config) on the benchmark
clinic's database (SQLite, or PostgreSQL with DATABASE_URL), loaded by 8 client threads for a
fixed time each; every request pays the same session, CSRF and middleware costs. Run
bench/bench_web.py first (it builds the data). Target: log-session throughput at least half
of the same bare view's behind the sign-in check.
"""

from __future__ import annotations

import http.client
import importlib
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

import bench_web  # sets the environment and Django up, builds the data
from bench_data import clean
from selfmob.clinic.models import Client, PlanItem

PORT, THREADS, SECONDS, ROUNDS = 8765, 8, 5.0, 3


def session_cookie(client: Client) -> str:
    user = client.user
    assert user is not None
    store: SessionBase = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; csrftoken={'a' * 32}"


def load(path: str, body: Callable[[], str], cookie: str, seconds: float = SECONDS) -> int:
    done = 0
    statuses: set[int] = set()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        nonlocal done
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            headers = {"Cookie": cookie, "X-CSRFToken": "a" * 32,
                       "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
            conn.request("POST", path, body(), headers)
            status = conn.getresponse().status
            conn.close()
            statuses.add(status)
            if status in (200, 201, 302):
                with lock:
                    done += 1

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if not done:
        raise SystemExit(f"no successful POST to {path}; statuses: {sorted(statuses)}")
    return done


def main() -> None:
    client = Client.objects.get(email="client0@bench.test")
    item = PlanItem.objects.filter(plan__client=client).first()
    assert item is not None
    cookie = session_cookie(client)
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parent)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench_wsgi:application",
            "--config",
            "python:selfmob.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--no-control-socket",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        today = timezone.localdate().isoformat()

        def session_body() -> str:
            p = item.id.hex
            return (f"{p}-key={uuid.uuid4()}&{p}-performed_on={today}&{p}-pre=50&{p}-post=53"
                    f"&{p}-pain_rest=0&{p}-pain_during=1")  # fmt: skip

        targets = {
            "log-session": (f"/items/{item.id}/sessions", session_body),
            "bare": ("/bench/bare-insert", lambda: ""),
            "signed-in": ("/bench/bare-insert-signed-in", lambda: ""),
        }
        # Interleaved rounds, the median of each: a burst of other work on the machine then
        # moves one round, not one endpoint's figure.
        rounds: dict[str, list[float]] = {name: [] for name in targets}
        for path, body in targets.values():  # warm up: the first requests of a worker are slow
            load(path, body, cookie, seconds=1.0)
        for _ in range(ROUNDS):
            for name, (path, body) in targets.items():
                rounds[name].append(load(path, body, cookie) / SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=10)
        clean(client)
    rate = {name: statistics.median(values) for name, values in rounds.items()}
    print(
        f"| POST over HTTP ({THREADS} threads, median of {ROUNDS} rounds of {SECONDS:.0f} s, "
        f"gunicorn 2 workers, {bench_web.database_label()}) | req/s |"
    )
    print("|---|---:|")
    print(f"| log-session | {rate['log-session']:.0f} |")
    print(f"| bare view inserting one row (baseline) | {rate['bare']:.0f} |")
    print(f"| the same bare view behind the sign-in check | {rate['signed-in']:.0f} |")
    ratios = sorted(a / b for a, b in zip(rounds["log-session"], rounds["signed-in"], strict=True))
    print(f"\nratio to the signed-in bare view {rate['log-session'] / rate['signed-in']:.2f} "
          f"(rounds {', '.join(f'{r:.2f}' for r in ratios)}; target at least 0.5); "
          f"to the bare view without sign-in {rate['log-session'] / rate['bare']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
