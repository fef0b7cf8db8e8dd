"""The plan in the client's calendar: a page to make or revoke the secret feed address, and
the public feed itself (the token in the address is the only credential)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from selfmob.clinic.access import AuthedRequest, get_client_for_user
from selfmob.clinic.feeds import active_feed, feed_by_token
from selfmob.clinic.models import AuditEntry, Client
from selfmob.clinic.services.audit import Interface, Kind, Origin, What, audit_read, audit_write
from selfmob.clinic.services.calendar import calendar_feed_create, calendar_feed_revoke

FEED_MAX_AGE = 3600  # seconds a calendar app or proxy may reuse a fetched feed
UNKNOWN_ACTION = "choose to make a new calendar address or to stop the current one"
REVOKED = "The calendar address no longer works. Calendars subscribed to it stop updating."


@dataclass(frozen=True)
class FeedLinks:
    https: str
    webcal: str


@login_required
@never_cache  # the page may show the secret address
@require_http_methods(["GET", "POST"])
def calendar_page(request: AuthedRequest, client_id: str) -> HttpResponse:
    client = get_client_for_user(request.user, client_id)
    if request.method == "GET":
        return _page(request, client)
    action = request.POST.get("action")
    if action == "create":
        with _audited(request, client, Kind.CHANGE) as entry:
            feed, token = calendar_feed_create(client=client, created_by=request.user)
            entry.record_id = feed.id
        return _page(request, client, links=_links(request, token))
    if action == "revoke":
        with _audited(request, client, Kind.DELETE):
            calendar_feed_revoke(client=client, now=timezone.now())
        messages.success(request, REVOKED)
        return redirect("client_calendar", client_id=client.id)
    return _page(request, client, error=UNKNOWN_ACTION, status=400)


def _audited(
    request: AuthedRequest, client: Client, kind: str
) -> AbstractContextManager[AuditEntry]:
    """Making or stopping the client's feed, recorded in its transaction."""
    return audit_write(via=request, user=request.user, client=client, kind=kind, what=What.CALENDAR)


def _page(
    request: AuthedRequest,
    client: Client,
    *,
    links: FeedLinks | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"client": client, "feed": active_feed(client), "links": links, "error": error}
    return render(request, "clinic/calendar.html", context, status=status)


def _links(request: HttpRequest, token: str) -> FeedLinks:
    https = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    return FeedLinks(https, "webcal://" + https.split("://", 1)[1])


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    # icalendar takes about 0.1 s to import: only processes that serve a feed pay for it.
    from selfmob.clinic.exports.ical import plan_calendar

    feed = feed_by_token(token)
    if feed is None:
        raise Http404("not found")
    # Whoever holds the secret address fetches it: recorded under the account that made it.
    via = Origin.of(request, Interface.FEED)
    audit_read(via=via, user=feed.created_by, client=feed.client, what=What.CALENDAR)
    body = plan_calendar(
        feed.client,
        today=timezone.localdate(),
        base_url=f"{request.scheme}://{request.get_host()}",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="selfmob-plan.ics"'
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["X-Robots-Tag"] = "noindex"
    return response
