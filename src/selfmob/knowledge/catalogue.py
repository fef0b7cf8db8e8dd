"""Load the curated catalogue from `data/`, validate it, and look records up by id.

The data is checked in three layers: the schema (shapes, ranges, enumerations), the
provenance rule (every table that holds a number names its `source`), and the cross
references (joints, motions, references, glide directions). A catalogue that fails any of
them raises `CatalogueError` naming the file and the record.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selfmob.knowledge import errors
from selfmob.knowledge.arthrokinematics import derive_glide, glide_agrees
from selfmob.knowledge.errors import CatalogueError, KnowledgeError
from selfmob.knowledge.schema import (
    Joint,
    M,
    Motion,
    Policy,
    Question,
    Reference,
    RomTest,
    SchemaError,
    Technique,
    validate,
)

DATA_DIR = Path(__file__).parent / "data"
REFERENCE_KEYS = frozenset(
    {"source", "evidence", "references", "carry_over", "next_day_source"},
)
# Keys whose numbers are not clinical claims and so need no source of their own.
UNSOURCED_NUMBER_KEYS = frozenset({"age_min", "age_max", "n"})


@dataclass(frozen=True)
class Catalogue:
    references: Mapping[str, Reference]
    joints: Mapping[str, Joint]
    tests: Mapping[str, RomTest]
    techniques: Mapping[str, Technique]
    questions: Mapping[str, Question]
    policy: Policy

    def test(self, test_id: str) -> RomTest:
        try:
            return self.tests[test_id]
        except KeyError:
            raise KnowledgeError(errors.UNKNOWN_TEST.format(id=test_id), field="test") from None

    def technique(self, technique_id: str) -> Technique:
        try:
            return self.techniques[technique_id]
        except KeyError:
            message = errors.UNKNOWN_TECHNIQUE.format(id=technique_id)
            raise KnowledgeError(message, field="technique") from None

    def joint(self, joint_id: str) -> Joint:
        try:
            return self.joints[joint_id]
        except KeyError:
            known = ", ".join(sorted(self.joints))
            message = errors.UNKNOWN_JOINT.format(id=joint_id, known=known)
            raise KnowledgeError(message, field="joint") from None

    def techniques_for(self, joint_id: str, motion_id: str) -> list[Technique]:
        return [
            t for t in self.techniques.values() if t.joint == joint_id and motion_id in t.motions
        ]


@functools.cache
def load_catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    raw = {name: _read(data_dir / f"{name}.toml") for name in _FILES}
    raw_refs = [r for path in sorted((data_dir / "references").glob("*.toml")) for r in _refs(path)]
    for name in ("joints", "tests", "techniques", "screening", "policy"):
        _check_numbers_are_sourced(raw[name], where=f"{name}.toml")
    catalogue = Catalogue(
        references=_index(Reference, raw_refs, "references/*.toml"),
        joints=_index(Joint, raw["joints"].get("joints", []), "joints.toml"),
        tests=_index(RomTest, raw["tests"].get("tests", []), "tests.toml"),
        techniques=_index(Technique, raw["techniques"].get("techniques", []), "techniques.toml"),
        questions=_index(Question, raw["screening"].get("questions", []), "screening.toml"),
        policy=_validate(Policy, raw["policy"], "policy.toml"),
    )
    _check_cross_references(catalogue, raw)
    return catalogue


_FILES = ("joints", "tests", "techniques", "screening", "policy")


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc


def _refs(path: Path) -> list[dict[str, Any]]:
    refs: list[dict[str, Any]] = _read(path).get("references", [])
    return refs


def _validate(model: type[M], data: object, where: str) -> M:
    try:
        return validate(model, data)
    except SchemaError as exc:
        ident = data.get("id", "?") if isinstance(data, dict) else "?"
        raise CatalogueError(f"{where}: record {ident!r} is invalid:\n{exc}") from exc


def _index(model: type[M], records: list[dict[str, Any]], where: str) -> dict[str, M]:
    index: dict[str, M] = {}
    for record in records:
        item = _validate(model, record, where)
        key = getattr(item, "id")  # noqa: B009 - every indexed model has an id
        if key in index:
            raise CatalogueError(f"{where}: duplicate id {key!r}")
        index[key] = item
    return index


def _check_numbers_are_sourced(node: object, *, where: str, path: str = "") -> None:
    """Every table that holds a number must also say where that number comes from."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_numbers_are_sourced(item, where=where, path=f"{path}[{i}]")
        return
    if not isinstance(node, dict):
        return
    numbers = [
        key
        for key, value in node.items()
        if isinstance(value, int | float)
        and not isinstance(value, bool)
        and key not in UNSOURCED_NUMBER_KEYS
    ]
    numbers = [key for key in numbers if f"{key}_source" not in node]
    if numbers and "source" not in node:
        raise CatalogueError(f"{where}: {path or 'top level'} has {numbers} but no source")
    for key, value in node.items():
        _check_numbers_are_sourced(value, where=where, path=f"{path}.{key}" if path else key)


