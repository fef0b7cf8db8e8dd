"""Small builders for synthetic catalogue records, so rule tests control every number, and
screening answers. Nothing here imports Django: the knowledge core is tested without it."""

from __future__ import annotations

from typing import Any

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.rules.screen import questions
from selfmob.knowledge.schema import ChangePolicy, LimitPolicy, RomTest, validate

SOURCE = {"source": "powden2015", "grade": "V"}


def all_no(*, neck: bool = False) -> dict[str, object]:
    """A screening with every question answered "no" (the cervical ones too with `neck`)."""
    return {q.id: False for q in questions(load_catalogue(), neck=neck)}


def rom_test(**overrides: Any) -> RomTest:
    data: dict[str, Any] = {
        "id": "synthetic-test",
        "name": "Synthetic lunge",
        "joint": "talocrural",
        "motion": "dorsiflexion",
        "unit": "cm",
        "mode": "active",
        "instruments": ["tape-measure"],
        "position": "Standing lunge facing a wall.",
        "protocol": ["Step one.", "Step two.", "Step three."],
        "self_testable": True,
        "self_test_note": "Easy at home.",
        "cutoff": {"value": 10.0, "basis": "a test cut-off", **SOURCE},
        "physiological_range": {"min": 0, "max": 30, **SOURCE},
        "error": {
            "mdc": 1.6,
            "level": "95",
            "context": "test context",
            "timing": "between_days",
            "raters": "same",
            **SOURCE,
        },
    }
    data.update(overrides)
    if data["cutoff"] is None:
        data.setdefault("no_cutoff_reason", "none in this test")
    return validate(RomTest, data)


def norm(mean: float, **stratum: Any) -> dict[str, Any]:
    return {"mean": mean, "stratum": stratum, "mode": "active", "method": "tape", **SOURCE}


def limits(**overrides: Any) -> LimitPolicy:
    """A limit policy with round numbers (5th percentile, adults 18-64, children under 16,
    severe under half the mean, assumed SD 15% of the mean), so rule tests know each figure."""
    data: dict[str, Any] = {
        "percentile": 5,
        "percentile_source": "selfmob-defaults",
        "percentile_grade": "M",
        "assumed_cv": 0.15,
        "adult_ages_min": 18,
        "adult_ages_max": 64,
        "adult_ages_source": "soucie2011",
        "adult_ages_grade": "M",
        "child_age": 16,
        "child_source": "peck2017-scfe",
        "child_grade": "V",
        "severe_fraction": 0.5,
        "severe_source": "selfmob-defaults",
        "severe_grade": "M",
        "severe_sds": 3,
        "asymmetry_mdcs": 2,
        "side_correlation": 0.8,
        "source": "selfmob-defaults",
        "grade": "M",
    }
    data.update(overrides)
    return validate(LimitPolicy, data)


def change_policy(factor: float = 1.5) -> ChangePolicy:
    """The change policy with an explicit widening factor for unmatched contexts."""
    return validate(
        ChangePolicy, {"unmatched_factor": factor, "source": "selfmob-defaults", "grade": "M"}
    )


def context_error(mdc: float, timing: str, raters: str, **more: Any) -> dict[str, Any]:
    """One MDC of a synthetic test with its context."""
    return {"mdc": mdc, "level": "90", "context": f"{timing}, {raters}", "timing": timing,
            "raters": raters, **SOURCE, **more}  # fmt: skip
