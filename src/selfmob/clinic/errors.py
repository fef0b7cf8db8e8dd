"""The one error type of the web app's services: field name to a clear message."""

from __future__ import annotations

from selfmob.knowledge.errors import KnowledgeError

NOT_A_COACH = "only a coach can do this"
EMAIL_TAKEN = "an account with this e-mail already exists"
CLIENT_EXISTS = "you already have a client with this e-mail"
INVITE_INVALID = "this invite link is not valid: it may have expired or been used already"
FUTURE_DATE = "a session cannot be logged for a day in the future"
BEFORE_PLAN = "this plan starts on {start}: a session cannot be logged before that"
TRIALS = "give 1 to 3 trials"
KEY_REUSED = "this idempotency key was already used for a different session"
PLAN_BLOCKED = "the last red-flag screen says to see a professional; record a clearance first"
NOT_SCREENED = "screen the client for red flags before starting a plan"
ITEM_REMOVED = "this plan item was removed"
DATE_RANGE = "plan dates fall between 2000 and 2099"
DATES = "the end date must not be before the start date"
SCHEDULE = "choose weekdays or every N days, not both and not neither"
WEEKDAYS = "weekdays are numbers 1 (Monday) to 7 (Sunday)"
PAIN_REST_MISSING = (
    "record your pain now, at rest, before you start: a whole number from 0 (none) to 10"
)
NEXT_DAY_WINDOW = "next-day pain is recorded on the one or two days after the session"
NEXT_DAY_DONE = "the next-day pain of this session is already recorded"
HAS_ACCOUNT = (
    "this client already has an account; they can reset their password from the log-in page"
)
BAD_INSTRUMENT = "the instrument must be one this test allows: {known}"
NECK_NOT_SCREENED = (
    "neck techniques need the red-flag screen with the neck questions first: screen again "
    "with the neck questions"
)
ONLY_THE_CLIENT = "only the client logs their own sessions"
COACH_SETTING = "only a coach sets the limit of normal for their clients"
NOTHING_TO_CLEAR = (
    "no red-flag screen is waiting for a clearance: only a screen that said to refer needs one"
)


class InvalidInput(ValueError):
    """Bad input to a service. `fields` maps a field name (or "__all__") to its message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields

    @classmethod
    def one(cls, field: str, message: str) -> InvalidInput:
        return cls({field: message})

    @classmethod
    def from_knowledge(cls, exc: KnowledgeError, field: str | None = None) -> InvalidInput:
        return cls({field or exc.field or "__all__": exc.message})
