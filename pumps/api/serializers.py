"""Serializers of the pump courses' API: pumps and their maintenance, episodes with their visits (read), and the
bodies of an episode's actions. Shared by the booking routes (pumps.api.booking answers POST episodes/ with
EpisodeSerializer)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictModelSerializer,
    StrictSerializer,
)
from pumps.models import Episode, EpisodeVisit, Pump, PumpCourse, PumpMaintenance
from scheduler.api.fields import ClinicDateTimeField, localized
from scheduler.api.serializers import ClinicOwnedSerializer


def _local(instant, clinic) -> str:
    return instant.astimezone(clinic.tz).isoformat()


# --- Pumps -----------------------------------------------------------------------------------------------------


class PumpSerializer(ClinicOwnedSerializer):
    """A pump of a clinic; its label and its serial number are each unique within the clinic."""

    noun = "pump"

    class Meta:
        model = Pump
        fields = ["id", "clinic", "label", "serial_number", "status", "notes", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "status": {"help_text": "`in_service`: offered for episodes; `maintenance` and `retired`: offered for none "
                       "(an episode already booked keeps it)."},
            "notes": {"required": False, "help_text": "Staff notes (never in an email)."},
        }
        # The per-clinic uniqueness is checked in validate(), naming the field.
        validators: list[Any] = []

    def validate(self, attrs):
        clinic = self.value(attrs, "clinic")
        for name, noun in (("label", "label"), ("serial_number", "serial number")):
            clash = Pump.objects.filter(clinic=clinic, **{name: self.value(attrs, name)})
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError({name: [f"This clinic already has a pump with this {noun}."]})
        return attrs


class MaintenanceSerializer(StrictModelSerializer):
    """A span when a pump is out for maintenance: no episode is booked over it."""

    starts_at = ClinicDateTimeField(help_text="An instant, or a wall-clock time without an offset (clinic time).")
    ends_at = ClinicDateTimeField(help_text="As `starts_at`; after it.")

    class Meta:
        model = PumpMaintenance
        fields = ["id", "pump", "starts_at", "ends_at", "reason"]
        read_only_fields = ["pump"]
        extra_kwargs = {"reason": {"required": False, "help_text": "e.g. \"Battery service\"."}}

    def validate(self, attrs):
        clinic = self.context["pump"].clinic
        for name in ("starts_at", "ends_at"):
            attrs[name] = localized(attrs[name], clinic, name)
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["Must be after `starts_at`."]})
        return attrs


# --- Episodes --------------------------------------------------------------------------------------------------


class VisitSerializer(serializers.ModelSerializer):
    """A visit of an episode: the fitting (day 0), a review each day between, the removal (the last day)."""

    starts_local = serializers.SerializerMethodField(help_text="The start in the clinic's time zone, with its offset.")

    class Meta:
        model = EpisodeVisit
        fields = ["id", "kind", "mode", "day", "starts_at", "ends_at", "starts_local", "chair", "nurse", "status",
                  "done_at", "missed_at", "note"]
        read_only_fields = fields
        extra_kwargs = {
            "chair": {"help_text": "Null for a phone review, or a review that needs no chair."},
            "nurse": {"help_text": "Null for a phone review on a day the clinic is closed (the on-call clinician's)."},
        }

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_local(self, obj: EpisodeVisit) -> str:
        clinic = self.context.get("clinics", {}).get(obj.clinic_id) or obj.clinic
        return _local(obj.starts_at, clinic)


class EpisodeSerializer(serializers.ModelSerializer):
    """One pump episode: the pump worn from the fitting to the removal, its visits, its state and each step's time."""

    protocol = serializers.IntegerField(source="course.protocol_id", read_only=True, help_text="The pump protocol (id).")
    episodes_per_course = serializers.IntegerField(source="course.protocol.episodes_per_course", read_only=True,
                                                   help_text="n in 'episode k of n'.")
    pump_label = serializers.CharField(source="pump.label", read_only=True)
    timezone = serializers.CharField(source="clinic.timezone", read_only=True, help_text="The clinic's IANA time zone.")
    starts_local = serializers.SerializerMethodField(help_text="The fitting's start in the clinic's time zone.")
    ends_local = serializers.SerializerMethodField(help_text="The removal's end in the clinic's time zone.")
    visits = serializers.SerializerMethodField(help_text="The fitting, the daily reviews and the removal, in order.")

    class Meta:
        model = Episode
        fields = [
            "id", "course", "number", "episodes_per_course", "protocol", "clinic", "patient", "pump", "pump_label",
            "status", "version", "starts_at", "ends_at", "pump_until", "starts_local", "ends_local", "timezone",
            "booked_at", "fitted_at", "removed_at", "early_removal_reason", "returned_at", "cancelled_at",
            "cancel_reason", "visits",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "version": {"help_text": "Grows with every change (a visit recorded too); patient links bind to it."},
            "pump_until": {"help_text": "When the pump may next be fitted: the removal's end plus the turnaround as "
                           "booked; after the return, the return plus the turnaround. A pump not yet returned is "
                           "held past it until it is."},
            "ends_at": {"help_text": "The removal's end as booked; an early removal moves it to the removal."},
        }

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_local(self, obj: Episode) -> str:
        return _local(obj.starts_at, obj.clinic)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_ends_local(self, obj: Episode) -> str:
        return _local(obj.ends_at, obj.clinic)

    @extend_schema_field(VisitSerializer(many=True))
    def get_visits(self, obj: Episode):
        visits = sorted(obj.visits.all(), key=lambda v: (v.day, v.kind, v.pk))
        return VisitSerializer(visits, many=True, context={**self.context, "clinics": {obj.clinic_id: obj.clinic}}).data


class PumpCourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = PumpCourse
        fields = ["id", "clinic", "patient", "protocol", "status", "created_at", "cancelled_at", "cancel_reason"]
        read_only_fields = fields


# --- The actions' bodies ---------------------------------------------------------------------------------------


class EpisodeReviewSerializer(StrictSerializer):
    visit = StrictIntegerField(min_value=1, help_text="The review visit (id) of this episode.")
    done = StrictBooleanField(help_text="true: the review was done; false: it was missed (it goes on the "
                              "clinicians' worklist at once).")
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="",
                           help_text="Staff only; never in an email.")


class EpisodeRemoveSerializer(StrictSerializer):
    early_reason = StrictCharField(
        max_length=300, required=False, allow_blank=True, default="",
        help_text="Needed before the removal visit's start (an early removal): why the pump comes off early.",
    )


class EpisodeCancelSerializer(StrictSerializer):
    reason = StrictCharField(max_length=300, help_text="Why the episode is cancelled.")
