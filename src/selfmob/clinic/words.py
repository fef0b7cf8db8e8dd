"""The catalogue and the rules speak to a client with a coach. A solo user has none: one
table turns each mention of the coach into the professional a solo user should see, so no
page tells someone without a coach to ask one."""

from __future__ import annotations

SOLO_WORDS: tuple[tuple[str, str], ...] = (
    # Longest first: a phrase must be replaced before any shorter phrase inside it.
    ("with your coach or clinician", "with a physiotherapist or doctor"),
    ("ask your coach for strengthening work", "ask a physiotherapist for strengthening work"),
    ("your coach, a physiotherapist or a doctor", "a physiotherapist or a doctor"),
    ("If your coach asked for both directions", "If you need both directions"),
    ("if your coach asked for both directions", "if you need both directions"),
    ("or your coach's limit", "or the limit you set"),
    ("stop and tell your coach", "stop and see a physiotherapist or doctor"),
    ("adjust it with your coach", "adjust it with a physiotherapist"),
    ("talk to your coach", "see a physiotherapist or doctor"),
    ("contact your coach or doctor", "contact a physiotherapist or doctor"),
    ("with your coach's or clinician's approval", "with a physiotherapist's or doctor's approval"),
    ("the stiff level your coach showed you", "the stiff level you found"),
    ("the stiff direction your coach chose", "the stiff direction you measured"),
    ("as your coach prescribed", "as your plan says"),
    ("as your coach showed you", "as these steps describe"),
    ("coach review before starting", "a physiotherapist's review before starting"),
    ("coach review first", "a physiotherapist's review first"),
    ("ask your coach", "ask a physiotherapist or doctor"),
    ("tell your coach", "tell a physiotherapist or doctor"),
)  # fmt: skip


def for_reader(text: str, *, coached: bool) -> str:
    """`text` as a client with a coach reads it, or as a solo user does."""
    if coached:
        return text
    for coach_words, own_words in SOLO_WORDS:
        text = text.replace(coach_words, own_words)
    return text
