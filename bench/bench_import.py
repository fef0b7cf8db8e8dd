"""`selfmob import` of a ~200 MB practice document: time and peak memory.

Exports the small practice of the tests (tests/support/factories.py), writes a big document
from it (tests/support/documents.py: 200 clients, their sessions filling the size), then
imports it with `selfmob import FILE` into a fresh SQLite database in a temporary folder, in
a fresh process under a small parent that reads the child's peak resident memory
(`getrusage(RUSAGE_CHILDREN).ru_maxrss`: the whole process, interpreter and Django included)
and its CPU time (user and system: less sensitive than the wall clock to other work on the
machine). Settings as in production (DEBUG off). With `--compare REV` the import of that git
revision (its `src/` taken with `git archive`) runs on the same file too, for a before and
after: `--compare 669f5c8` is the import that read the whole file.

    python bench/bench_import.py [--mb 200] [--compare REV]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLIENTS = 200
ENV = {
    "SELFMOB_LOCAL": "0",
    "SELFMOB_SECRET_KEY": secrets.token_urlsafe(50),
    "SELFMOB_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SETTINGS_MODULE": "selfmob.settings",
}

# A small parent: its own peak is not the child's (a fork of a big process would carry its
# high-water mark into the child's ru_maxrss).
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": done.returncode, "out": done.stdout + done.stderr, "seconds": seconds,
                  "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}))
"""


def template(work: Path) -> dict[str, object]:
    """The tests' practice, exported: two clients with every kind of record."""
    os.environ.update(ENV | {"SELFMOB_DATA_DIR": str(work / "template")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from tests.support.factories import build_practice

    from selfmob.clinic.exports.document import practice_document

    (work / "template").mkdir()
    call_command("migrate", verbosity=0)
    return practice_document(build_practice().coach)


def write_document(work: Path, megabytes: int) -> Path:
    doc = template(work)
    from tests.support.documents import write_practice

    clients = doc["clients"]
    assert isinstance(clients, list)
    per_session = sum(len(json.dumps(s)) + 2 for c in clients for s in c["sessions"]) / sum(
        len(c["sessions"]) for c in clients
    )
    sessions = int(megabytes * 1e6 / per_session / CLIENTS)
    path = work / "practice.json"
    with path.open("w", encoding="utf-8") as out:
        write_practice(doc, out, clients=CLIENTS, sessions=sessions)
    return path


def run_import(document: Path, data: Path, python_path: Path | None) -> dict[str, object]:
    env = os.environ | ENV | {"SELFMOB_DATA_DIR": str(data)}
    if python_path is None:
        command = [str(BIN / "selfmob")]
    else:
        env["PYTHONPATH"] = str(python_path)
        command = [sys.executable, "-m", "selfmob"]
    data.mkdir()
    subprocess.run([*command, "manage", "migrate", "-v0"], env=env, check=True)
    measured = subprocess.run([sys.executable, "-c", MEASURE, *command, "import", str(document)],
                              env=env, check=True, capture_output=True, text=True)  # fmt: skip
    result: dict[str, object] = json.loads(measured.stdout)
    if result["code"] != 0:
        sys.exit(f"the import failed: {result['out']}")
    return result


def old_source(revision: str, work: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src"],
                             check=True, capture_output=True).stdout  # fmt: skip
    work.mkdir()
    subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
    return work / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=200, help="size of the document (MB)")
    parser.add_argument("--compare", metavar="REV", help="also import with this git revision")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="selfmob-bench-import-") as folder:
        work = Path(folder)
        document = write_document(work, args.mb)
        size = document.stat().st_size / 1e6
        runs = [("streaming (this tree)", run_import(document, work / "new", None))]
        if args.compare:
            old = old_source(args.compare, work / "old-src")
            runs.append((f"whole file ({args.compare})", run_import(document, work / "old", old)))
    print("| `selfmob import`, SQLite | file | seconds | CPU seconds | peak memory (max RSS) |")
    print("|---|---:|---:|---:|---:|")
    for label, r in runs:
        print(f"| {label} | {size:.0f} MB | {r['seconds']:.1f} | {r['cpu']:.1f} "
              f"| {r['peak_mb']:.0f} MB |")  # fmt: skip
    print(f"\n{runs[0][1]['out']}".rstrip())


if __name__ == "__main__":
    main()
