"""Tables of the self-mobilization loop. Public ids are UUIDs; logic lives in services.

History is append-only where it matters: a logged session copies the technique, test, side,
pain limit and MDC it was logged against, so editing a plan never rewrites the past.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=User.Role.COACH)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        COACH = "coach", "Coach"
        CLIENT = "client", "Client"
        SOLO = "solo", "Solo user"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    limit_percentile = models.FloatField(
        null=True,
        blank=True,
        help_text="A coach's percentile of healthy people that sets the limit of normal for "
        "their clients; empty: the catalogue's default.",
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    """When the person agreed to the processing of their health data (sign-up or invite);
    empty for an account the operator made (demo data, the command line)."""
    consent_version = models.CharField(max_length=20, blank=True)
    """The version of the text they agreed to (services/accounts.CONSENT_VERSION)."""

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(limit_percentile__isnull=True)
                | (Q(limit_percentile__gt=0) & Q(limit_percentile__lt=50)),
                name="limit_percentile_0_to_50",
            )
        ]

    def __str__(self) -> str:
        return self.email


class Client(models.Model):
    """A person doing self-mobilization; `coach` is empty for a solo user."""

    class Sex(models.TextChoices):
        FEMALE = "f", "Female"
        MALE = "m", "Male"

    class ScreeningStatus(models.TextChoices):
        """Kept by the screening services, in the transaction that changes the screens: a
        `refer` screen holds until the coach clears it, whatever later screens say."""

        NOT_SCREENED = "none", "Not screened"
        CLEAR = "clear", "Clear to go on"
        REFERRED = "refer", "Waiting for a clearance"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coach = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="clients"
    )
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="client_record"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField()
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    screening_status = models.CharField(
        max_length=5, choices=ScreeningStatus.choices, default=ScreeningStatus.NOT_SCREENED
    )
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    """Set when the coach archives the client: off the dashboard and lists, records kept."""

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["coach", "email"], name="one_client_per_email_per_coach"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Invite(models.Model):
    """A single-use, expiring link for a client to set a password. Only a hash is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class Screening(models.Model):
    class Verdict(models.TextChoices):
        CLEAR = "clear"
        CAUTION = "caution"
        REFER = "refer"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="screenings")
    answers = models.JSONField()
    neck = models.BooleanField(default=False)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    urgent = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]


class Clearance(models.Model):
    """A coach's recorded decision that a `refer` screening was seen by a professional."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    screening = models.OneToOneField(Screening, on_delete=models.CASCADE, related_name="clearance")
    cleared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)


class Assessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    measured_on = models.DateField()
    measured_by = models.CharField(max_length=120)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-measured_on", "-created_at"]


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class Measurement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="measurements"
    )
    test_id = models.CharField(max_length=64)
    side = models.CharField(max_length=5, choices=Side.choices)
    trials = models.JSONField()
    value = models.FloatField()
    instrument = models.CharField(max_length=32)
    position = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["assessment", "test_id", "side"], name="one_value_per_test_side"
            ),
        ]


class Plan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="plans")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-starts_on"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="plan_ends_after_it_starts",
            ),
        ]


class PlanItem(models.Model):
    """One technique in a plan. Removing it sets `removed_at`; logged sessions keep it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    technique_id = models.CharField(max_length=64)
    side = models.CharField(max_length=5, choices=Side.choices, blank=True)
    dose = models.JSONField()
    weekdays = models.JSONField(default=list, blank=True)
    """ISO weekdays (1 = Monday); empty when `every_days` sets the schedule."""
    every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_limit = models.PositiveSmallIntegerField(default=2)
    retest_id = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["position"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(pain_limit__lte=3), name="pain_limit_0_to_3"),
        ]


class Session(models.Model):
    """A self-mobilization done at home: pain at rest, pre-test, technique, pain during,
    post-test."""

    class Verdict(models.TextChoices):
        REAL_GAIN = "real_gain"
        WITHIN_ERROR = "within_error"
        REAL_LOSS = "real_loss"

    class MeasuredBy(models.TextChoices):
        SELF = "self", "Me, or someone helping me at home"
        CLINICIAN = "clinician", "A clinician"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.UUIDField(unique=True)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sessions")
    plan_item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="sessions")
    performed_on = models.DateField()
    technique_id = models.CharField(max_length=64)
    test_id = models.CharField(max_length=64)
    side = models.CharField(max_length=5, choices=Side.choices, blank=True)
    pre = models.FloatField()
    post = models.FloatField()
    instrument = models.CharField(max_length=32, blank=True)
    """How pre and post were measured, e.g. `phone-inclinometer`; empty when not said."""
    measured_by = models.CharField(max_length=9, choices=MeasuredBy.choices, blank=True)
    """Who took pre and post: the person (alone or with a helper) or a clinician; empty for
    sessions logged before it was asked, which were all logged by the person."""
    readings = models.PositiveSmallIntegerField(null=True, blank=True)
    """How many readings were averaged into each of pre and post; null when not recorded."""
    change = models.FloatField()
    mdc = models.FloatField()
    """The within-session MDC that judged post against pre (knowledge/rules/mdc.py)."""
    mdc_level = models.CharField(max_length=8, blank=True)
    mdc_source = models.CharField(max_length=64, blank=True)
    mdc_fit = models.CharField(max_length=8, blank=True)
    """How that MDC fits the session's context; the three are empty for older sessions."""
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    pain_rest = models.PositiveSmallIntegerField(null=True, blank=True)
    """Pain at rest before the session, 0-10; null for sessions logged before it was asked
    for, which keep the verdict of the older rule (knowledge/rules/pain.py)."""
    pain_during = models.PositiveSmallIntegerField()
    pain_limit = models.PositiveSmallIntegerField()
    over_limit = models.BooleanField(default=False)
    pain_next_day = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-performed_on", "-created_at"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["client", "performed_on"], name="session_client_day"),
            models.Index(
                fields=["plan_item", "performed_on", "created_at"], name="session_item_day"
            ),
        ]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(pain_during__lte=10), name="pain_during_0_to_10"),
            models.CheckConstraint(
                condition=Q(pain_rest__isnull=True) | Q(pain_rest__lte=10),
                name="pain_rest_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(pain_next_day__isnull=True) | Q(pain_next_day__lte=10),
                name="pain_next_day_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(readings__isnull=True) | Q(readings__gte=1, readings__lte=5),
                name="readings_1_to_5",
            ),
        ]


