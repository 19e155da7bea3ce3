"""Serializers of the waitlist API: entries and offers as answered, and the bodies that create them."""

from __future__ import annotations

from django.db.models import Q
from rest_framework import serializers

from bookings.api.serializers import ScopedPrimaryKeyRelatedField, StartField, clinic_field
from bookings.models import InfusionSession, Patient
from common.fields import WallClockTimeField
from common.serializers import StrictCharField, StrictDateField, StrictIntegerField, StrictListField, StrictSerializer
from scheduler.models import Chair, Protocol
from waitlist.models import WaitlistEntry, WaitlistOffer


class OfferSerializer(serializers.ModelSerializer):
    entry = serializers.IntegerField(source="entry_id", read_only=True)
    chair = serializers.IntegerField(source="chair_id", read_only=True)
    nurse = serializers.IntegerField(source="nurse_id", read_only=True)
    cycle = serializers.IntegerField(source="cycle_id", read_only=True, allow_null=True)
    sessions = serializers.SerializerMethodField(help_text="Every session the offer would book (its first is the slot).")

    class Meta:
        model = WaitlistOffer
        fields = ["id", "entry", "starts_at", "ends_at", "chair", "nurse", "sessions", "expires_at", "status", "by_hand",
                  "created_at", "decided_at", "cycle"]
        read_only_fields = fields

    def get_sessions(self, offer) -> list[dict]:
        return [{"starts_at": p["starts_at"], "ends_at": p["ends_at"], "chair": p["chair"], "nurse": p["nurse"]}
                for p in offer.plan]


class EntrySerializer(serializers.ModelSerializer):
    clinic = serializers.IntegerField(source="clinic_id", read_only=True)
    patient = serializers.IntegerField(source="patient_id", read_only=True)
    protocol = serializers.IntegerField(source="protocol_id", read_only=True, allow_null=True)
    session = serializers.IntegerField(source="session_id", read_only=True, allow_null=True)
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    # Wall-clock times in the clinic's zone (OpenAPI's `format: time` would demand an offset).
    time_from = WallClockTimeField(read_only=True, allow_null=True)
    time_to = WallClockTimeField(read_only=True, allow_null=True)
    offers = OfferSerializer(many=True, read_only=True)

    class Meta:
        model = WaitlistEntry
        fields = ["id", "clinic", "patient", "kind", "protocol", "session", "weekdays", "time_from", "time_to",
                  "earliest_date", "latest_date", "status", "notes", "created_at", "offers"]
        read_only_fields = fields


class EntryCreateSerializer(StrictSerializer):
    clinic = clinic_field(help_text="A clinic of yours.")
    patient = ScopedPrimaryKeyRelatedField(name="patient", queryset=Patient.objects.all())
    protocol = ScopedPrimaryKeyRelatedField(
        name="protocol", queryset=Protocol.objects.all(), required=False, allow_null=True,
        scope=lambda ids: Q(clinic__isnull=True) | Q(clinic__in=ids),
        help_text="A new course of this protocol (give this or `session`).",
    )
    session = ScopedPrimaryKeyRelatedField(
        name="session", queryset=InfusionSession.objects.all(), required=False, allow_null=True,
        help_text="A booked session the patient wants earlier (give this or `protocol`).",
    )
    weekdays = StrictListField(child=StrictIntegerField(min_value=0, max_value=6), required=False, max_length=7,
                               help_text="Weekdays that suit, 0 = Monday; empty or left out: any.")
    time_from = WallClockTimeField(required=False, allow_null=True, help_text="Starts at or after (clinic time).")
    time_to = WallClockTimeField(required=False, allow_null=True, help_text="Ends by (clinic time).")
    earliest_date = StrictDateField(required=False, allow_null=True)
    latest_date = StrictDateField(required=False, allow_null=True)
    notes = StrictCharField(max_length=300, required=False, allow_blank=True)


class OfferCreateSerializer(StrictSerializer):
    starts_at = StartField(help_text="The slot's start; the chair and nurse are placed as the planner would.")
    chair = ScopedPrimaryKeyRelatedField(name="chair", queryset=Chair.objects.all(), required=False, allow_null=True,
                                         help_text="A chair preferred (of the entry's clinic).")
