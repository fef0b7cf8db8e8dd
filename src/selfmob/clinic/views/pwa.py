"""Install and offline: the web app manifest and the service worker.

The worker must be served from the site's root to control every page, so a view serves it
rather than the static files. Its source is static/clinic/sw.js with one placeholder filled in
here: the app-shell addresses as `{% static %}` gives them (hashed in production), the pages
it may keep, and a version made from the bytes of all of them, so that any change to the shell
installs a new worker and drops the old cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import condition, require_GET

THEME = "#145da0"
BACKGROUND = "#f7f8fa"
SHELL = (
    "clinic/app.css",
    "clinic/app.js",
    "clinic/outbox.js",
    "clinic/timer.js",
    "clinic/pain.js",
    "clinic/measure.js",
    "clinic/icon.svg",
)
WORKER = "clinic/sw.js"
PLACEHOLDER = "/*CONFIG*/{}"


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static(f"clinic/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    icons.append({"src": static("clinic/icon.svg"), "sizes": "any", "type": "image/svg+xml"})
    body = {
        "id": "/",
        "name": "selfmob",
        "short_name": "selfmob",
        "description": "Your self-mobilization plan: today's techniques, timer and tests.",
        "start_url": reverse("today"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": icons,
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


def _source() -> str:
    return _worker_source() if settings.DEBUG else _cached_worker_source()


def _worker_etag(request: HttpRequest) -> str:
    """Browsers check the worker on every visit: an unchanged one then costs a 304."""
    return hashlib.sha256(_source().encode()).hexdigest()[:20]


@require_GET
@condition(etag_func=_worker_etag)
def service_worker(request: HttpRequest) -> HttpResponse:
    source = _source()
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@functools.cache
def _cached_worker_source() -> str:
    return _worker_source()


def _worker_source() -> str:
    template = _read(WORKER)
    # A CDN STATIC_URL is on another origin: the worker keeps only same-origin files.
    shell = [url for url in (static(path) for path in SHELL) if url.startswith("/")]
    digest = hashlib.sha256(template.encode())
    for path in SHELL:
        digest.update(_read(path).encode())
    config = {
        "version": digest.hexdigest()[:12],
        "shell": shell,
        "css": static("clinic/app.css"),
        "pages": [reverse("today")],
        "logout": reverse("logout"),
    }
    return template.replace(PLACEHOLDER, json.dumps(config), 1)


def _read(path: str) -> str:
    found = finders.find(path)
    if not isinstance(found, str):
        raise FileNotFoundError(path)
    return Path(found).read_text(encoding="utf-8")
