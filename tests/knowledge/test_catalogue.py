from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from selfmob.knowledge.arthrokinematics import derive_glide, glide_agrees
from selfmob.knowledge.catalogue import DATA_DIR, load_catalogue, unused_references
from selfmob.knowledge.errors import CatalogueError, KnowledgeError

CATALOGUE = load_catalogue()
REPO = Path(__file__).resolve().parents[2]
REQUIRED_TESTS = {
    "wblt-distance", "wblt-angle", "ankle-dorsiflexion", "wrist-extension", "wrist-flexion",
    "shoulder-flexion", "shoulder-ir", "shoulder-er", "hip-flexion", "hip-ir", "hip-er",
    "knee-flexion", "knee-extension", "elbow-flexion", "thoracic-rotation",
    "cervical-flexion-rotation", "first-mtp-extension",
}  # fmt: skip
THRUST_WORDS = re.compile(r"\b(thrust|manipulat\w*|high[- ]velocity|grade v\b|crack|pop)", re.I)


def test_it_has_every_required_test() -> None:
    assert set(CATALOGUE.tests) >= REQUIRED_TESTS


def test_units_are_degrees_except_the_lunge_distance() -> None:
    units = {t.id: t.unit for t in CATALOGUE.tests.values()}
    assert units.pop("wblt-distance") == "cm"
    assert set(units.values()) == {"deg"}


def test_it_has_at_least_16_techniques_over_9_joints() -> None:
    assert len(CATALOGUE.techniques) >= 16
    assert len({t.joint for t in CATALOGUE.techniques.values()}) >= 9


def test_the_two_founding_techniques_are_there() -> None:
    ankle = CATALOGUE.technique("ankle-banded-posterior-glide")
    wrist = CATALOGUE.technique("wrist-hand-volar-glide")
    assert (ankle.joint, ankle.motions[0], ankle.glide) == (
        "talocrural",
        "dorsiflexion",
        "posterior",
    )
    assert "band" in ankle.equipment
    assert (wrist.joint, wrist.motions[0], wrist.glide) == ("radiocarpal", "extension", "volar")
    assert "hands" in wrist.equipment


def test_every_test_has_a_technique_for_its_motion() -> None:
    missing = [
        t.id for t in CATALOGUE.tests.values() if not CATALOGUE.techniques_for(t.joint, t.motion)
    ]
    assert missing == []


def test_every_glide_agrees_with_the_rule_or_records_why_not() -> None:
    for technique in CATALOGUE.techniques.values():
        joint = CATALOGUE.joints[technique.joint]
        for motion_id in technique.motions:
            motion = joint.motion(motion_id)
            assert motion is not None
            agrees = glide_agrees(technique.glide, derive_glide(joint, motion))
            assert agrees or technique.glide_exception, technique.id


def test_no_technique_offers_a_thrust() -> None:
    for technique in CATALOGUE.techniques.values():
        text = " ".join([*technique.steps, *technique.cues, *technique.progression, technique.name])
        assert not THRUST_WORDS.search(text), technique.id


def test_every_technique_keeps_to_the_pain_free_rule() -> None:
    for technique in CATALOGUE.techniques.values():
        text = " ".join([*technique.steps, *technique.cues]).lower()
        assert "pain" in text or "hurt" in text, technique.id
        assert "through the pain" not in text and "push through" not in text.replace(
            "never push through", ""
        ), technique.id


def test_every_reference_is_used() -> None:
    assert unused_references(CATALOGUE) == []


def test_every_reference_has_a_doi_or_url() -> None:
    for reference in CATALOGUE.references.values():
        assert reference.link.startswith(("https://", "http://", "docs/")), reference.id


def test_project_default_references_point_to_a_real_docs_section() -> None:
    for reference in CATALOGUE.references.values():
        if reference.url and reference.url.startswith("docs/"):
            path, _, anchor = reference.url.partition("#")
            text = (REPO / path).read_text(encoding="utf-8")
            headings = {_slug(line) for line in text.splitlines() if line.startswith("#")}
            assert anchor in headings, reference.url


def _slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.lstrip("#").strip().lower()).replace(" ", "-")


def test_unverified_cutoffs_say_they_are_configurable_defaults() -> None:
    for test in CATALOGUE.tests.values():
        if test.cutoff and test.cutoff.grade != "V":
            assert "default" in test.cutoff.basis.lower(), test.id


def test_unknown_ids_raise_a_clear_error() -> None:
    with pytest.raises(KnowledgeError, match="unknown test id 'nope'"):
        CATALOGUE.test("nope")
    with pytest.raises(KnowledgeError, match="unknown technique id 'nope'"):
        CATALOGUE.technique("nope")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_copy_of_the_data_loads(data_copy: Path) -> None:
    assert load_catalogue.__wrapped__(data_copy).tests.keys() == CATALOGUE.tests.keys()


def test_a_number_without_a_source_is_refused(data_copy: Path) -> None:
    _edit(data_copy / "policy.toml", 'source = "alkhawajah2019"\n', "")
    with pytest.raises(CatalogueError, match=r"policy.toml: frequency has .* but no source"):
        load_catalogue.__wrapped__(data_copy)


def test_an_undefined_reference_is_refused(data_copy: Path) -> None:
    _edit(data_copy / "policy.toml", '"marron-gomez2015"', '"nobody1999"')
    with pytest.raises(CatalogueError, match=r"used but not defined: \['nobody1999'\]"):
        load_catalogue.__wrapped__(data_copy)


def test_a_glide_against_the_rule_is_refused(data_copy: Path) -> None:
    path = data_copy / "techniques.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "ankle-banded-posterior-glide"')
    glide = text.index('glide = "posterior"', start)
    path.write_text(text[:glide] + 'glide = "anterior"' + text[glide + 19 :], encoding="utf-8")
    with pytest.raises(CatalogueError, match="disagrees with the convex–concave rule"):
        load_catalogue.__wrapped__(data_copy)


def test_an_unknown_key_is_refused(data_copy: Path) -> None:
    _edit(data_copy / "joints.toml", 'region = "ankle"', 'region = "ankle"\ncolour = "red"')
    with pytest.raises(CatalogueError, match="colour"):
        load_catalogue.__wrapped__(data_copy)


def test_a_thrust_method_is_refused(data_copy: Path) -> None:
    path = data_copy / "techniques.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'method = "\w+"', 'method = "thrust"', text, count=1), encoding="utf-8")
    with pytest.raises(CatalogueError, match="method"):
        load_catalogue.__wrapped__(data_copy)


def test_a_broken_file_names_itself(data_copy: Path) -> None:
    (data_copy / "tests.toml").write_text("[[tests]\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"tests.toml"):
        load_catalogue.__wrapped__(data_copy)
