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

PORT, THREADS, SECONDS = 8765, 8, 5.0


def session_cookie(client: Client) -> str:
    user = client.user
    assert user is not None
    store: SessionBase = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; csrftoken={'a' * 32}"


def load(path: str, body: Callable[[], str], cookie: str) -> int:
    done = 0
    statuses: set[int] = set()
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

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
                    f"&{p}-pain_during=1")  # fmt: skip

        posts = load(f"/items/{item.id}/sessions", session_body, cookie)
        bare = load("/bench/bare-insert", lambda: "", cookie)
        signed_in = load("/bench/bare-insert-signed-in", lambda: "", cookie)
    finally:
        server.terminate()
        server.wait(timeout=10)
        clean(client)
    post_rate, bare_rate = posts / SECONDS, bare / SECONDS
    print(
        f"| POST over HTTP ({THREADS} threads, {SECONDS:.0f} s each, gunicorn 2 workers, "
        f"{bench_web.database_label()}) | req/s |"
    )
    print("|---|---:|")
    print(f"| log-session | {post_rate:.0f} |")
    print(f"| bare view inserting one row (baseline) | {bare_rate:.0f} |")
    print(f"| the same bare view behind the sign-in check | {signed_in / SECONDS:.0f} |")
    print(f"\nratio to the signed-in bare view {posts / signed_in:.2f} (target at least 0.5); "
          f"to the bare view without sign-in {post_rate / bare_rate:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
