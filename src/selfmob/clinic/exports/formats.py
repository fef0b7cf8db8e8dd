"""One client's records in the format asked for: the one dispatcher the API, the pages and
`selfmob export` share. The format modules are imported when used (WeasyPrint and the FHIR
models take a while to import, and most requests need neither)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from selfmob.clinic.models import Client

Format = Literal["json", "csv", "fhir", "ics", "pdf"]
FORMATS: tuple[Format, ...] = ("json", "csv", "fhir", "ics", "pdf")
PDFS = ("plan", "progress")
CONTENT_TYPES: dict[Format, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "fhir": "application/fhir+json",
    "ics": "text/calendar; charset=utf-8",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    filename: str


@dataclass(frozen=True)
class Options:
    base_url: str
    """The site's address, for links inside the documents (FHIR ids, the calendar, the QR code)."""
    plan_url: str
    today: date
    pdf: str = "plan"
    page: str = "a4"


def render_client(client: Client, fmt: str, options: Options) -> Rendered:
    """Raise ValueError with a plain message for an unknown format, PDF kind or page size."""
    stem = f"selfmob-{_slug(client.name)}-{options.today.isoformat()}"
    if fmt == "json":
        from selfmob.clinic.exports.document import client_document, document_json

        text = document_json(client_document(client))
        return Rendered(text.encode(), CONTENT_TYPES["json"], f"{stem}.json")
    if fmt == "csv":
        from selfmob.clinic.exports.tables import client_csv

        return Rendered(client_csv(client).encode(), CONTENT_TYPES["csv"], f"{stem}.csv")
    if fmt == "fhir":
        from selfmob.clinic.exports.fhir import client_bundle_json

        text = client_bundle_json(client, base_url=options.base_url)
        return Rendered(text.encode(), CONTENT_TYPES["fhir"], f"{stem}.fhir.json")
    if fmt == "ics":
        from selfmob.clinic.exports.ical import plan_calendar

        body = plan_calendar(client, today=options.today, base_url=options.base_url)
        return Rendered(body, CONTENT_TYPES["ics"], f"{stem}.ics")
    if fmt == "pdf":
        return _pdf(client, options, stem)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _pdf(client: Client, options: Options, stem: str) -> Rendered:
    if options.pdf not in PDFS:
        raise ValueError(f"unknown PDF {options.pdf!r}: use plan or progress")
    from selfmob.clinic.exports.pdf import checked_page_size, plan_handout, progress_report

    size = checked_page_size(options.page)
    if options.pdf == "plan":
        body = plan_handout(client, page_size=size, plan_url=options.plan_url)
    else:
        body = progress_report(client, page_size=size, today=options.today)
    return Rendered(body, CONTENT_TYPES["pdf"], f"{stem}-{options.pdf}.pdf")


def _slug(name: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in name.lower())
    return "-".join(part for part in kept.split("-") if part) or "client"
