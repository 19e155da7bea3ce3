"""Patients, their treatment cycles (courses), the infusion sessions that hold chairs, the outbox of patient emails,
and the outbox of freed chair time for the waitlist.

Status changes happen in bookings.services only, one function per transition; nothing here holds rules.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone

from scheduler.models import Chair, Clinic, Protocol, StaffMember, validate_timezone


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL; nothing on SQLite, where immediate transactions serialise writers."""

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using="default"):
        from django.db import connections

        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


class Patient(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients", help_text="Home clinic.")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    timezone = models.CharField(max_length=64, default="America/New_York", validators=[validate_timezone])
    email_consent = models.BooleanField(default=False)
    email_consent_at = models.DateTimeField(null=True, blank=True)
    email_consent_source = models.CharField(
        max_length=80, blank=True, help_text="Where consent was given: intake form, phone call, web…"
    )
    email_consent_withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient last unsubscribed (a link in every email)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["clinic", "last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(email_consent=False) | Q(email_consent_at__isnull=False),
                name="patient_consent_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class CycleStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    ABANDONED = "abandoned", "Abandoned"


class ReviewReason(models.TextChoices):
    AFTER_SESSION = "after_session", "Review after session 3"
    EARLY_DROPOUT = "early_dropout", "Missed or cancelled early in the course"


class TreatmentCycle(models.Model):
    """One course of a protocol for one patient: n sessions booked together."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cycles")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="cycles")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="cycles")
    status = models.CharField(max_length=20, choices=CycleStatus.choices, default=CycleStatus.PLANNED)
    session_count = models.PositiveSmallIntegerField(help_text="n, copied from the protocol when booked.")
    version = models.PositiveIntegerField(default=1)
    needs_review = models.BooleanField(default=False)
    review_reason = models.CharField(max_length=30, choices=ReviewReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["clinic", "status"]), models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"Cycle {self.pk} ({self.get_status_display()})"


class SessionStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    IN_CHAIR = "in_chair", "In chair"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    LATE_CANCELLED = "late_cancelled", "Late-cancelled"
    NO_SHOW = "no_show", "No-show"


#: States in which a session holds its chair, its nurse's attention and its patient's time.
OCCUPYING_STATUSES = (
    SessionStatus.BOOKED,
    SessionStatus.CONFIRMED,
    SessionStatus.CHECKED_IN,
    SessionStatus.IN_CHAIR,
    SessionStatus.COMPLETED,
)
#: States from which a session may still be moved or cancelled.
UPCOMING_STATUSES = (SessionStatus.BOOKED, SessionStatus.CONFIRMED)
#: A session cancelled, in or outside the late-cancel window.
CANCELLED_STATUSES = (SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED)
#: A session the patient did not have: cancelled (in time or late) or not attended. A make-up may replace it.
MISSED_STATUSES = (*CANCELLED_STATUSES, SessionStatus.NO_SHOW)
#: What a session's "needs moving" mark is when cleared (moved, cancelled, or its cause lifted).
NEEDS_MOVING_CLEARED: dict = {"needs_moving_since": None, "needs_moving_reasons": [], "needs_moving_cause": ""}
TERMINAL_STATUSES = (
    SessionStatus.COMPLETED,
    SessionStatus.CANCELLED,
    SessionStatus.LATE_CANCELLED,
    SessionStatus.NO_SHOW,
)

#: What each session action makes of a session, in words: "A session that is completed cannot be moved."
TRANSITION_LABELS = {
    "move": "moved",
    "confirm": "confirmed",
    "check_in": "checked in",
    "start": "started",
    "complete": "completed",
    "cancel": "cancelled",
    "no_show": "marked a no-show",
}


def transition_refusal(status_label: str, action: str) -> str:
    """The message of an invalid_transition refusal, for the services and the API's examples alike."""
    return f"A session that is {status_label} cannot be {TRANSITION_LABELS[action]}."


class CancelledBy(models.TextChoices):
    PATIENT = "patient", "Patient"
    CLINIC = "clinic", "Clinic"


def _user_fk():
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class InfusionSession(models.Model):
    cycle = models.ForeignKey(TreatmentCycle, on_delete=models.PROTECT, related_name="sessions")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="sessions")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="sessions")
    chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="sessions")
    nurse = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    sequence = models.PositiveSmallIntegerField(help_text="k in 'session k of n'.")
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.BOOKED)
    version = models.PositiveIntegerField(default=1, help_text="Grows on every change; patient links bind to it.")
    extra_monitoring = models.BooleanField(default=False)

    booked_at = models.DateTimeField(auto_now_add=True)
    booked_by = _user_fk()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = _user_fk()
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = _user_fk()
    chair_started_at = models.DateTimeField(null=True, blank=True, help_text="When the patient sat in the chair.")
    chair_started_by = _user_fk()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = _user_fk()
    early_completion_reason = models.CharField(
        max_length=300, blank=True,
        help_text="Why the session was completed before the protocol's chair time had passed; empty otherwise.",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = _user_fk()
    cancelled_by_party = models.CharField(max_length=10, choices=CancelledBy.choices, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    no_show_at = models.DateTimeField(null=True, blank=True)
    no_show_by = _user_fk()
    reschedule_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="The patient asked (through an email link) to move this session; cleared when it moves."
    )
    called_at = models.DateTimeField(
        null=True, blank=True, help_text="When the desk last phoned the patient about this session (tomorrow's unconfirmed list)."
    )
    called_by = _user_fk()
    made_up_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="make_ups",
        help_text="The cancelled or missed session of the course this one makes up for; null for a session booked with the course.",
    )
    # Set when a saved change (a closure, a chair out of service, a nurse's time off or shift, opening hours, a
    # chair taken out of service) leaves this upcoming session where it can no longer happen: the desk's "Needs
    # moving" worklist. Cleared when the session moves or is cancelled, or when a later change lifts the cause.
    needs_moving_since = models.DateTimeField(
        null=True, blank=True, help_text="When a saved change left this session where it can no longer happen."
    )
    needs_moving_reasons = models.JSONField(
        default=list, blank=True, help_text="Why it can no longer happen: reason codes (clinic_closed, nurse_absent …)."
    )
    needs_moving_cause = models.CharField(
        max_length=300, blank=True, help_text="The change that stranded it, in words (e.g. “Closure added: Burst pipe”)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["clinic", "starts_at"]),
            models.Index(fields=["chair", "starts_at"]),
            models.Index(fields=["nurse", "starts_at"]),
            models.Index(fields=["patient", "starts_at"]),
            models.Index(fields=["cycle", "sequence"]),
            models.Index(fields=["clinic", "needs_moving_since"], name="session_needs_moving",
                         condition=Q(needs_moving_since__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.UniqueConstraint(
                fields=["cycle", "sequence"],
                condition=Q(status__in=OCCUPYING_STATUSES),
                name="session_one_active_per_sequence",
            ),
            # A missed session is made up once: a second make-up for it, even at the same moment, is refused.
            models.UniqueConstraint(
                fields=["made_up_for"],
                condition=Q(status__in=OCCUPYING_STATUSES) & Q(made_up_for__isnull=False),
                name="session_one_make_up_per_missed",
            ),
            PostgresExclusionConstraint(
                name="session_no_chair_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("chair", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=OCCUPYING_STATUSES),
            ),
            PostgresExclusionConstraint(
                name="session_no_patient_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("patient", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=OCCUPYING_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        # In the active time zone (the staff member's clinic); reads no related row.
        return f"Session {self.sequence} at {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M %Z}"


class EventKind:
    """What a `SessionEvent` records, besides the transitions (whose kind is the transition's action)."""

    BOOKED = "booked"
    MOVED = "moved"  # starts_at, chair or nurse changed; each move is one calendar revision (SEQUENCE)
    RESCHEDULE_REQUESTED = "reschedule_requested"  # the patient asked, through an email link
    CALLED = "called"  # the desk phoned the patient about it (tomorrow's unconfirmed list)
    MADE_UP = "made_up"  # on a missed session: a make-up session replaced it (data: the make-up's id)
    RENUMBERED = "renumbered"  # a make-up joined the course before it: k in "session k of n" changed
    REASSIGNED = "reassigned"  # chair or nurse changed at the same time (re-plan): no calendar revision, no email


class SessionEvent(models.Model):
    """Append-only history of a session: every transition and move, with who and when."""

    session = models.ForeignKey(InfusionSession, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField()
    at = models.DateTimeField()
    by = _user_fk()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["session", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


# --- The outbox of patient emails ------------------------------------------------------------------


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    SKIPPED = "skipped", "Skipped"


#: Rows that may still go out; the others are final (a failed one only by a person's resend).
OPEN_EMAIL_STATUSES = (EmailStatus.PENDING, EmailStatus.SENDING)


class EmailKind:
    """What a message is. Reminders are `reminder_<hours>h`, one per clinic offset."""

    CONFIRMATION = "confirmation"  # a course was booked: every session, with a calendar file
    MOVED = "moved"  # one session moved: the updated calendar entry (same UID, SEQUENCE + 1)
    CANCELLED = "cancelled"  # one session cancelled: METHOD:CANCEL
    CYCLE_CANCELLED = "cycle_cancelled"  # the whole course cancelled: one email, every session cancelled
    BOOSTER_RECALL = "booster_recall"  # a course completed some weeks ago: come back for a booster
    REMINDER_PREFIX = "reminder_"

    NOTICES = (CONFIRMATION, MOVED, CANCELLED, CYCLE_CANCELLED)

    @classmethod
    def reminder(cls, hours: int) -> str:
        return f"{cls.REMINDER_PREFIX}{hours}h"

    @classmethod
    def reminder_hours(cls, kind: str) -> int | None:
        if kind.startswith(cls.REMINDER_PREFIX) and kind.endswith("h"):
            return int(kind[len(cls.REMINDER_PREFIX):-1])
        return None


class PatientEmail(models.Model):
    """One email to one patient about one session (or its course), sent at most once: the outbox.

    The booking services write these rows in their own transaction (bookings.outbox), so a booking and the
    emails it owes commit or roll back together; the delivery layer (notifications) claims and sends them.
    The table keeps the name it had when the outbox lived in notifications.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="emails")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="emails")
    cycle = models.ForeignKey(TreatmentCycle, on_delete=models.PROTECT, related_name="emails")
    # For course-wide messages (confirmation, course cancelled, booster) the course's first or last session.
    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="emails")
    kind = models.CharField(max_length=30)
    session_version = models.PositiveIntegerField(help_text="The session's version when this row was written.")
    session_starts_at = models.DateTimeField(help_text="The session's start when this row was written.")
    previous_starts_at = models.DateTimeField(
        null=True, blank=True, help_text="For a move notice: the session's start before the move."
    )

    due_at = models.DateTimeField(help_text="When it is meant to go (UTC), quiet hours applied.")
    send_after = models.DateTimeField(help_text="Not before this: the due time, or the next retry.")
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    status_reason = models.CharField(max_length=200, blank=True, help_text="Why it was skipped or cancelled.")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    resends = models.PositiveSmallIntegerField(default=0, help_text="How many times staff sent it again.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "notifications_reminder"
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "session_version"], name="reminder_once_per_version"),
            models.CheckConstraint(
                condition=~Q(status=EmailStatus.SENT) | Q(sent_at__isnull=False), name="reminder_sent_has_time"
            ),
        ]
        indexes = [
            # The sweep: due pending rows, and stale claims.
            models.Index(fields=["send_after"], condition=Q(status="pending"), name="reminder_due_pending"),
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="reminder_claimed"),
            models.Index(fields=["clinic", "status", "due_at"], name="notificatio_clinic__117dfc_idx"),
            models.Index(fields=["session", "kind"], name="notificatio_session_a5cf79_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for session {self.session_id} v{self.session_version} ({self.status})"


class FreedSlot(models.Model):
    """A chair's time that was freed (a cancel, a move away, a closure lifted, an offer closed): an outbox row for
    the waitlist, written in the transaction that freed the time and handled once (bookings.services.freed)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    chair = models.ForeignKey(Chair, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    cause = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True, help_text="offered, none, past or not free.")

    class Meta:
        indexes = [models.Index(fields=["created_at"], condition=Q(handled_at__isnull=True), name="freedslot_unhandled")]

    def __str__(self) -> str:
        return f"Chair {self.chair_id} freed {self.starts_at:%Y-%m-%d %H:%M} ({self.cause})"
