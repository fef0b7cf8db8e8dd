from __future__ import annotations

import pytest

from selfmob.knowledge.catalogue import load_catalogue
from selfmob.knowledge.errors import KnowledgeError
from selfmob.knowledge.rules.assess import BLOCKED, NOT_SCREENED, assess
from selfmob.knowledge.rules.screen import screen
from selfmob.knowledge.rules.suggest import EVIDENCE_ORDER, dose_text, suggest
from selfmob.knowledge.schema import Dose, SchemaError, validate
from tests.support.knowledge import all_no

CATALOGUE = load_catalogue()


def test_suggestions_are_ranked_by_evidence_first() -> None:
    found = suggest(
        CATALOGUE, joint_id="talocrural", motion_id="dorsiflexion", side="left", why=[]
    ).suggestions
    levels = [EVIDENCE_ORDER.index(CATALOGUE.technique(s.technique).evidence_level) for s in found]
    assert levels == sorted(levels)
    assert [s.rank for s in found] == list(range(1, len(found) + 1))


def test_within_equal_evidence_a_specific_glide_comes_first() -> None:
    found = suggest(CATALOGUE, joint_id="hip", motion_id="flexion", side="left", why=[]).suggestions
    by_level: dict[str, list[str]] = {}
    for s in found:
        by_level.setdefault(CATALOGUE.technique(s.technique).evidence_level, []).append(s.glide)
    order = {"posterior": 0, "distraction": 1, "none": 2}
    for glides in by_level.values():
        assert [order[g] for g in glides] == sorted(order[g] for g in glides)


def test_each_suggestion_explains_the_glide_and_cites_sources() -> None:
    found = suggest(
        CATALOGUE, joint_id="radiocarpal", motion_id="extension", side="left", why=["restricted"]
    ).suggestions
    volar = next(s for s in found if s.technique == "wrist-hand-volar-glide")
    assert volar.reasons[0] == "restricted"
    assert "convex" in volar.reasons[1] and "volar glide" in volar.reasons[1]
    assert set(volar.sources) <= set(CATALOGUE.references)


def test_frequency_is_every_one_to_two_days_citing_carry_over() -> None:
    s = suggest(
        CATALOGUE, joint_id="talocrural", motion_id="dorsiflexion", side="left", why=[]
    ).suggestions[0]
    assert (s.frequency.every_days_min, s.frequency.every_days_max) == (1, 2)
    assert s.frequency.per_week_min >= 2
    assert {"alkhawajah2019", "marron-gomez2015", "cruz-diaz2020"} <= set(s.frequency.sources)


def test_suggestions_carry_the_pain_rule() -> None:
    s = suggest(
        CATALOGUE,
        joint_id="talocrural",
        motion_id="dorsiflexion",
        side="left",
        why=[],
        pain_limit=1,
    ).suggestions[0]
    assert s.pain_rule.limit == 1
    assert s.pain_rule.next_day_rise == 2


def test_an_unknown_joint_is_refused() -> None:
    with pytest.raises(KnowledgeError, match="unknown joint"):
        suggest(CATALOGUE, joint_id="knee", motion_id="flexion", side=None, why=[])


def dose(style: str, **fields: float) -> Dose:
    base = {"sets": 3, "rest_seconds": 30, "per_week_min": 3, "per_week_max": 7}
    return validate(Dose, {"style": style, **base, **fields, "source": "powden2015", "grade": "M"})


@pytest.mark.parametrize(
    ("style", "fields", "text"),
    [
        (
            "oscillation",
            {"seconds": 60, "pace_seconds": 1.0},
            "3 sets of 60 s, one slow oscillation every 1 s",
        ),
        ("hold", {"reps": 5, "seconds": 30}, "3 sets of 5 holds of 30 s"),
        ("repetitions", {"reps": 10, "seconds": 3}, "3 sets of 10 repetitions, pausing 3 s"),
    ],
)
def test_dose_text_follows_the_style(style: str, fields: dict[str, float], text: str) -> None:
    assert dose_text(dose(style, **fields)).startswith(text)
    assert dose_text(dose(style, **fields)).endswith("rest 30 s between sets")


def test_a_single_hold_per_set_reads_as_holds() -> None:
    assert dose_text(dose("hold", reps=1, seconds=10)) == "3 holds of 10 s; rest 30 s between holds"


def test_a_dose_missing_its_style_fields_is_refused() -> None:
    with pytest.raises(SchemaError, match="oscillation dose needs seconds, pace_seconds"):
        dose("oscillation")


def test_assess_suggests_only_for_restricted_sides() -> None:
    result = assess(CATALOGUE, "wrist-extension", left=45, right=75)
    assert result.sides["left"].status == "restricted"
    assert {s.side for s in result.suggestions} == {"left"}
    assert result.notes[-1] == NOT_SCREENED


def test_assess_blocks_on_refer_and_keeps_the_measurements() -> None:
    answers = all_no() | {"nerve-symptoms": True}
    result = assess(CATALOGUE, "wrist-extension", left=45, screen=screen(CATALOGUE, answers))
    assert result.suggestions == []
    assert result.notes[-1] == BLOCKED
    assert result.referral.needed
    assert result.sides["left"].status == "restricted"


def test_assess_goes_ahead_with_caution() -> None:
    answers = all_no() | {"pregnancy": True}
    result = assess(CATALOGUE, "wrist-extension", left=45, screen=screen(CATALOGUE, answers))
    assert result.screen is not None and result.screen.verdict == "caution"
    assert result.suggestions


def test_the_frequency_follows_the_technique_schedule() -> None:
    peanut = CATALOGUE.technique("thoracic-peanut-mobilization")
    found = suggest(
        CATALOGUE, joint_id="thoracic", motion_id="extension", side=None, why=[]
    ).suggestions
    s = next(x for x in found if x.technique == peanut.id)
    low = max(peanut.dose.per_week_min, CATALOGUE.policy.frequency.per_week_min)
    assert s.frequency.per_week_min == low
    assert s.frequency.text.startswith(f"{low} ")


def test_suggestions_carry_contraindications() -> None:
    s = suggest(
        CATALOGUE, joint_id="talocrural", motion_id="dorsiflexion", side="left", why=[]
    ).suggestions[0]
    assert s.contraindications == CATALOGUE.technique(s.technique).contraindications
    assert s.precautions == list(CATALOGUE.technique(s.technique).precautions)


def test_an_invalid_pain_limit_is_refused_even_when_nothing_is_restricted() -> None:
    with pytest.raises(KnowledgeError, match="from 0 to 3"):
        assess(CATALOGUE, "wrist-extension", left=80, pain_limit=7)
