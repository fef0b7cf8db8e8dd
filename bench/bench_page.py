"""The client's Today page on an emulated mid-range phone: bytes, requests, time to interactive.

The demo practice is loaded into a temporary data folder (`selfmob demo` in the local profile, as
`make run` does), static files are collected, and gunicorn serves it as in production: DEBUG
off, a throwaway secret key, 2 workers, hashed and compressed static files (WhiteNoise). Debian's
Chromium signs in as ana@demo.test, and then, for each run, a fresh browser context (empty
HTTP cache, no service worker, only the session cookie) opens /today twice:

- first load: the empty cache, then whatever the page starts in the background (a service
  worker fetching its files) until the network has been quiet for a moment;
- repeat load: the same page opened again in the same context (a new navigation, not a
  reload), with the HTTP cache and any service worker as the first load left them.

What is measured:

- bytes: every byte gunicorn sent to the browser (status lines, headers and bodies as sent,
  compressed where WhiteNoise compresses), counted by a small TCP relay between the two, so
  requests made by a service worker count too;
- requests: the requests gunicorn answered (its access log), page and service worker alike;
- other hosts: every request the browser made (page or service worker, seen by Playwright)
  whose host is not 127.0.0.1; it must stay empty;
- time to interactive, on an emulated mid-range phone: the main thread slowed 4x
  (CDP `Emulation.setCPUThrottlingRate`) on Lighthouse's mobile network (CDP
  `Network.emulateNetworkConditions`: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up;
  Lighthouse calls it "slow 4G", formerly "fast 3G"). Measured from navigation start to the
  later of the `load` event's end and the end of the last long task (a main-thread task of
  50 ms or more, from a `longtask` PerformanceObserver), read once the page has had no long
  task and the server no request for QUIET seconds: a simplified form of Lighthouse's TTI
  (its quiet window is 5 s and it tolerates two requests in flight).

Targets: under 100 KB on first load, no request to another host, TTI under 1.5 s.

    python bench/bench_page.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright

CHROMIUM = os.environ.get("SELFMOB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip
EMAIL, PASSWORD = "ana@demo.test", "demo-password"
HOST = "127.0.0.1"
PHONE: ViewportSize = {"width": 390, "height": 844}
CPU_SLOWDOWN = 4
NETWORK = {  # Lighthouse's mobile throttling, in bytes per second and milliseconds
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
QUIET = 2.0  # seconds without a long task or a request before a load counts as finished
LONG_TASKS_JS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const task of list.getEntries()) window.__longTasks.push(task.startTime + task.duration);
}).observe({type: 'longtask', buffered: true});
"""
TTI_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return Math.max(nav.loadEventEnd, ...window.__longTasks);
}"""
TARGET_BYTES, TARGET_TTI_MS = 100_000, 1_500


class CountingRelay:
    """A TCP relay in front of gunicorn that counts the bytes sent back to the browser. It
    connects upstream only once the browser sends something, so Chromium's idle preconnects
    never hold a gunicorn worker."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.listener = socket.create_server((HOST, 0))
        self.port: int = self.listener.getsockname()[1]
        self.sent = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                browser_side, _ = self.listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(browser_side,), daemon=True).start()

    def _serve(self, browser_side: socket.socket) -> None:
        with browser_side:
            first = browser_side.recv(65536)
            if not first:
                return
            with socket.create_connection((HOST, self.upstream)) as server_side:
                server_side.sendall(first)
                forward = threading.Thread(
                    target=self._pump, args=(browser_side, server_side, False), daemon=True
                )
                forward.start()
                self._pump(server_side, browser_side, True)

    def _pump(self, source: socket.socket, sink: socket.socket, count: bool) -> None:
        with suppress(OSError):  # either side may hang up at any time
            while chunk := source.recv(65536):
                sink.sendall(chunk)
                if count:
                    with self.lock:
                        self.sent += len(chunk)
        for side in (source, sink):
            with suppress(OSError):
                side.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()


@dataclass(frozen=True)
class Load:
    bytes: int
    tti: float  # ms
    elsewhere: list[str]
    answered: list[str]  # the access log's lines: request line and status


def free_port() -> int:
    with socket.create_server((HOST, 0)) as probe:
        port: int = probe.getsockname()[1]
        return port


def server_env(data: Path) -> dict[str, str]:
    return os.environ | {
        "SELFMOB_DATA_DIR": str(data),
        "SELFMOB_LOCAL": "0",
        "SELFMOB_SECRET_KEY": secrets.token_urlsafe(50),
        "SELFMOB_SSL_REDIRECT": "0",
        "SELFMOB_SECURE_COOKIES": "0",
        "SELFMOB_ALLOWED_HOSTS": HOST,
    }


def prepare(data: Path) -> None:
    """The demo practice (loading it needs the local profile) and the collected static files."""
    selfmob = [sys.executable, "-m", "selfmob"]
    demo_env = os.environ | {"SELFMOB_DATA_DIR": str(data), "SELFMOB_LOCAL": "1"}
    subprocess.run([*selfmob, "demo"], env=demo_env, check=True, stdout=subprocess.DEVNULL)
    collect = [*selfmob, "manage", "collectstatic", "--noinput", "--verbosity", "0"]
    subprocess.run(collect, env=server_env(data), check=True)


