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
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors
from bookings.api.serializers import ScopedPrimaryKeyRelatedField, clinic_field
from bookings.api.views import NOT_FOUND, _validation
from bookings.models import InfusionSession, Patient, transition_refusal
from bookings.selectors.proposals import OPTIONS_MAX_DAYS
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


#: How far from today `from` may be: a year, as far as a proposal's `earliest_date` reaches.
OPTIONS_FROM_REACH_DAYS = 366


class OptionsQuerySerializer(QuerySerializer):
    count = StrictIntegerField(min_value=1, max_value=20, default=5, help_text="How many options (1–20, default 5).")

    def get_fields(self):
        fields = super().get_fields()
        # `from` is a Python keyword: declared here rather than as a class attribute.
        fields["from"] = StrictDateField(
            required=False,
            help_text=(
                "Look from this clinic date on (YYYY-MM-DD, the date in the clinic's time zone). Left out, or today "
                "or earlier: from now on. At most a year from today either way (else 400); past the window's "
                "end: `[]`."
            ),
        )
        return fields

    def validate(self, attrs):
        start = attrs.get("from")
        # A date far off is a client's mistake, not a question: nothing is booked that far from today.
        reach = dt.timedelta(days=OPTIONS_FROM_REACH_DAYS)
        today = timezone.now().date()
        if start is not None and not today - reach <= start <= today + reach:
            raise serializers.ValidationError({"from": ["Choose a date within a year of today."]})
        return attrs


SESSION_OPTIONS_SCHEMA = extend_schema(
    operation_id="sessions_options",
    tags=["sessions"],
    summary="Next free times for a session",
    description=(
        "Up to `count` (default 5, at most 20) next start times at which this session could be moved while "
        "its course stays valid, earliest first, each with the chair and nurse it would take. Its own present "
        "time counts as free. Move it with `POST /api/v1/sessions/{id}/reschedule/` (`scope: this`): every time "
        "offered is one the reschedule accepts, until something else is booked there.\n\n"
        "**The window.** The search covers the clinic dates the course's spacing leaves this session: after the "
        "session before it has ended and at least the protocol's smallest gap later, at most its largest gap "
        "after it, the same around the session after it, consecutive weekdays where the protocol says so, and "
        "within the protocol's window (e.g. 14 days for the whole course); however far ahead the course lies. "
        f"It starts today, or at `from` if later, and covers at most {OPTIONS_MAX_DAYS} days from there: that "
        "bound only binds where the rules leave the window open (a last session without a largest gap or a "
        "window, a one-session course) or very long; pass a later `from` to look further.\n\n"
        "**Empty list.** `[]` means no time from `from` (or today) to the window's end keeps the course valid: "
        "every time is taken, or `from` is past the window's end. Only a `booked` or `confirmed` session can "
        "move: any other status answers 409 `invalid_transition`, as the reschedule does."
    ),
    # From the serializer: its bounds and formats are what the schema says (minimum, maximum, default, date).
    parameters=[OptionsQuerySerializer],
    responses={
        200: PlannedSessionSerializer(many=True),
        400: _errors(
            "Bad input; `details` names the parameter.",
            _validation("count", "Ensure this value is less than or equal to 20."),
            _example("validation_error", "The request is not valid: from: Choose a date within a year of today.",
                     {"from": ["Choose a date within a year of today."]}, name="from"),
        ),
        401: UNAUTHENTICATED,
        403: FORBIDDEN_BOOKING,
        404: NOT_FOUND,
        409: _errors(
            "The session is not booked or confirmed, so it cannot move.",
            _example("invalid_transition", transition_refusal("completed", "move"),
                     {"session": 812, "status": "completed", "action": "move"}),
        ),
    },
    examples=[OpenApiExample("Options", response_only=True, value=_PLANNED[1:3])],
)


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
        v = query.validated_data
        options = selectors.session_options(session=session, count=v["count"], earliest=v.get("from"))
        return Response(PlannedSessionSerializer(options, many=True, context={"tz": session.clinic.tz}).data)
