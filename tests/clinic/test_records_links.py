"""The client page and the progress page link to every download, and every link works."""

from __future__ import annotations

import re

import pytest

from selfmob.clinic.models import PlanItem
from tests.support.personas import Personas, login


@pytest.mark.parametrize(("who", "page"), [("coach", "/clients/{id}"),
                                           ("coach", "/clients/{id}/progress"),
                                           ("client_user", "/clients/{id}/progress")])  # fmt: skip
def test_every_download_link_answers(
    screened: Personas, ankle_item: PlanItem, who: str, page: str
) -> None:
    http = login(getattr(screened, who))
    html = http.get(page.format(id=screened.client.id)).content.decode()
    section = html.split("Paper, calendar and exports")[1].split("</section>")[0]
    links = re.findall(r'href="([^"]+)"', section)
    assert len(links) == 8
    for link in links:
        response = http.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link


def test_the_dashboard_links_the_practice_exports(screened: Personas) -> None:
    http = login(screened.coach)
    html = http.get("/coach").content.decode()
    for link in ("/export.json", "/export.csv"):
        assert f'href="{link}"' in html
        assert http.get(link).status_code == 200
