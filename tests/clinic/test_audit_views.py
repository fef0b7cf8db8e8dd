"""The audit trail through the web pages: every page that shows or changes a client's records
leaves its entry, and the access log pages, for every persona, with exact status codes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from selfmob.clinic.models import AuditEntry, CalendarFeed, PlanItem, User
from selfmob.clinic.services.assessments import MeasurementInput, assessment_record
from selfmob.clinic.services.audit import Interface, Origin, audit_read
from selfmob.clinic.services.calendar import calendar_feed_create
from selfmob.clinic.services.screening import screening_record
from selfmob.clinic.services.sessions import session_log
from tests.support.factories import assessment_form
from tests.support.knowledge import all_no
from tests.support.personas import ANON, Personas, as_, login


def entries() -> list[tuple[str, str, str]]:
    return list(AuditEntry.objects.order_by("at").values_list("kind", "interface", "what"))


def logged(item: PlanItem, days_ago: int = 0) -> uuid.UUID:
    day = timezone.localdate() - timedelta(days=days_ago)
    made = session_log(plan_item=item, idempotency_key=uuid.uuid4(), performed_on=day,
                       pre=7, post=9, pain_rest=0, pain_during=1,
                       today=timezone.localdate())  # fmt: skip
    return made.session.id


def assessed(p: Personas) -> uuid.UUID:
    row = MeasurementInput("wblt-distance", "right", [8.0], "tape-measure")
    today = timezone.localdate()
    made = assessment_record(client=p.client, recorded_by=p.coach, measured_on=today,
                             measured_by="Coach", measurements=[row], today=today)  # fmt: skip
    return made.id


# reads: one entry per page, with what was read

Url = Callable[[Personas, PlanItem], str]
READS: dict[str, tuple[str, str, Url]] = {
    "client page": ("client", "coach", lambda p, i: reverse("client", args=[p.client.id])),
    "progress": ("progress", "client", lambda p, i: reverse("progress", args=[p.client.id])),
    "assessment": ("assessment", "coach", lambda p, i: reverse("assessment", args=[assessed(p)])),
    "screen result": ("screening", "coach",
                      lambda p, i: reverse("screening_result", args=[p.client.id])),
    "today": ("today", "client", lambda p, i: reverse("today")),
    "session": ("session", "client", lambda p, i: reverse("session", args=[logged(i)])),
    "new plan": ("plan", "coach", lambda p, i: reverse("plan_new", args=[p.client.id])),
    "item edit": ("plan-item", "coach", lambda p, i: reverse("item_edit", args=[i.id])),
}  # fmt: skip


@pytest.mark.parametrize("page", READS)
def test_a_page_that_shows_records_leaves_a_read(
    ankle_item: PlanItem, screened: Personas, page: str
) -> None:
    what, who, url_of = READS[page]
    url = url_of(screened, ankle_item)
    http = login(screened.coach if who == "coach" else screened.client_user)
    assert entries() == []
    assert http.get(url).status_code == 200
    assert http.get(url).status_code == 200
    assert entries() == [("read", "page", what)]
    entry = AuditEntry.objects.get()
    assert entry.client_id == screened.client.id
    assert entry.address == "127.0.0.1"


def test_the_dashboard_leaves_a_read_per_client(people: Personas) -> None:
    assert login(people.coach).get(reverse("dashboard")).status_code == 200
    read = AuditEntry.objects.get()
    assert (read.client_id, read.user_id, read.what) == (
        people.client.id,
        people.coach.id,
        "client-list",
    )


def test_an_outsider_leaves_no_read(people: Personas) -> None:
    url = reverse("progress", args=[people.client.id])
    assert as_(people, "other_coach").get(url).status_code == 404
    assert as_(people, ANON).get(url).status_code == 302
    assert entries() == []


# writes: every time, with the record written

WRITES: dict[str, tuple[tuple[str, str], int, Callable[[Personas, PlanItem], int]]] = {
    "log a session": (("change", "session"), 302, lambda p, i: login(p.client_user).post(
        reverse("log_session", args=[i.id]), session_form(i)).status_code),
    "next-day pain": (("change", "session"), 302, lambda p, i: login(p.client_user).post(
        reverse("next_day_pain", args=[logged(i, 1)]), {"pain": "2"}).status_code),
    "screen": (("change", "screening"), 302, lambda p, i: login(p.coach).post(
        reverse("screening", args=[p.client.id]), screen_form()).status_code),
    "assessment": (("change", "assessment"), 302, lambda p, i: login(p.coach).post(
        reverse("assessment_new", args=[p.client.id]), assessment_form()).status_code),
    "phone measure": (("change", "assessment"), 302, lambda p, i: login(p.client_user).post(
        reverse("measure", args=["wblt-angle"]), measure_form()).status_code),
    "plan": (("change", "plan"), 302, lambda p, i: login(p.coach).post(
        reverse("plan_new", args=[p.client.id]), plan_form()).status_code),
    "item edit": (("change", "plan-item"), 302, lambda p, i: login(p.coach).post(
        reverse("item_edit", args=[i.id]), {"every_days": "2", "pain_limit": "1"}).status_code),
    "item removal": (("delete", "plan-item"), 302, lambda p, i: login(p.coach).post(
        reverse("item_remove", args=[i.id])).status_code),
    "new client": (("change", "client"), 302, lambda p, i: login(p.coach).post(
        reverse("client_new"), {"name": "Cai", "email": "cai@example.test"}).status_code),
    "calendar address": (("change", "calendar"), 200, lambda p, i: login(p.client_user).post(
        reverse("client_calendar", args=[p.client.id]), {"action": "create"}).status_code),
    "calendar stop": (("delete", "calendar"), 302, lambda p, i: login(p.client_user).post(
        reverse("client_calendar", args=[p.client.id]), {"action": "revoke"}).status_code),
}  # fmt: skip


def session_form(item: PlanItem) -> dict[str, str]:
    fields = {"key": str(uuid.uuid4()), "performed_on": timezone.localdate().isoformat(),
              "pain_rest": "0", "pre": "7", "post": "9.5", "pain_during": "1"}  # fmt: skip
    return {f"{item.id.hex}-{name}": value for name, value in fields.items()}


def screen_form() -> dict[str, str]:
    return {key: "yes" if value else "no" for key, value in all_no().items()}


def measure_form() -> dict[str, str]:
    return {"side": "right", "trial_1": "38", "measured_on": timezone.localdate().isoformat()}


def plan_form() -> dict[str, str]:
    row = {"include": "on", "technique": "ankle-banded-posterior-glide", "side": "right",
           "retest": "wblt-distance", "every_days": "1", "pain_limit": "2"}  # fmt: skip
    return {"starts_on": timezone.localdate().isoformat(), "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "12",
            } | {f"items-0-{k}": v for k, v in row.items()}  # fmt: skip


@pytest.mark.parametrize("write", WRITES)
def test_a_write_through_a_page_leaves_its_entry(
    ankle_item: PlanItem, screened: Personas, write: str
) -> None:
    expected, status, step = WRITES[write]
    assert step(screened, ankle_item) == status
    changes = AuditEntry.objects.exclude(kind="read")
    assert list(changes.values_list("kind", "what")) == [expected]
    assert changes.get().interface == "page"


def test_each_write_is_kept_even_in_the_same_hour(ankle_item: PlanItem, screened: Personas) -> None:
    http = login(screened.client_user)
    for _ in range(2):
        http.post(reverse("log_session", args=[ankle_item.id]), session_form(ankle_item))
    stored = AuditEntry.objects.filter(kind="change", what="session")
    assert stored.count() == 2
    assert {e.record_id for e in stored} == set(ankle_item.sessions.values_list("id", flat=True))


def test_a_refused_write_leaves_no_entry(ankle_item: PlanItem, screened: Personas) -> None:
    form = session_form(ankle_item) | {f"{ankle_item.id.hex}-pain_during": "11"}
    response = login(screened.client_user).post(reverse("log_session", args=[ankle_item.id]), form)
    assert response.status_code == 400
    assert entries() == []


def test_an_invite_and_a_clearance_have_their_own_kinds(people: Personas) -> None:
    http = login(people.coach)
    people.client.user = None
    people.client.save(update_fields=["user"])
    assert http.post(reverse("client_invite", args=[people.client.id])).status_code == 200
    screening_record(client=people.client, answers=all_no() | {"nerve-symptoms": True},
                     neck=False, recorded_by=people.coach)  # fmt: skip
    url = reverse("clearance", args=[people.client.id])
    assert http.post(url, {"note": "Seen by her GP: fine."}).status_code == 302
    assert entries() == [("invite", "page", "invite"), ("clear", "page", "clearance")]


# exports: every time, before the file leaves

EXPORTS = [("client_export_json", "json"), ("client_export_csv", "csv"), ("client_fhir", "fhir"),
           ("report_pdf", "pdf-progress"), ("handout_pdf", "pdf-plan")]  # fmt: skip


@pytest.mark.parametrize(("view", "what"), EXPORTS)
def test_every_download_is_an_export(people: Personas, view: str, what: str) -> None:
    http = login(people.client_user)
    for _ in range(2):
        assert http.get(reverse(view, args=[people.client.id])).status_code == 200
    assert entries() == [("export", "page", what)] * 2


def test_a_practice_download_is_an_export_of_each_client(people: Personas) -> None:
    cai = people.coach.clients.create(name="Cai", email="cai@example.test")
    assert login(people.coach).get(reverse("practice_export_csv")).status_code == 200
    exported = AuditEntry.objects.filter(kind="export", what="csv")
    assert set(exported.values_list("client_id", flat=True)) == {people.client.id, cai.id}


def test_a_calendar_fetch_is_a_read_under_the_maker_of_the_address(people: Personas) -> None:
    _, token = calendar_feed_create(client=people.client, created_by=people.client_user)
    http = HttpClient()
    for _ in range(2):
        assert http.get(reverse("calendar_feed", args=[token])).status_code == 200
    read = AuditEntry.objects.get()
    assert (read.kind, read.interface, read.what) == ("read", "feed", "calendar")
    assert (read.user_id, read.client_id) == (people.client_user.id, people.client.id)
    assert CalendarFeed.objects.count() == 1


# the coach's access log

COACH_LOG = [("owner", 200), ("other_coach", 200), ("client", 404), ("other_client", 404),
             (ANON, 302)]  # fmt: skip


@pytest.mark.parametrize(("who", "status"), COACH_LOG)
def test_the_coach_access_log(people: Personas, who: str, status: int) -> None:
    assert as_(people, who).get(reverse("access_log")).status_code == status


def test_a_solo_user_has_no_coach_access_log(people: Personas) -> None:
    assert login(people.solo).get(reverse("access_log")).status_code == 404


def test_the_access_logs_are_read_only(people: Personas) -> None:
    assert as_(people, "owner").post(reverse("access_log")).status_code == 405
    assert as_(people, "client").post(reverse("my_access_log")).status_code == 405


def seen(people: Personas) -> None:
    """Ana's coach read her records; Ben's coach read his."""
    page = Origin(Interface.PAGE, "192.0.2.10")
    audit_read(via=page, user=people.coach, client=people.client, what="progress")
    audit_read(via=page, user=people.other_coach, client=people.other_client, what="client")
    audit_read(via=Origin(Interface.PAGE, "192.0.2.20"), user=people.client_user,
               client=people.client, what="today")  # fmt: skip


def test_a_coach_sees_their_clients_trail_and_nobody_elses(people: Personas) -> None:
    seen(people)
    mine = as_(people, "owner").get(reverse("access_log")).content.decode()
    assert "Ana" in mine and "Ben" not in mine
    assert "read: progress" in mine and "read: today&#x27;s plan" in mine
    theirs = as_(people, "other_coach").get(reverse("access_log")).content.decode()
    assert "Ben" in theirs and "Ana" not in theirs
    assert "192.0.2.10" in theirs  # their own access


@pytest.mark.parametrize(
    ("query", "count"),
    [("kind=read", 2), ("kind=export", 0), ("since=2000-01-01", 2), ("until=2000-01-01", 0)],
)
def test_the_coach_filters_the_trail(people: Personas, query: str, count: int) -> None:
    seen(people)
    response = as_(people, "owner").get(f"{reverse('access_log')}?{query}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


def test_the_coach_filters_by_client_and_person(people: Personas) -> None:
    seen(people)
    http = as_(people, "owner")
    url = reverse("access_log")
    by_client = http.get(f"{url}?client={people.client.id}").context["page"].paginator.count
    by_ana = http.get(f"{url}?person={people.client_user.id}").context["page"].paginator.count
    assert (by_client, by_ana) == (2, 1)


@pytest.mark.parametrize(
    "query", ["kind=peek", "since=yesterday", "client=not-an-id", f"client={uuid.uuid4()}"]
)
def test_a_bad_filter_is_400(people: Personas, query: str) -> None:
    seen(people)
    response = as_(people, "owner").get(f"{reverse('access_log')}?{query}")
    assert response.status_code == 400


def test_another_coachs_client_is_no_filter_choice(people: Personas) -> None:
    url = f"{reverse('access_log')}?client={people.other_client.id}"
    assert as_(people, "owner").get(url).status_code == 400


def test_the_log_comes_in_pages(people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("selfmob.clinic.views.audit.PER_PAGE", 2)
    seen(people)
    audit_read(via=Origin(Interface.API), user=people.coach, client=people.client, what="client")
    http = as_(people, "owner")
    first = http.get(reverse("access_log")).content.decode()
    assert "page 1 of 2" in first and "?page=2" in first
    assert "page 2 of 2" in http.get(f"{reverse('access_log')}?page=2").content.decode()


def test_the_coach_pages_link_to_the_log(people: Personas) -> None:
    http = as_(people, "owner")
    assert reverse("access_log") in http.get(reverse("dashboard")).content.decode()
    client_page = http.get(reverse("client", args=[people.client.id])).content.decode()
    assert f"{reverse('access_log')}?client={people.client.id}" in client_page
    assert reverse("access_log") in http.get(reverse("account")).content.decode()


# the client's own log

MY_LOG = [("client", 200), ("other_client", 200), ("owner", 404), ("other_coach", 404),
          (ANON, 302)]  # fmt: skip


@pytest.mark.parametrize(("who", "status"), MY_LOG)
def test_the_clients_access_log(people: Personas, who: str, status: int) -> None:
    assert as_(people, who).get(reverse("my_access_log")).status_code == status


def test_a_client_sees_who_accessed_their_records(people: Personas) -> None:
    seen(people)
    page = as_(people, "client").get(reverse("my_access_log")).content.decode()
    assert "Coach" in page and "Other" not in page
    assert "192.0.2.10" not in page  # the coach's address is the coach's
    assert "192.0.2.20" in page  # one's own
    assert page.count("<tr>") == 3  # the heading and two entries


def test_the_name_shown_is_the_name_now(people: Personas) -> None:
    seen(people)
    User.objects.filter(id=people.coach.id).update(name="Coach Carter")
    assert "Coach Carter" in as_(people, "client").get(reverse("my_access_log")).content.decode()
    people.coach.clients.update(coach=people.other_coach)  # the coach's account, gone below
    User.objects.filter(id=people.coach.id).delete()
    assert (
        "A deleted account" in as_(people, "client").get(reverse("my_access_log")).content.decode()
    )


def test_another_client_sees_only_their_own_entries(people: Personas) -> None:
    seen(people)
    page = as_(people, "other_client").get(reverse("my_access_log")).content.decode()
    assert "Other" in page and "Coach<" not in page
    assert page.count("<tr>") == 2


def test_a_client_nobody_accessed_is_told_so(people: Personas) -> None:
    page = as_(people, "client").get(reverse("my_access_log")).content.decode()
    assert "Nobody has accessed your records yet" in page


def test_a_solo_user_sees_their_own_log(people: Personas) -> None:
    record = people.solo.client_record
    audit_read(via=Origin(Interface.API), user=people.solo, client=record, what="today")
    page = login(people.solo).get(reverse("my_access_log")).content.decode()
    assert "You" in page and "API" in page


def test_the_account_page_links_a_client_to_their_log(people: Personas) -> None:
    page = as_(people, "client").get(reverse("account")).content.decode()
    assert reverse("my_access_log") in page
