"""Subcutaneous pump courses (issue 16): the pumps a clinic owns, their maintenance, the pump protocols, and the
courses, episodes and visits booked with them.

An **episode** holds one pump around the clock from its fitting to its removal, plus the clinic's turnaround
(cleaning and a check) before the next patient; its visits (the fitting, one review a day, the removal) are placed
inside opening hours and nurse shifts. The database forbids two episodes on one pump at once and one patient in two
episodes at once (PostgreSQL exclusion constraints; on SQLite immediate transactions serialise the writers, and the
booking check runs under them). Rules live in scheduler.planning.pumps (pure) and pumps.services (writes).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from bookings.models import EmailStatus, Patient, PostgresExclusionConstraint, TsTzRange
from scheduler.models import Chair, Clinic, StaffMember


def _user_fk():
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")


class PumpSettings(models.Model):
    """A clinic's pump settings (absent: the defaults below)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="pump_settings")
    turnaround_hours = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(0), MaxValueValidator(168)],
        help_text="Hours a returned pump needs (cleaning, a check) before the next patient's fitting.",
    )
    return_grace_hours = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(0), MaxValueValidator(72)],
        help_text="A pump not returned this many hours after its removal visit ends is overdue: it goes on the "
        "worklist and the patient is reminded.",
    )

    class Meta:
        verbose_name_plural = "pump settings"

    def __str__(self) -> str:
        return f"Pump settings of {self.clinic}"


#: The defaults of a clinic without a PumpSettings row.
DEFAULT_TURNAROUND_HOURS = 4
DEFAULT_RETURN_GRACE_HOURS = 2


class PumpStatus(models.TextChoices):
    IN_SERVICE = "in_service", "In service"
    MAINTENANCE = "maintenance", "In maintenance"
    RETIRED = "retired", "Retired"


class Pump(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="pumps")
    label = models.CharField(max_length=60, help_text="What staff call it, e.g. “Pump 2”.")
    serial_number = models.CharField(max_length=80)
    status = models.CharField(max_length=20, choices=PumpStatus.choices, default=PumpStatus.IN_SERVICE)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["clinic", "label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "label"], name="pump_label_unique_per_clinic"),
            models.UniqueConstraint(fields=["clinic", "serial_number"], name="pump_serial_unique_per_clinic"),
        ]

    def __str__(self) -> str:
        return self.label


class PumpMaintenance(models.Model):
    """A span when a pump is out for maintenance (booked ahead, like a chair's closure)."""

    pump = models.ForeignKey(Pump, on_delete=models.CASCADE, related_name="maintenance")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pump", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="pump_maintenance_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.pump} maintenance from {self.starts_at:%Y-%m-%d}"


class ReviewMode(models.TextChoices):
    VISIT = "visit", "Visit to the clinic"
    PHONE = "phone", "Phone review"


class PumpProtocolQuerySet(models.QuerySet):
    def offered_at(self, clinic_id: int) -> PumpProtocolQuerySet:
        """Active protocols the clinic may book: its own and the shared ones (clinic empty)."""
        return self.filter(Q(clinic_id=clinic_id) | Q(clinic__isnull=True), is_active=True)


