"""Two app instances on one database share everything that decides what a request may do:
sessions, rate limits, idempotency keys and invites. Run once with the state in the database,
once in Redis (see conftest.py)."""

from __future__ import annotations

import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import requests

from tests.support.multi import Cluster, Web, api


def session_body(*, pre: float, post: float, pain: int) -> dict[str, Any]:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "performed_on": date.today().isoformat(),
        "pre": pre,
        "post": post,
        "pain_rest": 0,
        "pain_during": pain,
    }


def test_both_instances_started_together_on_an_empty_database_came_up(cluster: Cluster) -> None:
    for instance in cluster.both:
        assert instance.process.poll() is None
        assert requests.get(f"{instance.url}/healthz", timeout=5).json() == {"ok": True}
        assert "Traceback" not in instance.text()


def test_logout_on_one_instance_ends_the_session_on_both(cluster: Cluster) -> None:
    seed = cluster.seed
    web = Web(cluster.a.url)
    assert web.login(seed["client_email"], seed["password"]).status_code == 302
    on_b = web.on(cluster.b)
    assert on_b.get("/today").status_code == 200
    assert on_b.get("/api/v1/me").status_code == 200
    assert web.post_form("/logout", {}).status_code == 302
    for side in (web, on_b):
        pages = [side.get("/today") for _ in range(20)]
        assert {(r.status_code, r.headers["Location"].split("?")[0]) for r in pages} == {
            (302, "/login")
        }
        assert {side.get("/api/v1/me").status_code for _ in range(20)} == {401}
    body = session_body(pre=10.0, post=11.0, pain=0)
    write = on_b.http.post(
        f"{cluster.b.url}/api/v1/items/{seed['item_id']}/sessions",
        json=body, headers={"X-CSRFToken": on_b.csrf()}, timeout=30,
    )  # fmt: skip
    assert write.status_code == 401


def test_the_export_limit_counts_every_process_of_every_instance(cluster: Cluster) -> None:
    seconds_left = 60 - time.time() % 60
    if seconds_left < 15:  # keep the burst inside one minute's window
        time.sleep(seconds_left + 0.5)
    coach = api(cluster.a, cluster.seed["coach_token"])
    path = f"/api/v1/clients/{cluster.seed['client_id']}/export?format=csv"
    urls = [f"{cluster.both[n % 2].url}{path}" for n in range(30)]
    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(lambda url: coach.get(url, timeout=30).status_code, urls))
    assert statuses == [200] * 10 + [429] * 20


def test_failed_logins_are_counted_across_instances(cluster: Cluster) -> None:
    seconds_left = 900 - time.time() % 900
    if seconds_left < 20:  # keep the tries inside one window
        time.sleep(seconds_left + 0.5)
    seed = cluster.seed
    for n in range(5):
        wrong = Web(cluster.both[n % 2].url).login(seed["coach_email"], "not-the-password")
        assert wrong.status_code == 200
    for instance in cluster.both:
        refused = Web(instance.url).login(seed["coach_email"], seed["password"])
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) <= 900


def test_a_session_retried_on_both_instances_at_once_is_stored_once(cluster: Cluster) -> None:
    seed = cluster.seed
    client = api(cluster.a, seed["client_token"])
    body = session_body(pre=10.0, post=11.5, pain=1)
    urls = [f"{cluster.both[n % 2].url}/api/v1/items/{seed['item_id']}/sessions"
            for n in range(12)]  # fmt: skip
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda url: client.post(url, json=body, timeout=30), urls))
    assert sorted(a.status_code for a in answers) == [200] * 11 + [201]
    assert len({a.json()["session"]["id"] for a in answers}) == 1
    listed = client.get(f"{cluster.b.url}/api/v1/clients/{seed['client_id']}/sessions",
                        timeout=30).json()  # fmt: skip
    assert [s["idempotency_key"] for s in listed["items"]].count(body["idempotency_key"]) == 1


def test_an_invite_accepted_on_both_instances_at_once_works_once(cluster: Cluster) -> None:
    path = f"/invite/{cluster.seed['open_invite']}"
    visitors = [Web(cluster.both[n % 2].url) for n in range(8)]
    for visitor in visitors:
        assert visitor.get(path).status_code == 200
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(
            lambda v: v.post_form(path, {"password": "ben-new-password-42", "consent": "on"}),
            visitors,
        ))  # fmt: skip
    assert sorted(a.status_code for a in answers) == [302] + [410] * 7  # "has been used"


def test_secrets_in_urls_never_reach_the_access_log(cluster: Cluster) -> None:
    seed = cluster.seed
    visitor = Web(cluster.a.url)
    visitor.post_form("/password-reset", {"email": seed["client_email"]})
    mails = sorted(cluster.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime)
    link = re.search(r"/password-reset/([^/\s]+)/([^/\s]+)", mails[-1].read_text())
    assert link is not None
    reset = Web(cluster.b.url)
    form = reset.get(link.group(0))
    assert form.status_code == 302
    password = {"new_password1": seed["password"], "new_password2": seed["password"]}
    done = reset.post_form(form.headers["Location"], password)
    assert (done.status_code, done.headers["Location"]) == (302, "/")  # and logged in
    invite = Web(cluster.b.url).get(f"/invite/{seed['open_invite']}")
    assert invite.status_code in (200, 410)  # open, or already accepted by the test above
    feed = requests.get(f"{cluster.b.url}/calendar/{seed['feed_token']}.ics", timeout=30)
    assert feed.status_code == 200
    invite_page = f"{cluster.a.url}/invite/{seed['open_invite']}"
    Web(cluster.a.url).get("/static/clinic/app.css", headers={"Referer": invite_page})
    deadline = time.monotonic() + 10
    while "/static/" not in cluster.a.text() and time.monotonic() < deadline:
        time.sleep(0.1)  # the last request's line is written after its answer
    logs = cluster.a.text() + cluster.b.text()
    for secret in (link.group(2), seed["feed_token"], seed["open_invite"]):
        assert secret not in logs
    assert "/calendar/[secret]" in logs
    assert "/password-reset/[secret]" in logs
    assert "/invite/[secret]" in logs
