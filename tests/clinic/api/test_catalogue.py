"""The catalogue and the evaluations are open to anyone, and agree with the knowledge core."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.change import classify_change

pytestmark = pytest.mark.django_db

http = HttpClient()


def test_tests_and_techniques_are_listed_without_signing_in() -> None:
    catalogue = load_catalogue()
    tests = http.get("/api/v1/catalogue/tests").json()
    assert {t["id"] for t in tests} == set(catalogue.tests)
    techniques = http.get("/api/v1/catalogue/techniques").json()
    assert {t["id"] for t in techniques} == set(catalogue.techniques)
    assert not any("thrust" in str(t.get("method", "")).lower() for t in techniques)


def test_one_technique_carries_its_references() -> None:
    technique = load_catalogue().technique("ankle-banded-posterior-glide")
    data = http.get(f"/api/v1/catalogue/techniques/{technique.id}").json()
    assert data["name"] == technique.name
    assert set(data["references"]) == set(technique.evidence)


def test_unknown_ids_are_404() -> None:
    for path in ("tests/no-such-test", "techniques/no-such-technique"):
        response = http.get(f"/api/v1/catalogue/{path}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_red_flag_questions_add_the_neck_ones_on_request() -> None:
    general = http.get("/api/v1/catalogue/questions").json()
    with_neck = http.get("/api/v1/catalogue/questions?neck=true").json()
    assert len(with_neck) > len(general)
    assert {q["id"] for q in general} < {q["id"] for q in with_neck}


def test_change_matches_the_rule() -> None:
    body = {"test_id": "wblt-angle", "before": 36, "after": 42}
    data = http.post("/api/v1/catalogue/evaluate/change", body, content_type="application/json")
    catalogue = load_catalogue()
    test, policy = catalogue.test("wblt-angle"), catalogue.policy.change
    expected = classify_change(test, before=36, after=42, policy=policy)
    assert data.json()["verdict"] == expected.verdict
    assert data.json()["mdc"] == expected.mdc


def test_change_takes_the_context_it_was_measured_in() -> None:
    body = {"test_id": "shoulder-ir", "before": 40, "after": 45, "instrument": "inclinometer"}
    same = http.post("/api/v1/catalogue/evaluate/change", body, content_type="application/json")
    two = http.post(
        "/api/v1/catalogue/evaluate/change",
        body | {"raters": "different"},
        content_type="application/json",
    )
    self_test = http.post(
        "/api/v1/catalogue/evaluate/change",
        body | {"measured_by": "self", "timing": "within_session", "readings": 3},
        content_type="application/json",
    )
    assert (same.json()["mdc"], same.json()["level"], same.json()["fit"]) == (4.0, "90", "exact")
    assert same.json()["verdict"] == "real_gain"
    assert same.json()["source"] == "shoulder-inclinometer2009"
    assert "shoulder-inclinometer2009" in same.json()["references"]
    assert (two.json()["mdc"], two.json()["verdict"]) == (8.0, "within_error")
    assert (self_test.json()["fit"], self_test.json()["source"]) == ("default", "selfmob-defaults")
    assert "not self-tests" in self_test.json()["reasons"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"test_id": "wblt-angle", "before": 36}, "after"),
        ({"test_id": "nope", "before": 1, "after": 2}, "test"),
        ({"test_id": "wblt-angle", "before": 36, "after": 900}, "after"),
        ({"test_id": "wblt-angle", "before": 36, "after": 40, "mdc": -1}, "mdc"),
        ({"test_id": "wblt-angle", "before": 36, "after": 40, "timing": "weekly"}, "timing"),
        ({"test_id": "wblt-angle", "before": 36, "after": 40, "raters": "many"}, "raters"),
        ({"test_id": "wblt-angle", "before": 36, "after": 40, "measured_by": "x"}, "measured_by"),
        ({"test_id": "wblt-angle", "before": 36, "after": 40, "instrument": "crom"}, "instrument"),
        ({"test_id": "wblt-angle", "before": 36, "after": 40, "readings": 7}, "readings"),
    ],
)
def test_bad_evaluations_name_the_field(body: dict[str, object], field: str) -> None:
    response = http.post("/api/v1/catalogue/evaluate/change", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_assess_classifies_and_withholds_on_red_flags() -> None:
    body = {"test_id": "wblt-distance", "left": 11.5, "right": 7, "age": 34, "sex": "f"}
    data = http.post("/api/v1/catalogue/evaluate/assess", body, content_type="application/json")
    assert data.status_code == 200
    assert data.json()["sides"]["right"]["status"] == "restricted"
    answers = {q.id: False for q in load_catalogue().questions.values()
               if not q.id.startswith("cervical-")} | {"bleeding": True}  # fmt: skip
    held = http.post("/api/v1/catalogue/evaluate/assess", body | {"answers": answers},
                     content_type="application/json")  # fmt: skip
    assert held.json()["screen"]["verdict"] == "refer"
    assert held.json()["suggestions"] == []
    assert held.json()["referral"]["needed"] is True


def test_assess_takes_the_coach_percentile_and_refers_children() -> None:
    body = {"test_id": "wblt-distance", "left": 7.5, "age": 34, "sex": "f"}
    default = http.post("/api/v1/catalogue/evaluate/assess", body, content_type="application/json")
    stricter = http.post("/api/v1/catalogue/evaluate/assess", body | {"percentile": 25.0},
                         content_type="application/json")  # fmt: skip
    assert default.json()["sides"]["left"]["status"] == "within_normal"
    assert stricter.json()["sides"]["left"]["status"] == "restricted"
    assert "set by the coach" in stricter.json()["sides"]["left"]["threshold"]["basis"]
    bad = http.post("/api/v1/catalogue/evaluate/assess", body | {"percentile": 60.0},
                    content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    assert "percentile" in bad.json()["error"]["fields"]
    child = {"test_id": "hip-ir", "left": 10.0, "right": 35.0, "age": 12, "sex": "m"}
    referred = http.post("/api/v1/catalogue/evaluate/assess", child,
                         content_type="application/json").json()  # fmt: skip
    assert referred["referral"]["needed"] is True
    assert referred["suggestions"] == []


def test_the_openapi_document_describes_every_route() -> None:
    doc = http.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = set(doc["paths"])
    expected = {"/api/v1/clients", "/api/v1/items/{item_id}/sessions", "/api/v1/catalogue/tests",
                "/api/v1/clients/{client_id}/progress"}  # fmt: skip
    assert expected <= paths
    schemes = doc["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_page_uses_no_third_party_scripts() -> None:
    page = http.get("/api/v1/docs").content.decode()
    assert "/static/ninja/" in page
    assert "cdn" not in page.lower()
