"""The convex–concave rule: which glide of the moving bone gains a motion.

When the moving joint surface is convex it slides opposite to the direction the bone
travels; when it is concave it slides the same way (Kaltenborn; see reference
`physiopedia-arthrokinematics`). Joints where the rule does not apply (spinal facets)
carry a stated glide and the reason instead of a derived one.
"""

from __future__ import annotations

from dataclasses import dataclass

from selfmob.knowledge.schema import Joint, Motion

_OPPOSITE = {
    "anterior": "posterior",
    "posterior": "anterior",
    "superior": "inferior",
    "inferior": "superior",
    "medial": "lateral",
    "lateral": "medial",
    "volar": "dorsal",
    "plantar": "dorsal",
}


@dataclass(frozen=True)
class GlideDerivation:
    glide: str
    reason: str
    derived: bool
    """True when the convex–concave rule gave the glide; False when it is stated."""


def opposite(direction: str, *, limb: str) -> str:
    if direction == "dorsal":
        return "plantar" if limb == "lower" else "volar"
    return _OPPOSITE[direction]


def derive_glide(joint: Joint, motion: Motion) -> GlideDerivation:
    if joint.rule == "exception":
        assert motion.stated_glide is not None, "checked by the schema"
        reason = f"{joint.exception_reason} {motion.stated_reason}"
        return GlideDerivation(motion.stated_glide, reason, derived=False)
    assert motion.roll is not None
    if joint.rule == "convex-moving":
        glide = opposite(motion.roll, limb=joint.limb)
        how = f"the {joint.moving_bone} ({joint.convex}) is convex on the concave {joint.concave}"
        way = "opposite to"
    else:
        glide = motion.roll
        how = f"the {joint.moving_bone} ({joint.concave}) is concave on the convex {joint.convex}"
        way = "in the same direction as"
    reason = (
        f"In {motion.name.lower()} the {joint.moving_bone} moves {motion.roll}; {how}, "
        f"so it glides {way} that movement: a {glide} glide gains {motion.name.lower()} "
        "(convex–concave rule)."
    )
    return GlideDerivation(glide, reason, derived=True)


def glide_agrees(glide: str, derivation: GlideDerivation) -> bool:
    """Distraction and active techniques without a glide never contradict the rule."""
    return glide in ("distraction", "none") or glide == derivation.glide
