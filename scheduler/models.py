"""Clinic configuration: locations, chairs, staff and their shifts, opening hours, closures, protocols.

Every clinic rule is data here (shared/DOMAIN.md): the planning engine reads these rows, never constants.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from common import clock
from common.treatment_words import treatment_words_in, treatment_words_in_name


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone name (e.g. America/New_York).")


#: The preparation rules of shared/DOMAIN.md, the default for a new clinic; each clinic edits its own.
DEFAULT_PREPARATION_RULES = (
    "No solid food for 6 hours before your appointment; clear liquids only until 2 hours before.\n"
    "An adult must drive you home, and you may not drive until the next day.\n"
    "Arrive 15 minutes early.\n"
    "Wear loose, comfortable clothing."
)


def default_reminder_offsets() -> list[int]:
    return [72, 24]


def validate_reminder_offsets(value) -> None:
    if not isinstance(value, list) or not all(isinstance(h, int) and not isinstance(h, bool) for h in value):
        raise ValidationError("Give a list of whole hours, e.g. [72, 24] or [72, 24, 2].")
    if any(h < 1 or h > 24 * 14 for h in value):
        raise ValidationError("Each reminder offset must be between 1 and 336 hours before the session.")
    if len(set(value)) != len(value):
        raise ValidationError("Each reminder offset may appear only once.")


#: What patients' emails, calendar files and link pages call a clinic that has no email name (never its own name,
#: which often says what it treats). Lower case: it stands inside sentences; a heading capitalises it.
EMAIL_NAME_FALLBACK = "the clinic"
EMAIL_NAME_HELP = (
    "The name patients see in emails, calendar entries and the pages behind email links: sender, subject, "
    "calendar title and organiser. It may not contain a treatment, drug, dose or diagnosis word. Empty: they read "
    f"“{EMAIL_NAME_FALLBACK}”, never the clinic's own name."
)


def email_name_refusal(found: list[str], sources: dict[str, str] | None = None) -> str:
    """Why an email name is refused: the words it names, and for a protocol's word, which protocol."""
    sources = sources or {}
    named = ", ".join(
        f"“{word}” (a word of the protocol “{sources[word.lower()]}”)" if word.lower() in sources else f"“{word}”"
        for word in found
    )
    return (
        f"Names a treatment: {named}. Patients see this name on lock screens and in shared inboxes: choose one "
        "without treatment, drug or diagnosis words, e.g. “Hudson Street Health”."
    )


def validate_email_name(value: str) -> None:
    """The deny-list check (common.treatment_words); `email_name_check` adds the clinic's protocols' words."""
    found = treatment_words_in_name(value)
    if found:
        raise ValidationError(email_name_refusal(found), code="treatment_word")


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class ClockFormat(models.TextChoices):
    """How every time of day is shown to staff and patients (common.clock); values the API reads stay 24-hour."""

    H24 = clock.H24, "24-hour (14:30)"
    H12 = clock.H12, "12-hour (2:30 PM)"


class Clinic(models.Model):
    name = models.CharField(max_length=120)
    # Unique among the clinics one user sees (checked by the API), not in the deployment: a deployment-wide rule
    # would tell an admin which slugs other clinics, invisible to them, use.
    slug = models.SlugField(max_length=60)
    timezone = models.CharField(max_length=64, default="America/New_York", validators=[validate_timezone])
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    nurse_max_concurrent = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many patients one nurse watches at once.",
    )
    start_stagger_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MaxValueValidator(120)],
        help_text="A nurse does not start two infusions closer together than this.",
    )
    late_cancel_hours = models.PositiveSmallIntegerField(
        default=24, help_text="A cancellation closer than this to the start is a late cancellation."
    )
    no_show_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="A patient not arrived this long after the start may be marked a no-show."
    )

    # What patients are told (the notifications app reads these; an admin edits them).
    reminder_offsets_hours = models.JSONField(
        default=default_reminder_offsets,
        validators=[validate_reminder_offsets],
        help_text="Hours before each session at which a reminder is emailed: [72, 24] by default; add 2 for a same-day note.",
    )
    quiet_hours_start = models.TimeField(
        default=time(21, 0), help_text="No reminder is sent after this time (patient's time zone); it goes earlier."
    )
    quiet_hours_end = models.TimeField(default=time(8, 0), help_text="… nor before this time.")
    preparation_rules = models.TextField(
        default=DEFAULT_PREPARATION_RULES, help_text="Printed in every reminder, one rule per line."
    )
    booster_recall_days = models.PositiveSmallIntegerField(
        default=28, help_text="Days after a completed course when the patient is invited back for a booster; 0: never."
    )
    # The name patients see in emails, calendar files and link pages (sender, subject, calendar title, organiser),
    # apart from `name`: a clinic's own name often says what it treats, and a subject on a lock screen or in a
    # shared inbox must not.
    email_name = models.CharField(max_length=120, blank=True, validators=[validate_email_name], help_text=EMAIL_NAME_HELP)

    # Security: admins always sign in with a second factor; this asks it of every staff member of the clinic.
    require_two_factor = models.BooleanField(
        default=False, help_text="Every staff member of this clinic must sign in with a second factor (an authenticator app)."
    )

    # How its pages, patient emails and link pages print a time of day; API values stay ISO and 24-hour.
    clock_format = models.CharField(
        max_length=3,
        choices=ClockFormat.choices,
        default=ClockFormat.H24,
        help_text="How times of day are shown to staff and patients: 14:30 or 2:30 PM.",
    )

    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="clinics",
        help_text="Staff accounts that may see and change this clinic's data.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(nurse_max_concurrent__gte=1), name="clinic_nurse_cap_positive")]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def name_for_patients(self) -> str:
        """The name patients' emails, calendar files and link pages show: the email name, or a neutral one.

        An email name holding a deny-list word (stored around the checks, say by a bulk update) is not shown
        either: what reaches a patient is checked here, whatever the row says.
        """
        name = " ".join(self.email_name.split())
        return name if name and not treatment_words_in_name(name) else EMAIL_NAME_FALLBACK


