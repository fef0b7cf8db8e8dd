"""Knowledge results as JSON-ready dicts, shared by the CLI and the web API."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from selfmob.knowledge.catalogue import Catalogue
from selfmob.knowledge.rules.assess import Assessment


def plain(value: object) -> Any:
    """Dataclasses (nested) to plain dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def references(catalogue: Catalogue, ids: Iterable[str]) -> dict[str, dict[str, str]]:
    found = sorted({i for i in ids if i in catalogue.references})
    return {
        i: {"citation": catalogue.references[i].citation, "link": catalogue.references[i].link}
        for i in found
    }


def assessment_json(catalogue: Catalogue, result: Assessment) -> dict[str, Any]:
    test = result.test
    sides = {name: _side_json(side) for name, side in result.sides.items()}
    cited = [s for side in result.sides.values() for s in side.sources]
    if result.asymmetry:
        cited += result.asymmetry.sources
    for suggestion in result.suggestions:
        cited += suggestion.sources
    if result.screen:
        cited += result.screen.sources
    cited += result.referral.sources
    return {
        "test": test.id,
        "name": test.name,
        "unit": test.unit,
        "joint": test.joint,
        "motion": test.motion,
        "sides": sides,
        "asymmetry": plain(result.asymmetry),
        "screen": plain(result.screen),
        "referral": plain(result.referral),
        "suggestions": plain(result.suggestions),
        "left_out": plain(result.left_out),
        "findings": result.findings,
        "notes": result.notes,
        "references": references(catalogue, cited),
    }


def _side_json(side: Any) -> dict[str, Any]:
    data: dict[str, Any] = plain(side)
    data.pop("side")
    return data