@contextmanager
def gunicorn(data: Path, log: Path) -> Iterator[int]:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "selfmob.wsgi:application",
        "--config", "python:selfmob.gunicorn_conf", "--no-control-socket",
        "--bind", f"{HOST}:{port}", "--workers", "2",
        "--access-logfile", str(log), "--access-logformat", "%(r)s %(s)s",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=server_env(data), stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("gunicorn did not answer /healthz within 20 s")


def requests_served(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def signed_in_state(browser: Browser, base: str) -> Any:
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/today")
    state = context.storage_state()
    context.close()
    return state


def phone_page(context: BrowserContext) -> Page:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return page


def wait_for_quiet(page: Page, relay: CountingRelay, log: Path) -> None:
    """Until neither the page's main thread (long tasks) nor the server has been busy for
    QUIET seconds."""
    seen = (-1, -1, -1)
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < QUIET:
        now = (relay.sent, requests_served(log), page.evaluate("window.__longTasks.length"))
        if now != seen:
            seen, quiet_since = now, time.monotonic()
        time.sleep(0.05)


def measure(page: Page, relay: CountingRelay, log: Path, elsewhere: list[str]) -> Load:
    sent, served, outside = relay.sent, requests_served(log), len(elsewhere)
    page.goto("/today", wait_until="load")
    wait_for_quiet(page, relay, log)
    tti = float(page.evaluate(TTI_JS))
    answered = log.read_text().splitlines()[served:]
    return Load(relay.sent - sent, tti, elsewhere[outside:], answered)


def one_run(browser: Browser, base: str, state: Any, relay: CountingRelay, log: Path) -> list[Load]:
    context = browser.new_context(
        base_url=base, storage_state=state, viewport=PHONE, has_touch=True, is_mobile=True
    )
    elsewhere: list[str] = []
    context.on(
        "request",
        lambda r: elsewhere.append(r.url) if urlsplit(r.url).hostname != HOST else None,
    )
    context.add_init_script(LONG_TASKS_JS)
    page = phone_page(context)
    loads = [measure(page, relay, log, elsewhere) for _ in ("first", "repeat")]
    assert "Today" in page.title(), page.title()  # signed in, on the right page
    context.close()
    return loads


HEADER = (
    "| Today page, client signed in ({runs} runs; Chromium 390x844, CPU 4x slower, 150 ms RTT, "
    "1.6 Mbit/s) | first load (empty cache) | repeat load (cached) |"
)
ROWS: list[tuple[str, Callable[[list[Load]], str]]] = [
    ("bytes transferred (median)", lambda ls: f"{statistics.median(x.bytes for x in ls):,.0f}"),
    ("requests (median)", lambda ls: f"{statistics.median(len(x.answered) for x in ls):.0f}"),
    ("requests to other hosts (all runs)", lambda ls: f"{sum(len(x.elsewhere) for x in ls)}"),
    ("time to interactive, median ms", lambda ls: f"{statistics.median(x.tti for x in ls):.0f}"),
    ("time to interactive, slowest ms", lambda ls: f"{max(x.tti for x in ls):.0f}"),
]


def report(runs: list[list[Load]]) -> None:
    first, repeat = [r[0] for r in runs], [r[1] for r in runs]
    print(HEADER.format(runs=len(runs)))
    print("|---|---:|---:|")
    for name, cell in ROWS:
        print(f"| {name} | {cell(first)} | {cell(repeat)} |")
    outside = sorted({url for x in first + repeat for url in x.elsewhere})
    biggest = max(x.bytes for x in first)
    slowest = max(x.tti for x in first + repeat)
    verdicts = [
        f"first load under {TARGET_BYTES:,} bytes: {_met(biggest < TARGET_BYTES)} ({biggest:,})",
        f"no other host: {_met(not outside)}{': ' if outside else ''}{', '.join(outside)}",
        f"TTI under {TARGET_TTI_MS:,} ms: {_met(slowest < TARGET_TTI_MS)} "
        f"(slowest {slowest:.0f} ms)",
    ]
    print("\ntargets: " + "; ".join(verdicts))


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--list", action="store_true", help="list the requests of the last run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="selfmob-bench-page-") as tmp:
        data, log = Path(tmp), Path(tmp) / "access.log"
        prepare(data)
        with gunicorn(data, log) as port, sync_playwright() as playwright:
            relay = CountingRelay(port)
            base = f"http://{HOST}:{relay.port}"
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            state = signed_in_state(browser, base)
            runs = [one_run(browser, base, state, relay, log) for _ in range(args.runs)]
            browser.close()
            relay.close()
    report(runs)
    if args.list:
        for name, load in zip(("first load", "repeat load"), runs[-1], strict=True):
            print(f"\n{name}:", *load.answered, sep="\n  ")


if __name__ == "__main__":
    main()
