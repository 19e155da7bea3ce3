"""The impact of a change in the configuration API: `?dry_run=true` read from the query, the sessions a change
strands (`stranded_sessions`), and the serializers that answer them beside the row (scheduler.api.views.impact).
"""

from __future__ import annotations

from rest_framework import serializers

from common.serializers import QuerySerializer, StrictBooleanField


class _NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class _ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(
        read_only=True,
        help_text="clinic_closed, outside_hours, chair_out_of_service, chair_inactive, nurse_absent, "
        "nurse_off_shift or nurse_inactive.",
    )
    message = serializers.CharField(read_only=True)


class StrandedSessionSerializer(serializers.Serializer):
    """A booked (not yet started) session a change strands: it can no longer happen where and when it is."""

    id = serializers.IntegerField(read_only=True)
    patient = _NamedRefSerializer(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    chair = _NamedRefSerializer(read_only=True)
    nurse = _NamedRefSerializer(read_only=True)
    reasons = _ReasonSerializer(many=True, read_only=True)


STRANDED_HELP = (
    "The booked, not yet started sessions this change strands, each with its reasons. With `?dry_run=true`: "
    "those it would strand (nothing is written); after a write: those now marked as needing a move."
)


class DryRunDeleteSerializer(serializers.Serializer):
    stranded_sessions = StrandedSessionSerializer(many=True, read_only=True, help_text=STRANDED_HELP)


def with_impact(serializer_class):
    """`serializer_class` answering also `stranded_sessions` (read from the instance's attribute of that name)."""
    meta = type("Meta", (serializer_class.Meta,), {"fields": [*serializer_class.Meta.fields, "stranded_sessions"]})
    name = serializer_class.__name__.removesuffix("Serializer") + "ImpactSerializer"
    field = StrandedSessionSerializer(many=True, read_only=True, help_text=STRANDED_HELP)
    row_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The row's id; null in the dry run of a creation (nothing was written).",
    )
    return type(name, (serializer_class,), {"Meta": meta, "id": row_id, "stranded_sessions": field, "__module__": __name__})


class DryRunQuerySerializer(QuerySerializer):
    dry_run = StrictBooleanField(
        required=False, default=False,
        help_text="true: answer 200 with what the write would give and the sessions it would strand; write nothing.",
    )
