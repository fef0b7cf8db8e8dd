"""The one error type of the knowledge core. Messages are constants so tests can assert them."""

from __future__ import annotations

UNKNOWN_TEST = "unknown test id {id!r}; see `selfmob tests` for the list"
UNKNOWN_TECHNIQUE = "unknown technique id {id!r}; see `selfmob techniques` for the list"
UNKNOWN_JOINT = "unknown joint {id!r}; known joints: {known}"
UNKNOWN_MOTION = "unknown motion {id!r}; known motions: {known}"
UNKNOWN_QUESTION = "unknown screening question id {id!r}; see `selfmob screen --list`"
NOT_FINITE = "{field} must be a finite number, got {value!r}"
OUT_OF_RANGE = (
    "{field} {value:g} {unit} is outside the physiological range {low:g}–{high:g} {unit} of {test}"
)
NO_SIDES = "give at least one of --left and --right"
BAD_AGE = "age must be a number between 0 and 120, got {value!r}"
BAD_SEX = "sex must be 'f' or 'm', got {value!r}"
BAD_ANSWER = "answer to {id!r} must be true or false, got {value!r}"
MISSING_ANSWERS = "the screen is incomplete; answer these questions too: {ids}"
BAD_PAIN = "pain must be a whole number from 0 to 10, got {value!r}"
BAD_PAIN_LIMIT = "the pain limit must be a whole number from {low} to {high}, got {value!r}"
BAD_PERCENTILE = "the percentile must be a number above 0 and below 50, got {value!r}"
BAD_MDC = "the MDC override must be a positive finite number, got {value!r}"
BAD_CONTEXT = "{field} must be one of {known}, got {value!r}"
BAD_TRIALS = "the number of readings averaged must be a whole number from 1 to 5, got {value!r}"
BAD_TEST_INSTRUMENT = "instrument {value!r} is not one this test allows: {known}"


class KnowledgeError(ValueError):
    """Bad input to the knowledge core: an unknown id or a value it cannot accept."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CatalogueError(RuntimeError):
    """The curated catalogue itself is wrong: a maintainer must fix a data file."""
