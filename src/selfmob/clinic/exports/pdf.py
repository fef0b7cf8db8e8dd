"""Printable documents (WeasyPrint): the plan as a handout, and the progress report.

Both are HTML templates under `clinic/pdf/` with print CSS. WeasyPrint and qrcode are
imported when the first document is made: importing them takes about a second, which
processes that never print should not pay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from selfmob.clinic.exports.plan_words import (
    CurrentItem,
    current_items,
    day_text,
    dose_words,
    hold_of,
    measure_words,
    pain_words,
    plan_dates,
    plans_of,
    retest_words,
    schedule_words,
    technique_title,
)
from selfmob.clinic.exports.report import report_of
from selfmob.clinic.models import Client, Plan
from selfmob.knowledge.catalogue import load_catalogue

PAGE_SIZES = {"a4": "A4", "letter": "Letter"}
BAD_PAGE_SIZE = "the page size must be A4 or Letter, not {value!r}"


def checked_page_size(value: str) -> str:
    """ "A4" or "Letter" (any letter case), else ValueError with a message for the user."""
    try:
        return PAGE_SIZES[value.lower()]
    except KeyError:
        raise ValueError(BAD_PAGE_SIZE.format(value=value)) from None


@dataclass(frozen=True)
class HandoutItem:
    title: str
    current: CurrentItem
    dose: str
    when: str
    pain: str
    test: str


@dataclass(frozen=True)
class HandoutPlan:
    dates: str
    retest: str


def plan_handout(
    client: Client, *, page_size: str, plan_url: str, today: date | None = None
) -> bytes:
    """The current plan on paper, with a QR code to `plan_url`; `today` picks the current
    items (the local date by default)."""
    html = plan_handout_html(client, page_size=page_size, plan_url=plan_url, today=today)
    return render_pdf(html)


def plan_handout_html(
    client: Client, *, page_size: str, plan_url: str, today: date | None = None
) -> str:
    size = checked_page_size(page_size)
    today = today or timezone.localdate()
    hold = hold_of(client)
    items = [] if hold else current_items(client, today)
    context = {
        "page_size": size,
        "client": client,
        "today": day_text(today),
        "hold": hold,
        "items": [_handout_item(c) for c in items],
        "plans": [_handout_plan(p, items) for p in plans_of(items)],
        "qr": qr_svg(plan_url),
        "plan_url": plan_url,
    }
    return render_to_string("clinic/pdf/handout.html", context)


def _handout_item(current: CurrentItem) -> HandoutItem:
    item = current.item
    return HandoutItem(
        title=technique_title(current),
        current=current,
        dose=dose_words(item.dose),
        when=f"{schedule_words(item)}, {plan_dates(item.plan)}",
        pain=pain_words(item.pain_limit),
        test=measure_words(current.test),
    )


def _handout_plan(plan: Plan, items: list[CurrentItem]) -> HandoutPlan:
    tests = [c.test for c in items if c.item.plan_id == plan.id]
    return HandoutPlan(plan_dates(plan), retest_words(plan, tests))


def progress_report(client: Client, *, page_size: str, today: date) -> bytes:
    return render_pdf(progress_report_html(client, page_size=page_size, today=today))


def progress_report_html(client: Client, *, page_size: str, today: date) -> str:
    size = checked_page_size(page_size)
    report = report_of(client, today)
    context = {
        "page_size": size,
        "client": client,
        "today": day_text(today),
        "hold": hold_of(client),
        "report": report,
        "ceiling": load_catalogue().policy.pain.ceiling,
    }
    return render_to_string("clinic/pdf/report.html", context)


def qr_svg(url: str) -> SafeString:
    """The QR code of `url` as an inline SVG element (one path; no XML declaration)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(url, image_factory=SvgPathImage, border=2)
    svg: str = image.to_string(encoding="unicode")
    return mark_safe(svg)  # qrcode writes numbers only; the URL is encoded, not embedded


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
