"""The web app manifest and the service worker: public, served from the root, never stale."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client as HttpClient
from django.urls import reverse

from selfmob.clinic.views.pwa import PLACEHOLDER, SHELL
from tests.support.personas import Personas, login


def test_the_manifest_installs_today(client: HttpClient) -> None:
    response = client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == reverse("today")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#145da0"
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert sizes == {"192x192", "512x512"}


def test_the_manifest_icons_exist_at_their_size() -> None:
    from PIL import Image

    for size in (192, 512):
        found = finders.find(f"clinic/icon-{size}.png")
        assert isinstance(found, str)
        with Image.open(found) as image:
            assert image.size == (size, size)


def test_the_worker_is_served_from_the_root_and_never_cached(client: HttpClient) -> None:
    response = client.get(reverse("service_worker"))
    assert reverse("service_worker") == "/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"


def test_the_worker_knows_the_shell_and_the_pages_it_keeps(client: HttpClient) -> None:
    source = client.get(reverse("service_worker")).content.decode()
    assert PLACEHOLDER not in source
    found = re.search(r"const CONFIG = (\{.*?\});", source)
    assert found is not None
    config = json.loads(found.group(1))
    assert config["shell"] == [f"/static/{path}" for path in SHELL]
    assert config["pages"] == [reverse("today")]
    assert config["logout"] == reverse("logout")
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])


def test_a_signed_in_client_gets_the_same_worker(people: Personas, client: HttpClient) -> None:
    anonymous = client.get(reverse("service_worker")).content
    assert login(people.client_user).get(reverse("service_worker")).content == anonymous


@pytest.mark.parametrize("name", ["manifest", "service_worker"])
def test_wrong_method(client: HttpClient, name: str) -> None:
    assert client.post(reverse(name)).status_code == 405


def test_pages_link_the_manifest_and_the_worker(people: Personas) -> None:
    page = login(people.client_user).get(reverse("today")).content.decode()
    assert f'rel="manifest" href="{reverse("manifest")}"' in page
    assert f'data-sw="{reverse("service_worker")}"' in page
    assert '<meta name="theme-color"' in page


def test_a_coach_is_not_offered_the_client_app(people: Personas) -> None:
    page = login(people.coach).get(reverse("dashboard")).content.decode()
    assert 'rel="manifest"' not in page


def test_an_unchanged_worker_is_answered_with_304(db: None) -> None:
    http = HttpClient()
    first = http.get("/sw.js")
    assert first.status_code == 200 and first["ETag"]
    again = http.get("/sw.js", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert http.get("/sw.js", HTTP_IF_NONE_MATCH='"other"').status_code == 200
