"""The outbox of patient emails: one `Reminder` row per message to send, written in the booking's transaction.

A row names its session and cycle by string foreign keys (this app never imports `bookings`), the kind of
message, and the session version it was written for. The sweep claims due rows, a task sends each one.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from scheduler.models import Clinic


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    SKIPPED = "skipped", "Skipped"


#: Rows that may still go out; the others are final (a failed one only by a person's resend).
OPEN_STATUSES = (ReminderStatus.PENDING, ReminderStatus.SENDING)


class ReminderKind:
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


class Reminder(models.Model):
    """One email to one patient about one session (or its course), sent at most once."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="reminders")
    patient = models.ForeignKey("bookings.Patient", on_delete=models.PROTECT, related_name="reminders")
    cycle = models.ForeignKey("bookings.TreatmentCycle", on_delete=models.PROTECT, related_name="reminders")
    # For course-wide messages (confirmation, course cancelled, booster) the course's first or last session.
    session = models.ForeignKey("bookings.InfusionSession", on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=30)
    session_version = models.PositiveIntegerField(help_text="The session's version when this row was written.")
    session_starts_at = models.DateTimeField(help_text="The session's start when this row was written.")

    due_at = models.DateTimeField(help_text="When it is meant to go (UTC), quiet hours applied.")
    send_after = models.DateTimeField(help_text="Not before this: the due time, or the next retry.")
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
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
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "session_version"], name="reminder_once_per_version"),
            models.CheckConstraint(
                condition=~Q(status=ReminderStatus.SENT) | Q(sent_at__isnull=False), name="reminder_sent_has_time"
            ),
        ]
        indexes = [
            # The sweep: due pending rows, and stale claims.
            models.Index(fields=["send_after"], condition=Q(status="pending"), name="reminder_due_pending"),
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="reminder_claimed"),
            models.Index(fields=["clinic", "status", "due_at"]),
            models.Index(fields=["session", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for session {self.session_id} v{self.session_version} ({self.status})"
