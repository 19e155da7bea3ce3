"""The planner in the API: series proposals, a day's availability, next options for one session.

Nothing here stores anything. Each view parses its input, calls one selector (bookings.selectors) and
serializes the plain planning values it returns.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors
from bookings.api.serializers import ScopedPrimaryKeyRelatedField, clinic_field
from bookings.api.views import NOT_FOUND, _validation
from bookings.models import InfusionSession, Patient
from common.api import ALL_ROLES, BOOKING_ROLES, ClinicScopedQuerysetMixin, ErrorSerializer, RolePermission
from common.fields import WallClockTimeField
from common.openapi import FORBIDDEN_BOOKING, FORBIDDEN_READ, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors
from common.serializers import (
    SCHEDULE_YEARS,
    QuerySerializer,
    StrictBooleanField,
    StrictDateField,
    StrictIntegerField,
    StrictListField,
    StrictSerializer,
)
from scheduler import planning
from scheduler.models import Chair, Protocol, StaffMember, StaffRole

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _protocol_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(
        name="protocol", queryset=Protocol.objects.all(),
        scope=lambda ids: Q(pk__in=Protocol.objects.offered_at(ids)), **kwargs,
    )


def _patient_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(name="patient", queryset=Patient.objects.all(), **kwargs)


# --- Serializers --------------------------------------------------------------------------------


class ProposalRequestSerializer(StrictSerializer):
    patient = _patient_field(help_text="The patient (id): their other sessions are kept clear of.")
    protocol = _protocol_field(help_text="The protocol (id): the clinic's own or a shared template.")
    clinic = clinic_field(help_text="Where the sessions would take place (id).")
    earliest_date = StrictDateField(help_text="The first day the course may start (clinic date); today at the earliest.")
    weekdays = StrictListField(
        child=StrictIntegerField(min_value=0, max_value=6), required=False, allow_empty=False, max_length=7,
        help_text="Days the patient can come, 0 = Monday … 6 = Sunday. Left out: any day the clinic is open.",
    )
    time_from = WallClockTimeField(required=False, help_text="Sessions start at or after this clinic time.")
    time_to = WallClockTimeField(required=False, help_text="Sessions end by this clinic time.")
    chair = ScopedPrimaryKeyRelatedField(
        name="chair", queryset=Chair.objects.all(), required=False, allow_null=True,
        help_text="A preferred chair, taken whenever it is free.",
    )
    nurse = ScopedPrimaryKeyRelatedField(
        name="nurse", queryset=StaffMember.objects.filter(role=StaffRole.NURSE), required=False, allow_null=True,
        help_text="A preferred nurse, taken whenever free.",
    )

    def validate(self, attrs):
        clinic = attrs["clinic"]
        for name in ("patient", "chair", "nurse"):
            obj = attrs.get(name)
            if obj is not None and name != "patient" and obj.clinic_id != clinic.pk:
                raise serializers.ValidationError({name: [f"That {name} is not at clinic {clinic.pk}."]})
        if attrs.get("time_from") and attrs.get("time_to") and attrs["time_to"] <= attrs["time_from"]:
            raise serializers.ValidationError({"time_to": ["Must be after `time_from`."]})
        if attrs["earliest_date"] > timezone.now().date() + dt.timedelta(days=366):
            raise serializers.ValidationError({"earliest_date": ["Plans reach at most a year ahead."]})
        return attrs


class PlannedSessionSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(help_text="k in 'session k of n'.")
    starts_at = serializers.DateTimeField(source="start", help_text="UTC instant.")
    ends_at = serializers.DateTimeField(source="end", help_text="UTC instant (the chair block's end).")
    starts_local = serializers.SerializerMethodField(help_text="The start in the clinic's time zone, with its offset.")
    chair = serializers.IntegerField(source="chair_id", help_text="The chair it would take (id).")
    nurse = serializers.IntegerField(source="nurse_id", help_text="The nurse it would take (id).")

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_local(self, obj) -> str:
        return obj.start.astimezone(self.context["tz"]).isoformat()


class NoticeSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class SeriesSerializer(serializers.Serializer):
    sessions = PlannedSessionSerializer(many=True)
    warnings = NoticeSerializer(many=True, help_text="Allowed but worth knowing, e.g. window_warning.")


class ProposalSerializer(serializers.Serializer):
    sessions = PlannedSessionSerializer(many=True, help_text="The earliest series that fits, in order.")
    warnings = NoticeSerializer(many=True, help_text="Allowed but worth knowing, e.g. window_warning.")
    alternatives = SeriesSerializer(
        many=True, help_text="Up to 3 other series: another time of day, other weekdays, a later start."
    )


class AvailabilityQuerySerializer(QuerySerializer):
    clinic = clinic_field(help_text="The clinic (id).")
    protocol = _protocol_field(help_text="The protocol whose session length counts (id).")
    date = StrictDateField(help_text="The clinic date to look at (1900 to 2999).", validators=[SCHEDULE_YEARS])
    patient = _patient_field(required=False, help_text="Leave out times this patient is already booked.")
    first_visit = StrictBooleanField(default=False, help_text="Use the longer first-visit block.")

    def validate_date(self, day: dt.date) -> dt.date:
        # At the ends of datetime's range (years 1 and 9999) the day's bounds in the clinic's zone overflow.
        if not planning.FIRST_DAY <= day <= planning.LAST_DAY:
            raise serializers.ValidationError(
                f"Choose a date between {planning.FIRST_DAY:%Y-%m-%d} and {planning.LAST_DAY:%Y-%m-%d}."
            )
        return day


class AvailableSlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(source="start")
    ends_at = serializers.DateTimeField(source="end")
    starts_local = serializers.SerializerMethodField(help_text="The start in the clinic's time zone, with its offset.")
    chairs = serializers.ListField(child=serializers.IntegerField(), source="chair_ids", help_text="Free chairs (ids).")
    nurses = serializers.ListField(
        child=serializers.IntegerField(), source="nurse_ids", help_text="Nurses who could take it (ids)."
    )

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_local(self, obj) -> str:
        return obj.start.astimezone(self.context["tz"]).isoformat()


class AvailabilitySerializer(serializers.Serializer):
    clinic = serializers.IntegerField()
    protocol = serializers.IntegerField()
    date = serializers.DateField()
    minutes = serializers.IntegerField(help_text="The chair block looked for.")
    timezone = serializers.CharField()
    slots = AvailableSlotSerializer(many=True)


def _notices(violations) -> list[dict]:
    return [{"code": v.code, "message": v.message, "details": v.details} for v in violations]


# --- OpenAPI ------------------------------------------------------------------------------------

_PLANNED = [
    {"sequence": k, "starts_at": f"2027-03-{d:02d}T14:00:00Z", "ends_at": f"2027-03-{d:02d}T16:{'30' if k == 1 else '00'}:00Z",
     "starts_local": f"2027-03-{d:02d}T09:00:00-05:00", "chair": 3, "nurse": 2}
    for k, d in enumerate([1, 3, 5, 8, 10, 12], start=1)
]
NO_SERIES = _example(
    "no_feasible_series",
    "No series of 6 sessions fits: the nurses on shift are already watching as many patients as allowed. "
    "The earliest a series would fit starts Mon 2027-04-05.",
    {"reason": "nurse_capacity", "dates": ["2027-03-01", "2027-03-02"], "earliest_date": "2027-04-05"},
)


# --- Views --------------------------------------------------------------------------------------


class ProposalView(APIView):
    """POST /api/v1/cycles/proposals/: when could this patient have their course?"""

    permission_classes = [RolePermission]
    roles = {"*": BOOKING_ROLES}

    @extend_schema(
        operation_id="cycles_proposals",
        tags=["cycles"],
        summary="Propose a course's dates",
        description=(
            "The earliest series of the protocol's sessions that fits the spacing rules, free chairs, nurse "
            "capacity and stagger, opening hours, closures and the patient's other sessions and wishes; up to "
            "3 alternatives. Nothing is stored: book the chosen series with `POST /api/v1/cycles/`. When "
            "nothing fits within four weeks of `earliest_date`, a 409 `no_feasible_series` names the binding "
            "rule, the dates where it bound, and the earliest date from which a series would fit."
        ),
        request=ProposalRequestSerializer,
        responses={
            200: ProposalSerializer,
            400: _errors("Bad input; `details` names the field.", _validation("earliest_date", "Date has wrong format.")),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_BOOKING,
            409: OpenApiResponse(response=ErrorSerializer, description="Nothing fits.", examples=[NO_SERIES]),
        },
        examples=[
            OpenApiExample("Mornings, Mon/Wed/Fri", request_only=True, value={
                "patient": 41, "protocol": 1, "clinic": 1, "earliest_date": "2027-03-01",
                "weekdays": [0, 2, 4], "time_from": "08:00", "time_to": "12:00"}),
            OpenApiExample("A proposal", response_only=True, value={
                "sessions": _PLANNED, "warnings": [], "alternatives": [{"sessions": _PLANNED, "warnings": []}]}),
        ],
    )
    def post(self, request):
        data = ProposalRequestSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        clinic = v["clinic"]
        proposal = selectors.cycle_proposal(
            patient=v["patient"], protocol=v["protocol"], clinic=clinic, earliest_date=v["earliest_date"],
            weekdays=frozenset(v["weekdays"]) if v.get("weekdays") else None,
            time_from=v.get("time_from"), time_to=v.get("time_to"), chair=v.get("chair"), nurse=v.get("nurse"),
        )
        context = {"tz": clinic.tz}
        return Response({
            "sessions": PlannedSessionSerializer(proposal.sessions, many=True, context=context).data,
            "warnings": _notices(proposal.warnings),
            "alternatives": [
                {"sessions": PlannedSessionSerializer(a.sessions, many=True, context=context).data,
                 "warnings": _notices(a.warnings)}
                for a in proposal.alternatives
            ],
        })


class AvailabilityView(APIView):
    """GET /api/v1/availability/?clinic=&protocol=&date=: every start time of a day, with free chairs and nurses."""

    permission_classes = [RolePermission]
    roles = {"*": ALL_ROLES}

    @extend_schema(
        operation_id="availability_retrieve",
        tags=["availability"],
        summary="A day's free start times",
        description=(
            "Every start time (15-minute grid from the opening hours) at which a session of the protocol could "
            "begin on the clinic date, with the chairs free for its whole block and the nurses who could take it "
            "(on shift, under capacity, not starting another infusion within the stagger)."
        ),
        parameters=[AvailabilityQuerySerializer],
        responses={
            200: AvailabilitySerializer,
            400: _errors("Bad input; `details` names the parameter.", _validation("date", "This field is required.")),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_READ,
        },
        examples=[OpenApiExample("Two free starts", response_only=True, value={
            "clinic": 1, "protocol": 1, "date": "2027-03-03", "minutes": 120, "timezone": "America/New_York",
            "slots": [
                {"starts_at": "2027-03-03T13:00:00Z", "ends_at": "2027-03-03T15:00:00Z",
                 "starts_local": "2027-03-03T08:00:00-05:00", "chairs": [1, 2], "nurses": [2]},
                {"starts_at": "2027-03-03T13:15:00Z", "ends_at": "2027-03-03T15:15:00Z",
                 "starts_local": "2027-03-03T08:15:00-05:00", "chairs": [1, 2, 4], "nurses": [1, 2]},
            ]})],
    )
    def get(self, request):
        query = AvailabilityQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        v = query.validated_data
        clinic, protocol = v["clinic"], v["protocol"]
        slots = selectors.day_availability(
            clinic=clinic, protocol=protocol, day=v["date"], patient=v.get("patient"), first_visit=v["first_visit"]
        )
        return Response({
            "clinic": clinic.pk, "protocol": protocol.pk, "date": v["date"].isoformat(),
            "minutes": protocol.chair_minutes_for(1 if v["first_visit"] else 2), "timezone": clinic.timezone,
            "slots": AvailableSlotSerializer(slots, many=True, context={"tz": clinic.tz}).data,
        })


SESSION_OPTIONS_SCHEMA = extend_schema(
    operation_id="sessions_options",
    tags=["sessions"],
    summary="Next free times for a session",
    description=(
        "Up to `count` (default 5, at most 20) next start times, within four weeks, at which this session "
        "could be moved while its course stays valid (spacing with its neighbours, the window). Its own "
        "present time counts as free. Move it with `POST /api/v1/sessions/{id}/reschedule/`."
    ),
    parameters=[OpenApiParameter(
        "count", {"type": "integer", "minimum": 1, "maximum": 20}, description="How many options (1–20, default 5)."
    )],
    responses={
        200: PlannedSessionSerializer(many=True),
        400: _errors("Bad input.", _validation("count", "Ensure this value is less than or equal to 20.")),
        401: UNAUTHENTICATED,
        403: FORBIDDEN_BOOKING,
        404: NOT_FOUND,
    },
    examples=[OpenApiExample("Options", response_only=True, value=_PLANNED[1:3])],
)


class OptionsQuerySerializer(QuerySerializer):
    count = StrictIntegerField(min_value=1, max_value=20, default=5)


class SessionOptionsView(ClinicScopedQuerysetMixin, APIView):
    """GET /api/v1/sessions/{id}/options/: where this session could move while its course stays valid."""

    permission_classes = [RolePermission]
    roles = {"*": BOOKING_ROLES}

    @SESSION_OPTIONS_SCHEMA
    def get(self, request, pk: int):
        session = get_object_or_404(
            self.scope(InfusionSession.objects.select_related("clinic", "cycle__protocol")), pk=pk
        )
        query = OptionsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = selectors.session_options(session=session, count=query.validated_data["count"])
        return Response(PlannedSessionSerializer(options, many=True, context={"tz": session.clinic.tz}).data)
