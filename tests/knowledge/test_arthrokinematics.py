from __future__ import annotations

import pytest

from selfmob.knowledge.arthrokinematics import derive_glide, glide_agrees, opposite
from selfmob.knowledge.catalogue import load_catalogue

# The glide that gains each motion, as standard teaching states it (clinical brief 3.2).
EXPECTED = [
    ("talocrural", "dorsiflexion", "posterior"),
    ("talocrural", "plantarflexion", "anterior"),
    ("subtalar", "inversion", "lateral"),
    ("subtalar", "eversion", "medial"),
    ("first-mtp", "extension", "dorsal"),
    ("first-mtp", "flexion", "plantar"),
    ("tibiofemoral", "flexion", "posterior"),
    ("tibiofemoral", "extension", "anterior"),
    ("hip", "flexion", "posterior"),
    ("hip", "internal-rotation", "posterior"),
    ("hip", "extension", "anterior"),
    ("hip", "external-rotation", "anterior"),
    ("hip", "abduction", "inferior"),
    ("hip", "adduction", "superior"),
    ("glenohumeral", "flexion", "posterior"),
    ("glenohumeral", "internal-rotation", "posterior"),
    ("glenohumeral", "external-rotation", "anterior"),
    ("glenohumeral", "abduction", "inferior"),
    ("humeroulnar", "flexion", "anterior"),
    ("radiocarpal", "extension", "volar"),
    ("radiocarpal", "flexion", "dorsal"),
    ("radiocarpal", "radial-deviation", "medial"),
    ("mcp", "flexion", "volar"),
    ("mcp", "extension", "dorsal"),
]


@pytest.mark.parametrize(("joint_id", "motion_id", "glide"), EXPECTED)
def test_the_rule_derives_the_taught_glide(joint_id: str, motion_id: str, glide: str) -> None:
    joint = load_catalogue().joints[joint_id]
    motion = joint.motion(motion_id)
    assert motion is not None
    derivation = derive_glide(joint, motion)
    assert derivation.glide == glide
    assert derivation.derived


def test_a_convex_surface_glides_opposite_and_says_so() -> None:
    joint = load_catalogue().joints["talocrural"]
    reason = derive_glide(joint, joint.motions[0]).reason
    assert "convex" in reason and "opposite" in reason and "posterior glide" in reason


def test_spinal_facets_are_stated_not_derived() -> None:
    joint = load_catalogue().joints["atlantoaxial"]
    derivation = derive_glide(joint, joint.motions[0])
    assert not derivation.derived
    assert "exception" in derivation.reason


def test_dorsal_is_opposite_volar_in_the_hand_and_plantar_in_the_foot() -> None:
    assert opposite("dorsal", limb="upper") == "volar"
    assert opposite("dorsal", limb="lower") == "plantar"


@pytest.mark.parametrize("glide", ["distraction", "none"])
def test_distraction_and_no_glide_never_contradict_the_rule(glide: str) -> None:
    joint = load_catalogue().joints["talocrural"]
    assert glide_agrees(glide, derive_glide(joint, joint.motions[0]))


def test_a_wrong_glide_disagrees() -> None:
    joint = load_catalogue().joints["talocrural"]
    assert not glide_agrees("anterior", derive_glide(joint, joint.motions[0]))
