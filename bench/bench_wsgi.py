"""WSGI entry for the throughput benchmark: the app plus the bare-insert baseline view."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfmob.settings")
application = get_wsgi_application()
settings.ROOT_URLCONF = "bench_urls"