class PumpProtocol(models.Model):
    """How a pump course runs (data, like the infusion protocols): the episode's length, its visits, and the
    spacing between the episodes of one course."""

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="pump_protocols",
        help_text="Empty: shared by every clinic.",
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    indication = models.CharField(max_length=60, blank=True)
    is_active = models.BooleanField(default=True)
    episode_days = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(14)],
        help_text="Days the pump is worn: the removal is this many days after the fitting, at the same wall-clock time.",
    )
    episodes_per_course = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    min_days_between_episodes = models.PositiveSmallIntegerField(
        default=7, validators=[MaxValueValidator(365)],
        help_text="Days from one episode's removal to the next episode's fitting, at least.",
    )
    max_days_between_episodes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(365)], help_text="… and at most (empty: no limit).",
    )
    fitting_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(240)],
        help_text="The fitting visit: in a chair, with a nurse.",
    )
    review_mode = models.CharField(max_length=10, choices=ReviewMode.choices, default=ReviewMode.VISIT)
    review_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    review_needs_chair = models.BooleanField(default=True, help_text="A review visit holds a chair (phone reviews never do).")
    phone_review_when_closed = models.BooleanField(
        default=True,
        help_text="On a day the clinic is closed inside an episode, the review is done by phone. Off: such an "
        "episode is refused.",
    )
    removal_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(240)],
        help_text="The removal visit: in a chair, with a nurse.",
    )
    notes = models.TextField(blank=True)

    objects = PumpProtocolQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "slug"], name="pump_protocol_slug_unique_per_clinic"),
            models.UniqueConstraint(fields=["slug"], condition=Q(clinic__isnull=True),
                                    name="pump_protocol_shared_slug_unique"),
            models.CheckConstraint(
                condition=Q(max_days_between_episodes__isnull=True)
                | Q(max_days_between_episodes__gte=F("min_days_between_episodes")),
                name="pump_protocol_gap_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PumpCourseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class PumpCourse(models.Model):
    """A patient's course of pump episodes (one protocol, `episodes_per_course` episodes)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="pump_courses")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="pump_courses")
    protocol = models.ForeignKey(PumpProtocol, on_delete=models.PROTECT, related_name="courses")
    status = models.CharField(max_length=20, choices=PumpCourseStatus.choices, default=PumpCourseStatus.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = _user_fk()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["clinic", "status"]), models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return f"Pump course {self.pk}"


class EpisodeStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    FITTED = "fitted", "Pump fitted"
    REMOVED = "removed", "Pump removed"  # off the patient, not yet back in the clinic's hands
    RETURNED = "returned", "Pump returned"
    CANCELLED = "cancelled", "Cancelled"


#: An episode in these states holds its pump and its patient (the exclusion constraints count only these).
HOLDING_STATUSES = (EpisodeStatus.BOOKED, EpisodeStatus.FITTED, EpisodeStatus.REMOVED, EpisodeStatus.RETURNED)


class Episode(models.Model):
    """One pump worn from its fitting to its removal: booked as one all-or-nothing unit with its visits.

    `starts_at` is the fitting's start, `ends_at` the removal's end (the patient's span); `pump_until` is when the
    pump may next be fitted: the removal's end plus the turnaround as booked, moved on by an early removal, a late
    return or the return itself. The exclusion constraints hold the pump over [starts_at, pump_until) and the
    patient over [starts_at, ends_at).
    """

    course = models.ForeignKey(PumpCourse, on_delete=models.PROTECT, related_name="episodes")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="pump_episodes")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="pump_episodes")
    pump = models.ForeignKey(Pump, on_delete=models.PROTECT, related_name="episodes")
    number = models.PositiveSmallIntegerField(help_text="k in 'episode k of n'.")
    status = models.CharField(max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.BOOKED)
    version = models.PositiveIntegerField(default=1, help_text="Grows on every change; patient links bind to it.")
    starts_at = models.DateTimeField(help_text="The fitting visit's start.")
    ends_at = models.DateTimeField(help_text="The removal visit's end (as booked; an early removal moves it).")
    pump_until = models.DateTimeField(help_text="When the pump may next be fitted: removal end + turnaround.")

    booked_at = models.DateTimeField(auto_now_add=True)
    booked_by = _user_fk()
    fitted_at = models.DateTimeField(null=True, blank=True)
    fitted_by = _user_fk()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = _user_fk()
    early_removal_reason = models.CharField(max_length=300, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = _user_fk()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = _user_fk()
    cancel_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["clinic", "starts_at"]),
            models.Index(fields=["pump", "starts_at"]),
            models.Index(fields=["patient", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="episode_ends_after_start"),
            models.CheckConstraint(condition=Q(pump_until__gte=F("ends_at")), name="episode_pump_until_after_end"),
            models.UniqueConstraint(fields=["course", "number"], condition=~Q(status=EpisodeStatus.CANCELLED),
                                    name="episode_one_per_number"),
            PostgresExclusionConstraint(
                name="episode_no_pump_overlap",
                expressions=[
                    (TsTzRange("starts_at", "pump_until", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("pump", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=HOLDING_STATUSES),
            ),
            PostgresExclusionConstraint(
                name="episode_no_patient_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("patient", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=HOLDING_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.number} ({self.pump})"


class VisitKind(models.TextChoices):
    FITTING = "fitting", "Fitting"
    REVIEW = "review", "Daily review"
    REMOVAL = "removal", "Removal"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


#: A visit in these states holds its chair and its nurse.
VISIT_HOLDING_STATUSES = (VisitStatus.PLANNED, VisitStatus.DONE)


class EpisodeVisit(models.Model):
    """A visit of an episode: the fitting (day 0), a review each day between, the removal (day `episode_days`).

    A visit to the clinic holds a nurse, and a chair where the protocol says so; a phone review holds a nurse when one
    is on shift (on a day the clinic is closed it is the on-call clinician's: no nurse, no chair). Every visit of an
    episode is at the fitting's wall-clock time in the clinic's zone, whatever the daylight-saving change between.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="visits")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="pump_visits")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="pump_visits")
    kind = models.CharField(max_length=10, choices=VisitKind.choices)
    mode = models.CharField(max_length=10, choices=ReviewMode.choices, default=ReviewMode.VISIT)
    day = models.PositiveSmallIntegerField(help_text="Days after the fitting (0 for the fitting).")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    chair = models.ForeignKey(Chair, null=True, blank=True, on_delete=models.PROTECT, related_name="pump_visits")
    nurse = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="pump_visits")
    status = models.CharField(max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = _user_fk()
    missed_at = models.DateTimeField(null=True, blank=True)
    missed_by = _user_fk()
    note = models.CharField(max_length=500, blank=True, help_text="Staff only; never in an email.")

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["clinic", "starts_at"]),
            models.Index(fields=["chair", "starts_at"]),
            models.Index(fields=["nurse", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="pump_visit_ends_after_start"),
            models.UniqueConstraint(fields=["episode", "day", "kind"], name="pump_visit_one_per_day_and_kind"),
            models.CheckConstraint(condition=Q(mode=ReviewMode.VISIT) | Q(chair__isnull=True),
                                   name="pump_visit_phone_without_chair"),
            PostgresExclusionConstraint(
                name="pump_visit_no_chair_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("chair", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=VISIT_HOLDING_STATUSES) & Q(chair__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (day {self.day})"


class EpisodeEmailKind(models.TextChoices):
    """What an episode's email is. Reminders are about one visit (`EpisodeEmail.visit`); the others about the episode."""

    CONFIRMATION = "confirmation", "Confirmation (every visit, with a calendar file)"
    FITTING_REMINDER = "fitting_reminder", "First visit reminder (the day before, with the preparation)"
    REVIEW_REMINDER = "review_reminder", "Check-in reminder (a review day)"
    REMOVAL_REMINDER = "removal_reminder", "Last visit reminder (the day before)"
    RETURN_REMINDER = "return_reminder", "Return reminder (device overdue)"
    CANCELLED = "cancelled", "Cancellation notice"
    REMOVED_EARLY = "removed_early", "Early removal notice"


class EpisodeEmail(models.Model):
    """One email to one patient about one episode (or one of its visits), sent at most once: the episode outbox.

    Written by pumps.outbox in the transaction of the change that owes it (the booking, the cancellation, the early
    removal) or by the overdue sweep; sent by pumps.delivery, which claims due rows with SKIP LOCKED, holds the row's
    lock while it sends, and re-reads the episode and the visit first. Statuses are bookings' `EmailStatus`.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="pump_emails")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="pump_emails")
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="emails")
    visit = models.ForeignKey(EpisodeVisit, null=True, blank=True, on_delete=models.CASCADE, related_name="emails",
                              help_text="The visit a reminder is about (empty for the episode's notices).")
    kind = models.CharField(max_length=20, choices=EpisodeEmailKind.choices)
    episode_version = models.PositiveIntegerField(help_text="The episode's version when this row was written.")
    visit_starts_at = models.DateTimeField(null=True, blank=True, help_text="The visit's start when this row was written.")

    due_at = models.DateTimeField(help_text="When it is meant to go (UTC), quiet hours applied.")
    send_after = models.DateTimeField(help_text="Not before this: the due time, or the next retry.")
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    status_reason = models.CharField(max_length=200, blank=True, help_text="Why it was skipped or cancelled.")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            # Writing an episode's emails twice is harmless: one row per (episode, kind, visit).
            models.UniqueConstraint(fields=["episode", "kind", "visit"], condition=Q(visit__isnull=False),
                                    name="episode_email_once_per_visit"),
            models.UniqueConstraint(fields=["episode", "kind"], condition=Q(visit__isnull=True),
                                    name="episode_email_once_per_episode"),
            models.CheckConstraint(condition=~Q(status=EmailStatus.SENT) | Q(sent_at__isnull=False),
                                   name="episode_email_sent_has_time"),
        ]
        indexes = [
            models.Index(fields=["send_after"], condition=Q(status="pending"), name="episode_email_due_pending"),
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="episode_email_claimed"),
            models.Index(fields=["clinic", "status", "due_at"], name="episode_email_clinic_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for episode {self.episode_id} ({self.status})"