def _reference_ids(node: object) -> Iterator[tuple[str, str]]:
    """Yield (key, reference id) for every reference made anywhere in raw data."""
    if isinstance(node, list):
        for item in node:
            yield from _reference_ids(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in REFERENCE_KEYS or key.endswith("_source"):
                values = value if isinstance(value, list) else [value]
                yield from ((key, str(v)) for v in values)
            else:
                yield from _reference_ids(value)


def unused_references(catalogue: Catalogue, data_dir: Path = DATA_DIR) -> list[str]:
    """Reference ids that no record cites (a test keeps this list empty)."""
    raw = [_read(data_dir / f"{name}.toml") for name in _FILES]
    used = {ref for _, ref in _reference_ids(raw)}
    return sorted(set(catalogue.references) - used)


def _check_cross_references(catalogue: Catalogue, raw: dict[str, Any]) -> None:
    used = {ref for _, ref in _reference_ids(raw)}
    missing = sorted(used - set(catalogue.references))
    if missing:
        raise CatalogueError(f"references used but not defined: {missing}")
    for test in catalogue.tests.values():
        _check_motion(catalogue, test.joint, test.motion, where=f"test {test.id}")
    for technique in catalogue.techniques.values():
        _check_technique(catalogue, technique)
        _check_codes(catalogue, technique)
    for question in catalogue.questions.values():
        unknown = [q for q in question.replaced_by if q not in catalogue.questions]
        if unknown:
            raise CatalogueError(f"question {question.id}: replaced_by names unknown {unknown}")


def _check_codes(catalogue: Catalogue, technique: Technique) -> None:
    """`avoid_if` and `caution_if` name live caution questions, never a refer question
    (a refer already stops everything) nor a retired one (it is no longer asked)."""
    for key in ("avoid_if", "caution_if"):
        for code in getattr(technique, key):
            question = catalogue.questions.get(code)
            if question is None or question.retired or question.if_yes != "caution":
                raise CatalogueError(
                    f"technique {technique.id}: {key} must name live caution questions, "
                    f"not {code!r}"
                )


def _check_motion(catalogue: Catalogue, joint_id: str, motion_id: str, *, where: str) -> None:
    joint = catalogue.joints.get(joint_id)
    if joint is None:
        raise CatalogueError(f"{where}: unknown joint {joint_id!r}")
    if joint.motion(motion_id) is None:
        raise CatalogueError(f"{where}: joint {joint_id!r} has no motion {motion_id!r}")


def _check_technique(catalogue: Catalogue, technique: Technique) -> None:
    where = f"technique {technique.id}"
    for motion_id in technique.motions:
        _check_motion(catalogue, technique.joint, motion_id, where=where)
    joint = catalogue.joints[technique.joint]
    disagree = [
        m
        for m in technique.motions
        if not glide_agrees(technique.glide, derive_glide(joint, _motion(joint, m)))
    ]
    if disagree and not technique.glide_exception:
        raise CatalogueError(
            f"{where}: a {technique.glide} glide disagrees with the convex–concave rule for "
            f"{disagree}; fix it or record glide_exception with the reason",
        )


def _motion(joint: Joint, motion_id: str) -> Motion:
    motion = joint.motion(motion_id)
    assert motion is not None, "checked by _check_motion first"
    return motion
