"""Serializers of the outcomes API: instruments, answers in, scores out, urgent flags, forms done or missing."""

from __future__ import annotations

from rest_framework import serializers

from common.serializers import StrictCharField, StrictChoiceField, StrictIntegerField, StrictListField, StrictSerializer
from outcomes.models import Decision, Instrument, UrgentFlag


class InstrumentScaleOptionSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]


class InstrumentBandSerializer(serializers.Serializer):
    min = serializers.IntegerField()
    max = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class InstrumentSerializer(serializers.ModelSerializer):
    items = serializers.ListField(child=serializers.CharField(), help_text="The items' texts, item 1 first.")
    scale = InstrumentScaleOptionSerializer(many=True, help_text="The answer scale every item uses.")
    bands = InstrumentBandSerializer(many=True, help_text="Severity bands of the total.")
    urgent_items = serializers.ListField(child=serializers.IntegerField(),
                                         help_text="Items whose answer above 0 raises an urgent flag.")

    class Meta:
        model = Instrument
        fields = ["code", "version", "name", "preamble", "items", "scale", "bands", "remission_below", "urgent_items"]


class MeasureCreateSerializer(StrictSerializer):
    # The instrument and the answers' count and values are the instrument's (data, versioned): checked by the
    # service (outcomes.scoring), which answers instrument_unknown, answer_count_wrong or answer_out_of_range.
    instrument = StrictCharField(min_length=1, max_length=20, help_text="An instrument's code: phq9, gad7, pcl5, pain.")
    answers = StrictListField(
        child=StrictIntegerField(min_value=0, max_value=10), min_length=1, max_length=20,
        help_text="One answer per item, item 1 first, each a value of the instrument's scale (PHQ-9 and GAD-7 0-3, "
        "PCL-5 0-4, pain 0-10).",
    )


class UrgentFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = UrgentFlag
        fields = ["id", "session", "patient", "item", "raised_at", "acknowledged_at", "acknowledged_by", "note"]


class MeasureScoreSerializer(serializers.Serializer):
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
    flags = UrgentFlagSerializer(many=True)


class MeasureSeriesSerializer(serializers.Serializer):
    instrument = serializers.CharField(source="instrument.code")
    name = serializers.CharField(source="instrument.name")
    baseline = serializers.IntegerField(allow_null=True)
    response_line = serializers.FloatField(allow_null=True, help_text="At or below this total: a response.")
    remission_below = serializers.IntegerField(allow_null=True)
    scores = MeasureScoreSerializer(source="reads", many=True)


class SessionFormSerializer(serializers.Serializer):
    instrument = serializers.CharField(source="instrument_code")
    name = serializers.CharField()
    done = serializers.BooleanField()


class CourseReviewDecisionSerializer(StrictSerializer):
    decision = StrictChoiceField(choices=Decision.choices)
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class CourseReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField(source="cycle_id")
    decision = serializers.CharField()
    note = serializers.CharField()
    decided_at = serializers.DateTimeField()
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
