"""Time the knowledge CLI as whole processes, and the catalogue load in-process.

Target (issue 2): under 250 ms per command on the project's 2-core machines. The bare
interpreter start (`python -c pass`) is measured in the same run as the baseline.

    python bench/bench_cli.py [--runs N]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "selfmob assess --json": [
        str(BIN / "selfmob"), "assess", "--test", "wblt-distance", "--left", "8", "--right",
        "12.5", "--age", "34", "--sex", "f", "--json",
    ],
    "selfmob change --json": [
        str(BIN / "selfmob"), "change", "--test", "wblt-angle", "--before", "36", "--after", "42",
        "--json",
    ],
    "selfmob techniques --json": [str(BIN / "selfmob"), "techniques", "--json"],
}  # fmt: skip


def timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def run_process(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def load_once() -> None:
    from selfmob.knowledge.catalogue import load_catalogue

    load_catalogue.__wrapped__()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    rows = [
        (name, timed(functools.partial(run_process, argv), runs)) for name, argv in COMMANDS.items()
    ]
    load_once()  # import the modules first: the row measures reading and validating the data
    rows.append(("catalogue load (in-process)", timed(load_once, runs)))
    print(f"| what ({runs} runs) | median ms | max ms |")
    print("|---|---:|---:|")
    for name, samples in rows:
        print(f"| {name} | {statistics.median(samples):.0f} | {max(samples):.0f} |")


if __name__ == "__main__":
    main()