class ApiToken(models.Model):
    """A personal API token. Only its hash is kept; the token is shown once, at creation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    """The token's first characters, to tell tokens apart on the account page."""
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]


class CalendarFeed(models.Model):
    """A secret, revocable address of a client's plan as an iCalendar feed. Only the hash of
    its token is kept; a new feed revokes the previous one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]


class RateCount(models.Model):
    """One counter of a fixed time window (failed log-ins of an account or an address, exports
    of an account), shared by every process. Keys hold hashes and ids, never e-mails."""

    key = models.CharField(primary_key=True, max_length=120)
    count = models.PositiveIntegerField()
    expires_at = models.FloatField(db_index=True)
    """When the window ends, in seconds since the epoch."""


class AuditEntry(models.Model):
    """One access to a client's records: who (a user id), whose records (a client id), what
    and how, when and from which address. Written by services/audit.py, never changed: the
    migration adds database triggers that refuse UPDATE and DELETE, except blanking an address
    past its retention (`selfmob audit --purge-addresses`).

    Ids only, never names or values: erasing a person leaves nothing personal here but the
    address, which is purged. The ids are plain columns, not foreign keys, so deleting a user
    or a client neither cascades here nor is refused. A read is kept once per person, client,
    interface and clock hour (`hour`, the one unique key); every other kind, every time."""

    class Kind(models.TextChoices):
        READ = "read", "read"
        EXPORT = "export", "exported"
        CHANGE = "change", "changed"
        INVITE = "invite", "invited"
        CLEAR = "clear", "cleared"
        DELETE = "delete", "deleted"

    class Interface(models.TextChoices):
        PAGE = "page", "web page"
        API = "api", "API"
        CLI = "cli", "command line"
        FEED = "feed", "calendar feed"

    class What(models.TextChoices):
        CLIENT_LIST = "client-list", "client list"
        CLIENT = "client", "client record"
        TODAY = "today", "today's plan"
        PROGRESS = "progress", "progress"
        SCREENING = "screening", "red-flag screen"
        CLEARANCE = "clearance", "clearance"
        ASSESSMENT = "assessment", "assessment"
        PLAN = "plan", "plan"
        PLAN_ITEM = "plan-item", "plan item"
        SESSION = "session", "session"
        CALENDAR = "calendar", "calendar feed"
        INVITE = "invite", "invite link"
        JSON = "json", "JSON document"
        CSV = "csv", "CSV table"
        FHIR = "fhir", "FHIR bundle"
        ICS = "ics", "calendar file"
        PDF_PLAN = "pdf-plan", "plan handout (PDF)"
        PDF_PROGRESS = "pdf-progress", "progress report (PDF)"
        IMPORT = "import", "practice import"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now)
    hour = models.DateTimeField(null=True, blank=True)
    """For a read, the start of its clock hour (UTC); empty for every other kind."""
    user_id = models.UUIDField(null=True, blank=True, db_index=True)
    """Who: a user's id; empty for the server's command line."""
    client_id = models.UUIDField()
    """Whose records: a client record's id."""
    kind = models.CharField(max_length=8, choices=Kind.choices)
    interface = models.CharField(max_length=4, choices=Interface.choices)
    what = models.CharField(max_length=16, choices=What.choices)
    """For a read, the first thing read in that hour."""
    record_id = models.UUIDField(null=True, blank=True)
    """The record written (a session, a plan, …), when there is one."""
    address = models.GenericIPAddressField(null=True, blank=True)
    """Personal data: blanked after SELFMOB_AUDIT_ADDRESS_DAYS by the purge."""

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["client_id", "at"], name="audit_client_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["user_id", "client_id", "kind", "interface", "hour"],
                condition=Q(hour__isnull=False),
                name="audit_one_read_per_hour",
            ),
            models.CheckConstraint(
                condition=Q(kind="read", hour__isnull=False) | (~Q(kind="read") & Q(hour=None)),
                name="audit_hour_only_for_reads",
            ),
        ]
