"""Export of one client with 1,000 sessions: FHIR R4 Bundle and the PDF progress report.

Builds (once, into var/bench-export) a screened client with an assessment, a plan and 1,000
daily sessions, then renders each export in a fresh process several times and reports the
median and worst time and the process's peak memory (the kernel's high-water mark of
resident memory, VmHWM, which includes the interpreter, Django and, for the PDF,
WeasyPrint). The first run in each
process pays the imports (WeasyPrint about 0.9 s) and is reported on its own. Targets: under
1 s for FHIR and under 3 s for the PDF report.

    python bench/bench_export.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "var" / "bench-export"
SESSIONS = 1000
ENV = {
    "SELFMOB_DATA_DIR": str(DATA),
    "SELFMOB_LOCAL": "0",
    "SELFMOB_SECRET_KEY": secrets.token_urlsafe(50),
    "SELFMOB_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SETTINGS_MODULE": "selfmob.settings",
}

MEASURE = """
import json, sys, time
import django
django.setup()
from django.utils import timezone
from selfmob.clinic.exports.formats import Options, render_client
from selfmob.clinic.models import Client

fmt, pdf, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = Client.objects.get(email="export@bench.test")
options = Options(base_url="http://127.0.0.1:8000", plan_url="http://127.0.0.1:8000/today",
                  today=timezone.localdate(), pdf=pdf)
times, size = [], 0
for _ in range(runs + 1):
    start = time.perf_counter()
    size = len(render_client(client, fmt, options).body)
    times.append(time.perf_counter() - start)
# VmHWM is this process's own peak (ru_maxrss would include the parent's: it survives exec)
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"first": times[0], "later": times[1:], "bytes": size, "peak_mb": peak}))
"""


def build() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(Path(__file__).parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from bench_data import TODAY, session_row
    from selfmob.clinic.models import Client, Session
    from selfmob.clinic.services.accounts import client_create, coach_signup
    from selfmob.clinic.services.assessments import MeasurementInput, assessment_record
    from selfmob.clinic.services.plans import ItemInput, plan_create
    from selfmob.clinic.services.screening import screening_record
    from selfmob.knowledge.catalogue import load_catalogue
    from selfmob.knowledge.rules.screen import questions

    DATA.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    if Client.objects.filter(email="export@bench.test").exists():
        return
    print("building the 1,000-session client (once)...", file=sys.stderr)
    start = TODAY - timedelta(days=SESSIONS)
    with transaction.atomic():
        coach = coach_signup(email="coach@export.test", password="bench-password-1", name="C")
        client = client_create(coach=coach, name="Export Client", email="export@bench.test",
                               birth_year=1985, sex="f")  # fmt: skip
        answers = {q.id: False for q in questions(load_catalogue())}
        screening_record(client=client, answers=answers, neck=False, recorded_by=coach)
        rows = [MeasurementInput("wrist-extension", side, [v, v + 1], "goniometer")
                for side, v in (("left", 48.0), ("right", 66.0))]  # fmt: skip
        assessment_record(client=client, recorded_by=coach, measured_on=start,
                          measured_by="C", measurements=rows, today=TODAY)  # fmt: skip
        item = ItemInput("wrist-hand-volar-glide", "wrist-extension", "left", every_days=1)
        plan = plan_create(client=client, created_by=coach, starts_on=start, ends_on=None,
                           items=[item])  # fmt: skip
        rng = random.Random(11)
        made = plan.items.get()
        Session.objects.bulk_create(
            session_row(client, made, days, rng) for days in range(1, SESSIONS + 1)
        )


def measure(fmt: str, pdf: str, runs: int) -> dict[str, object]:
    env = os.environ | ENV | {"PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", MEASURE, fmt, pdf, str(runs)], env=env,
                         check=True, capture_output=True, text=True)  # fmt: skip
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    build()
    print(f"| export of a client with {SESSIONS:,} sessions ({runs} runs, fresh process) "
          "| median s | max s | first run s | size | peak memory |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    for label, fmt, pdf in (("FHIR R4 Bundle (JSON)", "fhir", "plan"),
                            ("PDF progress report (A4)", "pdf", "progress"),
                            ("PDF plan handout (A4)", "pdf", "plan")):  # fmt: skip
        r = measure(fmt, pdf, runs)
        later = r["later"]
        assert isinstance(later, list)
        print(f"| {label} | {statistics.median(later):.2f} | {max(later):.2f} "
              f"| {r['first']:.2f} | {int(r['bytes']) / 1e6:.1f} MB | {r['peak_mb']:.0f} MB |")  # type: ignore[call-overload]  # fmt: skip
    print("\nTargets: FHIR under 1 s, PDF report under 3 s.")


if __name__ == "__main__":
    main()
