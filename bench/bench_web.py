"""Server-side timings of the web app on a large clinic (issue 3).

Generates (once, into SELFMOB_DATA_DIR, default ./var/bench) 50 coaches, 2,000 clients and
200,000 sessions: coach 0 has 200 clients, client 0 has 300 sessions. Rows are bulk-inserted
(the services would take an hour); the pages then run through Django's full request stack,
in-process, with DEBUG off, on the SQLite file, or on PostgreSQL when DATABASE_URL is set.
Sessions are the shared kind the app uses (database, or Redis with SELFMOB_REDIS_URL).
Reports median and p95 per page and the query count. Target: p95 under 50 ms. POST
throughput is measured over HTTP by bench/bench_http.py.

    python bench/bench_web.py [--runs N]
    DATABASE_URL=postgres://… python bench/bench_web.py
"""

from __future__ import annotations

import argparse
import gc
import os
import secrets
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SELFMOB_DATA_DIR") or ROOT / "var" / "bench")
os.environ.update(
    SELFMOB_DATA_DIR=str(DATA),
    SELFMOB_LOCAL="0",
    SELFMOB_SECRET_KEY=secrets.token_urlsafe(50),
    SELFMOB_ALLOWED_HOSTS="testserver,127.0.0.1",
    SELFMOB_SSL_REDIRECT="0",
    SELFMOB_SECURE_COOKIES="0",
    DJANGO_SETTINGS_MODULE="selfmob.settings",
)
sys.path.insert(0, str(Path(__file__).parent))
DATA.mkdir(parents=True, exist_ok=True)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.ROOT_URLCONF = "bench_urls"

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench_data import TODAY, clean, generate  # noqa: E402
from selfmob.clinic.models import Client, PlanItem, User  # noqa: E402


def timed(request: Callable[[], object], runs: int) -> tuple[list[float], int]:
    with CaptureQueriesContext(connection) as queries:
        request()
        count = len(queries.captured_queries)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        request()
        samples.append((time.perf_counter() - start) * 1000)
    return samples, count


def database_label() -> str:
    """What the figures ran on, for the tables' headings."""
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        connection.vendor, connection.vendor
    )
    return f"{name}, Redis" if settings.REDIS_URL else name


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    generate()
    coach = User.objects.get(email="coach0@bench.test")
    client = Client.objects.get(email="client0@bench.test")
    clean(client)
    item = PlanItem.objects.filter(plan__client=client).first()
    assert item is not None and client.user is not None
    as_coach, as_client = HttpClient(), HttpClient()
    as_coach.force_login(coach)
    as_client.force_login(client.user)
    as_client.get("/today")  # warm up, then freeze as selfmob.gunicorn_conf does in workers
    gc.collect()
    gc.freeze()

    def post() -> object:
        fields = {"key": str(uuid.uuid4()), "performed_on": TODAY.isoformat(), "pre": "50",
                  "post": "53", "pain_rest": "0", "pain_during": "1"}  # fmt: skip
        data = {f"{item.id.hex}-{k}": v for k, v in fields.items()}
        response = as_client.post(f"/items/{item.id}/sessions", data)
        assert response.status_code == 302, response.status_code
        return response

    def bare() -> object:
        return as_client.post("/bench/bare-insert")

    rows = [
        ("today page (client)", lambda: as_client.get("/today")),
        ("log-session POST", post),
        (
            "progress page, client with 300 sessions",
            lambda: as_client.get(f"/clients/{client.id}/progress"),
        ),
        ("dashboard, coach with 200 clients", lambda: as_coach.get("/coach")),
        ("bare view inserting one row (baseline)", bare),
    ]
    print(
        f"| request ({runs} runs, in-process, {database_label()}, DEBUG off) "
        "| median ms | p95 ms | queries |"
    )
    print("|---|---:|---:|---:|")
    results = {}
    for name, request in rows:
        samples, queries = timed(request, runs)
        results[name] = samples
        print(f"| {name} | {statistics.median(samples):.1f} | {p95(samples):.1f} | {queries} |")
    clean(client)
    print("\nIn-process, a bare view skips the HTTP server's own cost: compare POST "
          "throughput over HTTP with bench/bench_http.py.")  # fmt: skip


if __name__ == "__main__":
    main()
