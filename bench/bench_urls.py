"""The app's URLs plus a bare view that inserts one row: the baseline for POST throughput."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from selfmob.urls import urlpatterns as app_urls


@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_row (id) VALUES (%s)", [uuid.uuid4().hex])
    return HttpResponse(status=201)


@login_required
@require_POST
def bare_insert_signed_in(request: HttpRequest) -> HttpResponse:
    """The same insert behind the sign-in check every real page pays for."""
    return bare_insert(request)


urlpatterns = [
    *app_urls,
    path("bench/bare-insert", bare_insert),
    path("bench/bare-insert-signed-in", bare_insert_signed_in),
]
