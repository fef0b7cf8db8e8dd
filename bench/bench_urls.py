"""The app's URLs plus a bare view that inserts one row: the baseline for POST throughput."""

from __future__ import annotations

import uuid

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


urlpatterns = [*app_urls, path("bench/bare-insert", bare_insert)]
