"""Outcome measures: instruments (versioned data), the instruments each protocol asks for, the answers given per
session (a correction is a new version, the old kept), urgent flags and the course-review decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from bookings.models import InfusionSession, Patient, TreatmentCycle
from scheduler.models import Clinic, Protocol


class Instrument(models.Model):
    """One version of a published questionnaire: items, answer scale and scoring bands, as data."""

    code = models.SlugField(max_length=20, help_text="phq9, gad7, pcl5, pain.")
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=60)
    preamble = models.CharField(max_length=300, blank=True)
    items = models.JSONField(help_text="The items' texts, in order (item 1 first).")
    scale = models.JSONField(help_text="The answer scale every item uses: [{value, label}].")
    bands = models.JSONField(help_text="Severity bands of the total: [{min, max, code, label}].")
    remission_below = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Remission: a total below this.")
    urgent_items = models.JSONField(default=list, blank=True, help_text="Items whose answer above 0 raises an urgent flag.")
    is_current = models.BooleanField(default=True, help_text="The version new answers are given on.")

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_unique_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(is_current=True), name="instrument_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def definition(self) -> dict:
        """What scoring reads (outcomes.scoring): the row's data as a mapping."""
        return {
            "code": self.code, "name": self.name, "items": self.items, "scale": self.scale, "bands": self.bands,
            "remission_below": self.remission_below, "urgent_items": self.urgent_items,
        }


class ProtocolInstrument(models.Model):
    """An instrument a protocol's sessions ask for (by code: the current version is used)."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="instruments")
    instrument_code = models.SlugField(max_length=20)

    class Meta:
        ordering = ["protocol", "instrument_code"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "instrument_code"], name="protocol_instrument_once"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} for protocol {self.protocol_id}"


class Source(models.TextChoices):
    PATIENT = "patient", "Patient (check-in link)"
    CLINICIAN = "clinician", "Clinician"


class Measure(models.Model):
    """One set of answers to one instrument for one session. A correction is a new row (version + 1); the one
    it replaces stays, no longer current."""

    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="measures")
    cycle = models.ForeignKey(TreatmentCycle, on_delete=models.PROTECT, related_name="measures")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="measures")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="measures")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="measures")
    instrument_code = models.SlugField(max_length=20)
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    answers = models.JSONField()
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=40)
    source = models.CharField(max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "instrument_code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["session", "instrument_code", "version"], name="measure_unique_version"),
            models.UniqueConstraint(
                fields=["session", "instrument_code"], condition=Q(is_current=True), name="measure_one_current"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "instrument_code"])]

    def __str__(self) -> str:
        return f"Measure {self.pk} ({self.instrument_code} v{self.version})"


class UrgentFlag(models.Model):
    """An answer that goes to a clinician before dosing (PHQ-9 item 9 above 0). The session does not start until
    a clinician has acknowledged it. Shown on the clinicians' worklist and the day board, never in an email."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="flags")
    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="urgent_flags")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="urgent_flags")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="urgent_flags")
    item = models.PositiveSmallIntegerField()
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        indexes = [
            models.Index(fields=["clinic", "raised_at"], name="urgent_flag_open",
                         condition=Q(acknowledged_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"Urgent flag {self.pk} (session {self.session_id})"


class Decision(models.TextChoices):
    CONTINUE = "continue", "Continue the course"
    ADJUST = "adjust", "Adjust the course"
    STOP = "stop", "Stop the course"


class CourseReview(models.Model):
    """A clinician's decision on a course flagged for review (bookings' TreatmentCycle.needs_review)."""

    cycle = models.ForeignKey(TreatmentCycle, on_delete=models.PROTECT, related_name="reviews")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.CharField(max_length=500, blank=True)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"Review of cycle {self.cycle_id}: {self.decision}"
