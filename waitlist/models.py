"""Waitlist entries (a patient waiting for an earlier start), the offers of freed slots made to them, and the
offer emails (an outbox of their own: an offer may be for a course not booked yet, so it has no session).

Status changes happen in waitlist.services only, by compare-and-swap; nothing here holds rules.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bookings.models import InfusionSession, Patient
from scheduler.models import Chair, Clinic, Protocol, StaffMember

#: How long an offer holds its slot when the clinic set nothing (minutes).
DEFAULT_HOLD_MINUTES = 120


class WaitlistSettings(models.Model):
    """A clinic's waitlist settings (absent: the defaults)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="waitlist_settings")
    waitlist_hold_minutes = models.PositiveSmallIntegerField(
        default=DEFAULT_HOLD_MINUTES, validators=[MinValueValidator(5), MaxValueValidator(2880)],
        help_text="How long an offered slot is held for the patient it was offered to.",
    )

    class Meta:
        verbose_name_plural = "waitlist settings"

    def __str__(self) -> str:
        return f"Waitlist settings of clinic {self.clinic_id}"


def hold_minutes(clinic: Clinic) -> int:
    row = WaitlistSettings.objects.filter(clinic=clinic).values_list("waitlist_hold_minutes", flat=True).first()
    return row or DEFAULT_HOLD_MINUTES


class EntryKind(models.TextChoices):
    COURSE = "course", "New course"
    SESSION = "session", "Earlier session"


class EntryStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered"
    BOOKED = "booked", "Booked"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WaitlistEntry(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="waitlist_entries")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="waitlist_entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    protocol = models.ForeignKey(
        Protocol, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="A new course's protocol."
    )
    session = models.ForeignKey(
        InfusionSession, on_delete=models.PROTECT, null=True, blank=True, related_name="waitlist_entries",
        help_text="The booked session the patient wants earlier.",
    )
    weekdays = models.JSONField(default=list, blank=True, help_text="Weekdays, 0 = Monday; empty: any weekday.")
    time_from = models.TimeField(null=True, blank=True, help_text="Starts at or after (clinic time).")
    time_to = models.TimeField(null=True, blank=True, help_text="Ends by (clinic time).")
    earliest_date = models.DateField(null=True, blank=True)
    latest_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default=EntryStatus.WAITING)
    notes = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["clinic", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=EntryKind.COURSE, protocol__isnull=False, session__isnull=True)
                           | Q(kind=EntryKind.SESSION, session__isnull=False, protocol__isnull=True)),
                name="waitlist_entry_kind_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Waitlist entry {self.pk} ({self.kind}, {self.status})"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    TAKEN = "taken", "Taken by another patient"
    EXPIRED = "expired", "Expired"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WaitlistOffer(models.Model):
    """A slot offered to one entry, held until `expires_at`. `plan` is the whole course the slot begins
    (a new-course entry: the planner's proposal; a session entry: the one session), as booked on acceptance."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.PROTECT, related_name="offers")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="+")
    nurse = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    plan = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED)
    by_hand = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    cycle = models.ForeignKey("bookings.TreatmentCycle", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", help_text="The course booked or moved on acceptance.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"]), models.Index(fields=["clinic", "starts_at"])]
        constraints = [
            # One open offer per entry: a patient holds one slot at a time.
            models.UniqueConstraint(fields=["entry"], condition=Q(status="offered"), name="waitlist_one_open_offer"),
        ]

    def __str__(self) -> str:
        return f"Waitlist offer {self.pk} ({self.status})"


class OfferEmailKind(models.TextChoices):
    OFFER = "offer", "Offer"
    TAKEN = "taken", "Taken"


class OfferEmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class OfferEmail(models.Model):
    """One email about an offer, sent once: written with the offer's change, sent by a task under its row lock."""

    offer = models.ForeignKey(WaitlistOffer, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=10, choices=OfferEmailKind.choices)
    status = models.CharField(max_length=10, choices=OfferEmailStatus.choices, default=OfferEmailStatus.PENDING)
    status_reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["offer", "kind"], name="waitlist_one_email_per_kind")]

    def __str__(self) -> str:
        return f"Waitlist email {self.pk} ({self.kind}, {self.status})"
