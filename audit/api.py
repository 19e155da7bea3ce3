"""GET /api/v1/audit/: the audit trail of the admin's clinics, filtered and paginated. Read-only."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers

from audit.records import ACTION_NAMES, ACTIONS_BY_NAME
from audit.selectors import entry_list
from common.api import ADMIN, ErrorSerializer, RolePermission
from common.fields import DAY_OR_TIME, DAY_OR_TIME_PATTERN
from common.serializers import MAX_ID, QuerySerializer, StrictChoiceField, StrictIntegerField

#: API names of the audited models; any other model is named "<app>.<model>".
OBJECT_TYPES = {
    "bookings.patient": "patient",
    "bookings.treatmentcycle": "cycle",
    "bookings.infusionsession": "session",
}

_DATE_ONLY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@extend_schema_field({"type": "string", "pattern": DAY_OR_TIME_PATTERN})
class InstantField(serializers.DateTimeField):
    """A date (its midnight, in the user's clinic time zone) or a date and time, with an offset or without one
    (then in that zone too): the pattern DAY_OR_TIME_PATTERN."""

    def __init__(self, *, day_end: bool = False, **kwargs):
        self.day_end = day_end
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, str) or not DAY_OR_TIME.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][+HH:MM]")
        try:
            instant = self._instant(value)
            instant.astimezone(dt.UTC)  # the database stores UTC: year 1 or 9999 may not fit
        except (ValueError, OverflowError, serializers.ValidationError):
            self.fail("invalid", format="YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][+HH:MM]")
        return instant

    def _instant(self, value: str) -> dt.datetime:
        if _DATE_ONLY.fullmatch(value):
            day = dt.date.fromisoformat(value)
            if self.day_end:
                day += dt.timedelta(days=1)
            return timezone.make_aware(dt.datetime.combine(day, dt.time()))
        instant = super().to_internal_value(value)
        # An upper bound is exclusive inside; an instant given as `to` is itself included.
        return instant + dt.timedelta(microseconds=1) if self.day_end else instant


class AuditQuerySerializer(QuerySerializer):
    patient = StrictIntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only entries about this patient (id)."
    )
    actor = StrictIntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only entries by this user (id)."
    )
    action = StrictChoiceField(
        choices=list(ACTIONS_BY_NAME), required=False, help_text="create, update, delete or access (a read)."
    )

    def get_fields(self):
        fields = super().get_fields()
        # `from` is a Python keyword: declared here rather than as a class attribute.
        fields["from"] = InstantField(
            required=False, help_text="Entries at or after this instant (ISO 8601; a date means its midnight)."
        )
        fields["to"] = InstantField(
            required=False, day_end=True, help_text="Entries at or before this instant (ISO 8601; a date includes the day)."
        )
        return fields

    def validate(self, attrs):
        since, until = attrs.get("from"), attrs.get("to")
        if since and until and until <= since:
            raise serializers.ValidationError({"to": ["Must be after `from`."]})
        return attrs


class AuditActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.SerializerMethodField()
    object_type = serializers.SerializerMethodField(help_text="patient, cycle, session, or <app>.<model>.")
    object_id = serializers.CharField(source="object_pk")
    patient = serializers.IntegerField(source="patient_ref", allow_null=True, help_text="The patient concerned (id).")
    clinic = serializers.IntegerField(source="clinic_ref", allow_null=True)
    actor = AuditActorSerializer(allow_null=True, help_text="Who; null for the system or a patient's own link.")
    remote_addr = serializers.IPAddressField(allow_null=True, help_text="From where: the client's address.")
    timestamp = serializers.DateTimeField(help_text="When.")
    changes = serializers.SerializerMethodField(help_text="{field: [old, new]}; empty for a read.")

    # Inline, not a component: an "ActionEnum" would collide with other apps' `action` fields.
    @extend_schema_field({"type": "string", "enum": list(ACTIONS_BY_NAME)})
    def get_action(self, obj) -> str:
        return ACTION_NAMES.get(obj.action, str(obj.action))

    @extend_schema_field(OpenApiTypes.STR)
    def get_object_type(self, obj) -> str:
        label = f"{obj.content_type.app_label}.{obj.content_type.model}"
        return OBJECT_TYPES.get(label, label)

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "array", "items": {}}})
    def get_changes(self, obj) -> dict:
        return obj.changes if isinstance(obj.changes, dict) else {}


LIST_SCHEMA = extend_schema(
    operation_id="audit_list",
    summary="List the audit trail of your clinics (admins)",
    description=(
        "Every create, update and delete of patients, cycles and sessions, and every read of a patient "
        "record through the API: who (`actor`), what (`action`, `object_type`, `object_id`, `changes`), when "
        "(`timestamp`) and from where (`remote_addr`). Newest first. Admins see the entries of their clinics "
        "(and of their clinics' patients). The trail is append-only: there is no way to change or delete it."
    ),
    tags=["audit"],
    parameters=[AuditQuerySerializer],
    responses={
        200: AuditEntrySerializer(many=True),
        400: OpenApiResponse(ErrorSerializer, description="A filter is not valid."),
        401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
        403: OpenApiResponse(ErrorSerializer, description="Only admins read the audit trail."),
        404: OpenApiResponse(ErrorSerializer, description="The page is past the last one."),
    },
    examples=[
        # One entry: the schema wraps list examples in the page envelope ({"count", "next", "previous", "results"}).
        OpenApiExample(
            "A moved session",
            value={
                "id": 812,
                "action": "update",
                "object_type": "session",
                "object_id": "57",
                "patient": 12,
                "clinic": 1,
                "actor": {"id": 3, "username": "frontdesk"},
                "remote_addr": "203.0.113.24",
                "timestamp": "2025-06-04T15:30:00-04:00",
                "changes": {
                    "starts_at": ["2025-06-05T13:00:00+00:00", "2025-06-06T13:00:00+00:00"],
                    "version": [1, 2],
                },
            },
            response_only=True,
            status_codes=["200"],
        ),
        OpenApiExample(
            "A read of a patient record",
            value={
                "id": 813,
                "action": "access",
                "object_type": "patient",
                "object_id": "12",
                "patient": 12,
                "clinic": 1,
                "actor": {"id": 4, "username": "clinician"},
                "remote_addr": "203.0.113.31",
                "timestamp": "2025-06-04T15:31:12-04:00",
                "changes": {},
            },
            response_only=True,
            status_codes=["200"],
        ),
        OpenApiExample(
            "Bad filter",
            value={
                "code": "validation_error",
                "message": "The request is not valid: patient: A valid integer is required.",
                "details": {"patient": ["A valid integer is required."]},
            },
            response_only=True,
            status_codes=["400"],
        ),
        OpenApiExample(
            "Page past the end",
            value={"code": "not_found", "message": "Invalid page.", "details": {}},
            response_only=True,
            status_codes=["404"],
        ),
        OpenApiExample(
            "Wrong role",
            value={"code": "permission_denied", "message": "This needs one of the roles: admin.", "details": {}},
            response_only=True,
            status_codes=["403"],
        ),
    ],
)


@extend_schema_view(get=LIST_SCHEMA)
class AuditEntryListView(generics.ListAPIView):
    """Read-only: GET only; any other method is 405."""

    serializer_class = AuditEntrySerializer
    permission_classes = [RolePermission]
    roles = {"*": frozenset({ADMIN})}
    filter_backends = []

    def get_queryset(self):
        query = AuditQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        action = params.get("action")
        return entry_list(
            user=self.request.user,
            patient=params.get("patient"),
            actor=params.get("actor"),
            action=ACTIONS_BY_NAME[action] if action else None,
            since=params.get("from"),
            until=params.get("to"),
        )
