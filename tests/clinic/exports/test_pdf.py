"""The printed plan and progress report, checked in the real PDFs with poppler's tools."""

from __future__ import annotations

import io
import re
import subprocess
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import qrcode
from PIL import Image, ImageStat

from selfmob.clinic.exports.pdf import (
    BAD_PAGE_SIZE,
    checked_page_size,
    plan_handout,
    plan_handout_html,
    progress_report,
    progress_report_html,
)
from selfmob.clinic.exports.report import SESSIONS_SHOWN
from selfmob.clinic.models import PlanItem, Session
from selfmob.clinic.services.plans import ItemInput, plan_create
from selfmob.clinic.services.screening import screening_record
from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.change import classify_change
from selfmob.knowledge.rules.pain import check_during, pain_rule
from selfmob.knowledge.rules.suggest import dose_text
from tests.support.knowledge import all_no
from tests.support.pdf import POINTS, page_points, pdf_text
from tests.support.personas import TODAY, Personas

PLAN_URL = "https://selfmob.example/today"


def first_page(pdf: bytes, tmp_path: Path) -> Image.Image:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    png = subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def log_sessions(
    item: PlanItem, count: int, *, start: date, pain: int = 1, rest: int | None = None
) -> None:
    """`count` daily sessions from `start`, slowly improving, stored as the service stores
    them (the change and verdict from the knowledge core, the pain flag from its rule). With
    no `rest`, as sessions logged before the pain at rest was asked for."""
    policy = load_catalogue().policy
    test = load_catalogue().test(item.retest_id)
    rows = []
    for n in range(count):
        pre = 7.0 + (n % 40) * 0.05
        after = pre + 1.0 + (n % 3) * 0.6
        change = classify_change(test, before=pre, after=after, policy=policy.change)
        rows.append(
            Session(
                idempotency_key=uuid.uuid4(),
                client_id=item.plan.client_id,
                plan_item=item,
                performed_on=start + timedelta(days=n),
                technique_id=item.technique_id,
                test_id=item.retest_id,
                side=item.side,
                pre=change.before,
                post=change.after,
                change=change.change,
                mdc=change.mdc,
                verdict=change.verdict,
                pain_rest=rest,
                pain_during=pain,
                pain_limit=item.pain_limit,
                over_limit=check_during(policy, pain, item.pain_limit, rest=rest).over_limit,
            )
        )
    Session.objects.bulk_create(rows)


def ankle_since(people: Personas, start: date) -> PlanItem:
    """A daily banded ankle glide (right) in a plan that started on `start`."""
    item = ItemInput("ankle-banded-posterior-glide", "wblt-distance", "right", every_days=1)
    plan = plan_create(
        client=people.client, created_by=people.coach, starts_on=start, ends_on=None, items=[item]
    )
    return plan.items.get()


def refer(people: Personas) -> None:
    answers = all_no() | {"bleeding": True}
    screening_record(client=people.client, answers=answers, neck=False, recorded_by=people.coach)
    people.client.refresh_from_db()


def handout(people: Personas, size: str = "A4") -> bytes:
    return plan_handout(people.client, page_size=size, plan_url=PLAN_URL, today=TODAY)


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_the_handout_has_the_page_size_asked_for(
    ankle_item: PlanItem, screened: Personas, size: str, tmp_path: Path
) -> None:
    assert page_points(handout(screened, size), tmp_path) == POINTS[size]


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_the_report_has_the_page_size_asked_for(
    ankle_item: PlanItem, screened: Personas, size: str, tmp_path: Path
) -> None:
    log_sessions(ankle_item, 5, start=TODAY - timedelta(days=5))
    report = progress_report(screened.client, page_size=size, today=TODAY)
    assert page_points(report, tmp_path) == POINTS[size]


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_page_one_is_printed_and_in_proportion(
    ankle_item: PlanItem, screened: Personas, size: str, tmp_path: Path
) -> None:
    log_sessions(ankle_item, 5, start=TODAY - timedelta(days=5))
    report = progress_report(screened.client, page_size=size, today=TODAY)
    for pdf in (handout(screened, size), report):
        image = first_page(pdf, tmp_path)
        width, height = POINTS[size]
        assert image.width / image.height == pytest.approx(width / height, abs=0.01)
        used = [level for level, count in enumerate(image.histogram()) if count]
        darkest, lightest = used[0], used[-1]
        assert lightest == 255 and darkest < 60, "ink on a white page"
        assert ImageStat.Stat(image).mean[0] < 250, "more than a few marks"


def test_the_handout_says_what_to_do_for_each_item(
    ankle_item: PlanItem, screened: Personas, tmp_path: Path
) -> None:
    catalogue = load_catalogue()
    technique = catalogue.technique(ankle_item.technique_id)
    text = pdf_text(handout(screened), tmp_path)
    assert screened.client.name in text
    assert f"{technique.name} ({ankle_item.side})" in text
    assert dose_text(technique.dose) in text
    assert pain_rule(catalogue.policy, ankle_item.pain_limit).during in text
    assert "Never push through pain" in text
    assert catalogue.test(ankle_item.retest_id).name in text
    assert technique.steps[0] in text
    assert technique.contraindications[0] in text
    assert "every day" in text and "23 November 2026" in text
    assert "Re-test days" in text
    assert PLAN_URL in text
    assert re.search(r"Page 1 of \d", text)