class OpeningHours(models.Model):
    """One opening interval on a weekday, in the clinic's local time; a weekday may have several."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["clinic", "weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="opening_hours_closes_after_opens")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """A span when the clinic takes no sessions (a holiday, training, a burst pipe), or, with a chair, when that
    one chair is out of service (maintenance) and the rest of the clinic works as usual."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="closures")
    chair = models.ForeignKey(
        "Chair", null=True, blank=True, on_delete=models.CASCADE, related_name="closures",
        help_text="Empty: the whole clinic is closed. A chair: only that chair is out of service.",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["clinic", "starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="closure_ends_after_start")]

    def __str__(self) -> str:
        where = f"{self.chair.name}: " if self.chair is not None else ""
        return f"{where}{self.reason} ({self.starts_at:%Y-%m-%d})"

    def clean(self) -> None:
        super().clean()
        if self.chair is not None and self.clinic_id and self.chair.clinic_id != self.clinic_id:
            raise ValidationError({"chair": "That chair belongs to another clinic."}, code="chair_other_clinic")


class Chair(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="chairs")
    name = models.CharField(max_length=60)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "name"]
        constraints = [models.UniqueConstraint(fields=["clinic", "name"], name="chair_unique_name_per_clinic")]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    NURSE = "nurse", "Nurse"
    PROVIDER = "provider", "Provider"


class StaffMember(models.Model):
    """A person who works in the clinic; nurses are scheduled, providers supervise."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_members"
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    role = models.CharField(max_length=20, choices=StaffRole.choices, default=StaffRole.NURSE)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "last_name", "first_name"]
        verbose_name = "staff member"

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.get_role_display()})"


class Shift(models.Model):
    """A weekly working pattern: this person works this weekday from start to end (clinic local time)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="shifts")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()
    valid_from = models.DateField(null=True, blank=True, help_text="First day this pattern applies (empty: always).")
    valid_until = models.DateField(null=True, blank=True, help_text="Last day this pattern applies (empty: open).")

    class Meta:
        ordering = ["staff", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="shift_ends_after_start"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="shift_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class TimeOff(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["staff", "starts_at"]
        verbose_name_plural = "time off"
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="timeoff_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.staff}: {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class Route(models.TextChoices):
    IV = "iv", "Intravenous"
    SC = "sc", "Subcutaneous"
    IM = "im", "Intramuscular"
    NASAL = "nasal", "Nasal"
    ORAL = "oral", "Oral"


class ProtocolQuerySet(models.QuerySet):
    def offered_at(self, clinics) -> ProtocolQuerySet:
        """The protocols these clinics may book, active or not: each one's own and the shared templates.

        `clinics`: a clinic, a clinic id, or several of either. Protocol.is_offered_at is the same rule for
        one row already in memory (and adds that it must be active).
        """
        if isinstance(clinics, Clinic | int):
            return self.filter(Q(clinic=clinics) | Q(clinic__isnull=True))
        return self.filter(Q(clinic__in=clinics) | Q(clinic__isnull=True))

    def words(self) -> dict[str, str]:
        """Each word of these protocols' names, slugs and indications, lower case, with the name of a protocol
        it comes from: what a patient's email must not say either. Words under three letters and plain
        scheduling words ("course", "weekly") are left out; in one query."""
        found: dict[str, str] = {}
        for name, slug, indication in self.order_by("name", "pk").values_list("name", "slug", "indication"):
            for word in re.findall(r"[^\W\d_]{3,}", f"{name} {slug} {indication}"):
                if word.lower() not in _PLAIN_WORDS:
                    found.setdefault(word.lower(), name)
        return found


#: Words a protocol's name may hold that say nothing of a treatment, so a clinic may still use them.
_PLAIN_WORDS = frozenset({
    "and", "the", "for", "with", "per", "plus", "new", "day", "days", "week", "weeks", "weekly", "daily", "month",
    "months", "course", "courses", "visit", "visits", "appointment", "appointments", "clinic", "standard", "first",
    "short", "long", "full", "half", "adult", "adults", "child", "children", "program", "programme", "plan",
})


class Protocol(models.Model):
    """What one treatment course is: how many sessions, how spaced, how long each holds a chair.

    A protocol with no clinic is a shared template every clinic of the deployment may book.
    """

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="protocols",
        help_text="Empty: a template shared by every clinic.",
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    indication = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=10, choices=Route.choices, default=Route.IV)
    is_active = models.BooleanField(default=True)

    session_count = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(52)])
    chair_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(15), MaxValueValidator(720)],
        help_text="How long one visit holds a chair: pre-checks, infusion, recovery and turnover.",
    )
    first_visit_extra_minutes = models.PositiveSmallIntegerField(default=0)
    min_gap_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Least time from one session's start to the next one's."
    )
    max_gap_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    min_gap_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Least number of calendar days between sessions (clinic dates)."
    )
    max_gap_days = models.PositiveSmallIntegerField(null=True, blank=True)
    consecutive_weekdays = models.BooleanField(
        default=False, help_text="Each session on the weekday (Mon–Fri) right after the previous one."
    )
    window_days = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="Hard limit: all sessions fall within this many calendar days, the first day counting as 1.",
    )
    target_window_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The planner aims to fit the course within this many days."
    )
    warn_window_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Warn (but allow) when the course stretches past this many days."
    )
    extra_monitoring_sessions = models.PositiveSmallIntegerField(
        default=3, help_text="Sessions 1 to this number carry the extra-monitoring flag."
    )
    review_after_session = models.PositiveSmallIntegerField(
        null=True, blank=True, default=3, help_text="Flag the course for a clinician's review after this session."
    )
    recall_min_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Booster protocols: earliest recall after the last session."
    )
    recall_max_days = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = ProtocolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "slug"], name="protocol_unique_slug_per_clinic"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(clinic__isnull=True), name="protocol_unique_slug_shared"
            ),
            models.CheckConstraint(
                condition=Q(max_gap_hours__isnull=True) | Q(min_gap_hours__isnull=True) | Q(max_gap_hours__gte=F("min_gap_hours")),
                name="protocol_gap_hours_order",
            ),
            models.CheckConstraint(
                condition=Q(max_gap_days__isnull=True) | Q(min_gap_days__isnull=True) | Q(max_gap_days__gte=F("min_gap_days")),
                name="protocol_gap_days_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def chair_minutes_for(self, sequence: int) -> int:
        return self.chair_minutes + (self.first_visit_extra_minutes if sequence == 1 else 0)

    def is_offered_at(self, clinic: Clinic) -> bool:
        """Whether this clinic may book it: active, and a shared template or the clinic's own protocol
        (ProtocolQuerySet.offered_at in SQL)."""
        return self.is_active and (self.clinic_id is None or self.clinic_id == clinic.pk)


def email_name_check(value: str, *, clinic: Clinic | None) -> None:
    """Refuse an email name that names a treatment: a word of the deny-list, or of a protocol the clinic may
    book (its own and the shared templates; for a clinic not yet saved, the shared templates)."""
    if not value.strip():
        return
    protocols = Protocol.objects.offered_at(clinic) if clinic is not None and clinic.pk else Protocol.objects.filter(
        clinic__isnull=True
    )
    # Only the words the deny-list lacks: a message names a protocol only for a word it alone brings.
    sources = {word: name for word, name in protocols.words().items() if not treatment_words_in(word)}
    found = treatment_words_in_name(value, extra=sources)
    if found:
        raise ValidationError(email_name_refusal(found, sources), code="treatment_word")
