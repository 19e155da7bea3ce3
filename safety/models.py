"""The safety checks' rows: a clinic's settings, which checks a protocol asks for, the check entries (vitals and
attestations, one row per value, never overwritten: a correction is the next version), the recovery checks and the
clinicians' overrides. Rules live in safety.selectors (what is pending or flagged) and safety.services (writes).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bookings.models import InfusionSession, Patient
from scheduler.models import Clinic, Protocol, Route


def _user_fk():
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")


class SafetySettings(models.Model):
    """A clinic's safety-check settings (absent: the defaults below, the domain's numbers)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="safety_settings")
    safety_checks_required = models.BooleanField(
        default=True, help_text="Sessions start only once their protocol's checks pass or a clinician overrides them, "
        "and complete only after a recovery check.",
    )
    weight_max_age_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="A weight older than this counts as missing.",
    )
    pregnancy_window_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="A pregnancy attestation older than this counts as missing.",
    )
    systolic_max = models.PositiveSmallIntegerField(
        default=140, validators=[MinValueValidator(90), MaxValueValidator(220)],
        help_text="A systolic pressure above this is flagged.",
    )
    diastolic_max = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(50), MaxValueValidator(140)],
        help_text="A diastolic pressure above this is flagged.",
    )
    heart_rate_min = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(30), MaxValueValidator(100)],
        help_text="A heart rate below this is flagged (beats per minute).",
    )
    heart_rate_max = models.PositiveSmallIntegerField(
        default=110, validators=[MinValueValidator(60), MaxValueValidator(200)],
        help_text="A heart rate above this is flagged (beats per minute).",
    )
    oxygen_saturation_min = models.PositiveSmallIntegerField(
        default=94, validators=[MinValueValidator(80), MaxValueValidator(100)],
        help_text="An oxygen saturation below this is flagged (%).",
    )

    class Meta:
        verbose_name_plural = "safety settings"

    def __str__(self) -> str:
        return f"Safety settings of clinic {self.clinic_id}"


def settings_for(clinic_id: int) -> SafetySettings:
    """The clinic's settings, or the defaults (unsaved) when it set none."""
    return SafetySettings.objects.filter(clinic_id=clinic_id).first() or SafetySettings(clinic_id=clinic_id)


class CheckKind(models.TextChoices):
    BLOOD_PRESSURE = "blood_pressure", "Blood pressure"
    HEART_RATE = "heart_rate", "Heart rate"
    OXYGEN_SATURATION = "oxygen_saturation", "Oxygen saturation"
    WEIGHT = "weight", "Weight for dosing"
    PREGNANCY = "pregnancy", "Pregnancy attestation"
    FASTING = "fasting", "Fasting confirmed"
    ESCORT = "escort", "Escort home confirmed"


#: Checks whose last value, from any session of the patient's, holds for a clinic-set number of days.
CARRIED_KINDS = (CheckKind.WEIGHT, CheckKind.PREGNANCY)


class ProtocolChecks(models.Model):
    """Which checks a protocol's sessions ask for (absent: `default_checks(protocol)`)."""

    protocol = models.OneToOneField(Protocol, on_delete=models.CASCADE, related_name="safety_checks")
    blood_pressure = models.BooleanField(default=True)
    heart_rate = models.BooleanField(default=True)
    oxygen_saturation = models.BooleanField(default=True)
    weight = models.BooleanField(default=True, help_text="Weight for dosing.")
    pregnancy = models.BooleanField(default=False, help_text="Pregnancy attestation.")
    fasting = models.BooleanField(default=True)
    escort = models.BooleanField(default=True, help_text="An adult takes the patient home.")

    class Meta:
        verbose_name = "protocol safety checks"
        verbose_name_plural = "protocol safety checks"

    def __str__(self) -> str:
        return f"Safety checks of protocol {self.protocol_id}"

    def kinds(self) -> list[str]:
        return [kind.value for kind in CheckKind if getattr(self, kind.value)]


def default_checks(protocol: Protocol) -> ProtocolChecks:
    """Every vital, fasting and the escort for all; weight and pregnancy where the dose goes by weight (IV and
    subcutaneous ketamine): the nasal spray's dose is fixed."""
    weighed = protocol.route in (Route.IV, Route.SC)
    return ProtocolChecks(protocol=protocol, weight=weighed, pregnancy=weighed)


def checks_for(protocol: Protocol) -> ProtocolChecks:
    return ProtocolChecks.objects.filter(protocol=protocol).first() or default_checks(protocol)


class PregnancyAnswer(models.TextChoices):
    NOT_PREGNANT = "not_pregnant", "Not pregnant"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    POSSIBLY_PREGNANT = "possibly_pregnant", "Possibly pregnant"


class CheckEntry(models.Model):
    """One value of one check, recorded at a session. Never changed: a correction is the next version."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="safety_entries")
    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="safety_entries")
    kind = models.CharField(max_length=20, choices=CheckKind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True,
        help_text="Heart rate (per minute), oxygen saturation (%) or weight (kg).",
    )
    confirmed = models.BooleanField(null=True, blank=True, help_text="Fasting or escort confirmed.")
    answer = models.CharField(max_length=20, choices=PregnancyAnswer.choices, blank=True)
    flagged = models.BooleanField(default=False, help_text="Outside the clinic's thresholds when recorded.")
    recorded_at = models.DateTimeField()
    recorded_by = _user_fk()

    class Meta:
        verbose_name_plural = "check entries"
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "version"], name="safety_entry_one_per_version"),
        ]
        indexes = [models.Index(fields=["patient", "kind", "recorded_at"])]

    def __str__(self) -> str:
        return f"Check entry {self.pk}"


class RecoveryCheck(models.Model):
    """The check before discharge: blood pressure again, alert and oriented, escort present; the time in the chair.
    Never changed: a correction is the next version."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="recovery_checks")
    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="recovery_checks")
    version = models.PositiveSmallIntegerField(default=1)
    systolic = models.PositiveSmallIntegerField()
    diastolic = models.PositiveSmallIntegerField()
    alert_and_oriented = models.BooleanField()
    escort_present = models.BooleanField()
    chair_minutes = models.PositiveIntegerField(help_text="Minutes from the start in the chair to this check.")
    flagged = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()
    recorded_by = _user_fk()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "version"], name="safety_recovery_one_per_version"),
        ]

    def __str__(self) -> str:
        return f"Recovery check {self.pk}"


class OverridePhase(models.TextChoices):
    START = "start", "Start"
    COMPLETE = "complete", "Complete"


class CheckOverride(models.Model):
    """A clinician lets a session start (or complete) despite what is pending or flagged, with a reason.

    `covers` maps each item outstanding then to the id of its latest entry (None: missing): a new entry for an
    item afterwards is not covered (the clinician must look again)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="check_overrides")
    phase = models.CharField(max_length=10, choices=OverridePhase.choices)
    reason = models.CharField(max_length=500)
    covers = models.JSONField(default=dict)
    overridden_at = models.DateTimeField()
    overridden_by = _user_fk()

    class Meta:
        ordering = ["overridden_at", "pk"]

    def __str__(self) -> str:
        return f"Check override {self.pk}"