def test_the_handout_embeds_a_qr_code_of_the_plan_address(
    ankle_item: PlanItem, screened: Personas
) -> None:
    html = plan_handout_html(screened.client, page_size="A4", plan_url=PLAN_URL, today=TODAY)
    (path,) = re.findall(r'<svg[^>]*>\s*<path[^>]* d="([^"]+)"', html)
    drawn = {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", path)}
    code = qrcode.QRCode(border=0)
    code.add_data(PLAN_URL)
    code.make(fit=True)
    matrix = code.get_matrix()
    border = min(x for x, _ in drawn)  # the finder pattern's corner
    expected = {
        (x + border, y + border) for y, row in enumerate(matrix) for x, on in enumerate(row) if on
    }
    assert drawn == expected


def test_a_red_flag_hold_replaces_the_techniques(
    ankle_item: PlanItem, screened: Personas, tmp_path: Path
) -> None:
    refer(screened)
    text = pdf_text(handout(screened), tmp_path)
    assert "See a professional before going on" in text
    assert PLAN_URL in text
    technique = load_catalogue().technique(ankle_item.technique_id)
    assert technique.name not in text
    assert technique.steps[0] not in text


def test_the_report_shows_sessions_verdicts_pain_and_adherence(
    screened: Personas, tmp_path: Path
) -> None:
    item = ankle_since(screened, TODAY - timedelta(days=20))
    log_sessions(item, 4, start=TODAY - timedelta(days=4), pain=3)
    last = Session.objects.order_by("-performed_on").first()
    assert last is not None
    text = pdf_text(progress_report(screened.client, page_size="A4", today=TODAY), tmp_path)
    test = load_catalogue().test(item.retest_id)
    assert f"Progress report: {screened.client.name}" in text
    assert f"{test.name}, right" in text
    assert last.performed_on.isoformat() in text
    assert f"{last.pre:g} cm {last.post:g} cm" in text
    assert last.verdict.replace("_", " ") in text
    assert "above the limit in 4 of 4 sessions" in text
    assert "Pain went above the limit during a session." in text  # the dashboard's flag
    assert "Last 14 days: 4 of 14 planned sessions done." in text


def test_the_report_shows_the_pain_at_rest_beside_pain_during(
    screened: Personas, tmp_path: Path
) -> None:
    item = ankle_since(screened, TODAY - timedelta(days=20))
    log_sessions(item, 1, start=TODAY - timedelta(days=3), pain=1)  # logged before it was asked
    log_sessions(item, 1, start=TODAY - timedelta(days=2), pain=4, rest=1)
    log_sessions(item, 1, start=TODAY - timedelta(days=1), pain=5, rest=3)
    text = pdf_text(progress_report(screened.client, page_size="A4", today=TODAY), tmp_path)
    assert "Pain at rest" in text
    assert "— 1/10" in text
    assert "1/10 4/10 (over)" in text
    assert "3/10 5/10" in text
    assert "3/10 5/10 (over)" not in text
    assert "above the limit in 1 of 3 sessions" in text
    assert "never above 5/10" in text


def test_the_report_says_so_when_there_is_nothing_yet(screened: Personas, tmp_path: Path) -> None:
    text = pdf_text(progress_report(screened.client, page_size="Letter", today=TODAY), tmp_path)
    assert "No sessions yet." in text and "No flags." in text


def test_the_report_flags_a_red_flag_hold(
    ankle_item: PlanItem, screened: Personas, tmp_path: Path
) -> None:
    refer(screened)
    text = pdf_text(progress_report(screened.client, page_size="A4", today=TODAY), tmp_path)
    assert "See a professional before going on" in text
    assert "The red-flag screen says to see a professional." in text


def test_a_long_history_lists_the_last_sessions_and_charts_them_all(
    ankle_item: PlanItem, screened: Personas
) -> None:
    log_sessions(ankle_item, 200, start=TODAY - timedelta(days=200))
    html = progress_report_html(screened.client, page_size="A4", today=TODAY)
    first_shown = TODAY - timedelta(days=SESSIONS_SHOWN)
    assert f"(the last {SESSIONS_SHOWN} of 200)" in html
    assert f"<td>{first_shown.isoformat()}</td>" in html
    assert f"<td>{(first_shown - timedelta(days=1)).isoformat()}</td>" not in html
    assert html.count('fill="#145da0"/>') == 200  # one filled dot per session in the chart


@pytest.mark.parametrize("value", ["a4", "A4", "letter", "LETTER"])
def test_page_sizes_are_read_in_any_case(value: str) -> None:
    assert checked_page_size(value) in POINTS


@pytest.mark.parametrize("value", ["A5", "legal", ""])
def test_other_page_sizes_are_refused_with_a_clear_message(
    value: str, ankle_item: PlanItem, screened: Personas
) -> None:
    with pytest.raises(ValueError, match="must be A4 or Letter") as raised:
        plan_handout(screened.client, page_size=value, plan_url=PLAN_URL)
    assert str(raised.value) == BAD_PAGE_SIZE.format(value=value)
    with pytest.raises(ValueError, match="must be A4 or Letter"):
        progress_report(screened.client, page_size=value, today=TODAY)


def test_a_default_dose_says_it_is_a_default() -> None:
    from selfmob.clinic.exports.plan_words import DEFAULT_DOSE, dose_words

    assert dose_words({"text": "3 sets of 10", "grade": "M"}) == f"3 sets of 10 ({DEFAULT_DOSE})"
    assert dose_words({"text": "3 sets of 10", "grade": "V"}) == "3 sets of 10"
