"""Serializers of the outcomes API: instruments, answers in, scores out, urgent flags, forms done or missing."""

from __future__ import annotations

from rest_framework import serializers

from outcomes.models import Decision, Instrument, UrgentFlag


class ScaleOptionSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]


class BandSerializer(serializers.Serializer):
    min = serializers.IntegerField()
    max = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class InstrumentSerializer(serializers.ModelSerializer):
    items = serializers.ListField(child=serializers.CharField(), help_text="The items' texts, item 1 first.")
    scale = ScaleOptionSerializer(many=True, help_text="The answer scale every item uses.")
    bands = BandSerializer(many=True, help_text="Severity bands of the total.")
    urgent_items = serializers.ListField(child=serializers.IntegerField(),
                                         help_text="Items whose answer above 0 raises an urgent flag.")

    class Meta:
        model = Instrument
        fields = ["code", "version", "name", "preamble", "items", "scale", "bands", "remission_below", "urgent_items"]


class MeasureCreateSerializer(serializers.Serializer):
    # Checked by the service (outcomes.scoring), which answers with the instrument's own codes.
    instrument = serializers.CharField(max_length=20, help_text="phq9, gad7, pcl5 or pain.")
    answers = serializers.JSONField(help_text="One whole number per item, in order, each a value of the scale.")


class FlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = UrgentFlag
        fields = ["id", "session", "patient", "item", "raised_at", "acknowledged_at", "acknowledged_by", "note"]


class ScoreSerializer(serializers.Serializer):
    measure = serializers.IntegerField(source="measure.pk")
    session = serializers.IntegerField(source="measure.session_id")
    sequence = serializers.IntegerField(source="measure.session.sequence")
    instrument = serializers.CharField(source="measure.instrument_code")
    version = serializers.IntegerField(source="measure.version", help_text="1, then one more for each correction.")
    source = serializers.CharField(source="measure.source")  # type: ignore[assignment]
    answers = serializers.ListField(source="measure.answers", child=serializers.IntegerField())
    answered_at = serializers.DateTimeField(source="measure.created_at")
    total = serializers.IntegerField()
    band = serializers.CharField()
    band_label = serializers.CharField()
    baseline = serializers.IntegerField(allow_null=True, help_text="The course's first score on this instrument.")
    change_from_baseline = serializers.IntegerField(allow_null=True)
    response = serializers.BooleanField(help_text="A drop of at least 50 % from the baseline.")
    remission = serializers.BooleanField(help_text="PHQ-9 or GAD-7 total below 5.")
    flags = FlagSerializer(many=True)


class SeriesSerializer(serializers.Serializer):
    instrument = serializers.CharField(source="instrument.code")
    name = serializers.CharField(source="instrument.name")
    baseline = serializers.IntegerField(allow_null=True)
    response_line = serializers.FloatField(allow_null=True, help_text="At or below this total: a response.")
    remission_below = serializers.IntegerField(allow_null=True)
    scores = ScoreSerializer(source="reads", many=True)


class FormStatusSerializer(serializers.Serializer):
    instrument = serializers.CharField(source="instrument_code")
    name = serializers.CharField()
    done = serializers.BooleanField()


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReviewDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField(source="cycle_id")
    decision = serializers.CharField()
    note = serializers.CharField()
    decided_at = serializers.DateTimeField()
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
