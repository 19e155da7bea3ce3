"""Booking routes: GET episodes/proposals/ (the planner's earliest episode and alternatives) and POST episodes/
(book one). The desk and admins may use both; every id resolves among the caller's clinics only, so another
clinic's reads as one that does not exist (400). The views parse, call one selector or service, and serialize."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.serializers import ScopedPrimaryKeyRelatedField, StartField, clinic_field
from bookings.models import Patient
from common.access import ALL_ROLES, BOOKING_ROLES
from common.api import RolePermission
from common.fields import LOCAL_OR_INSTANT_HELP
from common.openapi import FORBIDDEN_BOOKING, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors
from common.serializers import (
    SCHEDULE_YEARS,
    QuerySerializer,
    StrictDateField,
    StrictIntegerField,
    StrictSerializer,
)
from pumps.api.life import EPISODE_EXAMPLE, EpisodeListView
from pumps.api.serializers import EpisodeSerializer
from pumps.models import Pump, PumpCourse, PumpProtocol
from pumps.selectors.lists import episode_list
from pumps.selectors.proposals import episode_proposals
from pumps.services.booking import episode_book
from scheduler.models import Chair, StaffMember, StaffRole

#: How far ahead a proposal or a booking may look (as the courses' planner).
REACH_DAYS = 366


def _protocol_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(
        name="pump protocol", queryset=PumpProtocol.objects.filter(is_active=True),
        scope=lambda ids: Q(clinic__in=ids) | Q(clinic__isnull=True), **kwargs,
    )


def _patient_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(name="patient", queryset=Patient.objects.all(), **kwargs)


def _course_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(name="pump course", queryset=PumpCourse.objects.all(), required=False,
                                        **kwargs)


def _same_clinic(attrs: dict) -> dict:
    """The protocol offered at the clinic, the course the patient's with this protocol there (else 400 on it)."""
    clinic, protocol, course = attrs["clinic"], attrs["protocol"], attrs.get("course")
    if protocol.clinic_id not in (None, clinic.pk):
        raise serializers.ValidationError({"protocol": [f"That pump protocol is not offered at clinic {clinic.pk}."]})
    if course is not None and (course.clinic_id != clinic.pk or course.patient_id != attrs["patient"].pk
                               or course.protocol_id != protocol.pk):
        raise serializers.ValidationError({"course": ["That course is not this patient's with this protocol here."]})
    return attrs


# --- Proposals ---------------------------------------------------------------------------------------------------


class ProposalQuerySerializer(QuerySerializer):
    clinic = clinic_field(help_text="Where the episode would take place (id).")
    patient = _patient_field(help_text="The patient (id): their sessions and other episodes are kept clear of.")
    protocol = _protocol_field(help_text="The pump protocol (id): the clinic's own or a shared one.")
    earliest = StrictDateField(
        required=False, validators=[SCHEDULE_YEARS],
        help_text="The first clinic date the fitting may be on (YYYY-MM-DD); left out or past: today.",
    )
    course = _course_field(help_text="The patient's course the episode would join (id): its spacing counts. Left "
                           "out: a new course.")

    def validate_earliest(self, day: dt.date) -> dt.date:
        if day > timezone.now().date() + dt.timedelta(days=REACH_DAYS):
            raise serializers.ValidationError("Proposals reach at most a year ahead.")
        return day

    def validate(self, attrs):
        return _same_clinic(attrs)


class ProposedEpisodeVisitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["fitting", "review", "removal"])
    day = serializers.IntegerField(help_text="Days after the fitting (0: the fitting).")
    mode = serializers.ChoiceField(choices=["visit", "phone"], help_text="A visit to the clinic or a phone review.")
    starts_at = serializers.DateTimeField(help_text="UTC instant.")
    ends_at = serializers.DateTimeField(help_text="UTC instant.")
    starts_local = serializers.SerializerMethodField(help_text="The start in the clinic's time zone, with its offset.")
    chair = serializers.IntegerField(source="chair_id", allow_null=True, help_text="The chair it would take (id).")
    nurse = serializers.IntegerField(source="nurse_id", allow_null=True,
                                     help_text="The nurse it would take (id); null: the on-call clinician's phone "
                                     "review on a day the clinic is closed.")

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_local(self, obj) -> str:
        return obj.starts_at.astimezone(self.context["tz"]).isoformat()


class ProposedEpisodeSerializer(serializers.Serializer):
    pump = serializers.IntegerField(source="pump_id", help_text="The pump (id).")
    pump_label = serializers.CharField()
    starts_at = serializers.DateTimeField(help_text="The fitting's start (UTC).")
    ends_at = serializers.DateTimeField(help_text="The removal's end (UTC).")
    pump_until = serializers.DateTimeField(help_text="The removal's end plus the turnaround: the pump's hold.")
    visits = ProposedEpisodeVisitSerializer(many=True)


class EpisodeProposalsSerializer(serializers.Serializer):
    clinic = serializers.IntegerField()
    timezone = serializers.CharField()
    episodes = ProposedEpisodeSerializer(many=True, help_text="The earliest episode first, then up to 3 others "
                                         "(another pump at the same time, later days). Empty: see `code`.")
    code = serializers.CharField(allow_null=True, help_text="Why nothing fits (`no_pump_free`, `no_pump`, "
                                 "`review_on_closed_day`, `course_full`…); null when episodes are proposed.")
    message = serializers.CharField(allow_null=True, help_text="The reason in words, e.g. “All 3 pumps are out "
                                    "until 14 March.”")


_VISITS = [
    {"kind": kind, "day": day, "mode": mode, "starts_at": f"2027-03-0{1 + day}T14:00:00Z",
     "ends_at": f"2027-03-0{1 + day}T{'15:00' if kind != 'review' else '14:30'}:00Z",
     "starts_local": f"2027-03-0{1 + day}T09:00:00-05:00", "chair": 3 if mode == "visit" else None,
     "nurse": 2 if mode == "visit" else None}
    for kind, day, mode in [("fitting", 0, "visit"), ("review", 1, "visit"), ("review", 2, "visit"),
                            ("review", 3, "visit"), ("removal", 4, "visit")]
]
_EPISODE = {"pump": 2, "pump_label": "Pump 2", "starts_at": "2027-03-01T14:00:00Z", "ends_at": "2027-03-05T15:00:00Z",
            "pump_until": "2027-03-05T19:00:00Z", "visits": _VISITS}


class ProposalsView(APIView):
    """GET /api/v1/episodes/proposals/: when could this patient have a pump episode?"""

    permission_classes = [RolePermission]
    roles = {"*": BOOKING_ROLES}

    @extend_schema(
        operation_id="episodes_proposals",
        tags=["episodes"],
        summary="Propose a pump episode",
        description=(
            "The earliest episode of the pump protocol for the patient: a pump in service free from the fitting to "
            "the turnaround's end, the fitting, a review a day and the removal each at the fitting's clinic time "
            "(whatever daylight-saving change lies between), inside opening hours with a nurse on shift and under "
            "capacity, the patient free throughout; a review on a day the clinic is closed is a phone review where "
            "the protocol allows it. Up to 3 alternatives. Nothing is stored: book with `POST /api/v1/episodes/`. "
            "When nothing fits within six weeks, `episodes` is empty and `code`/`message` say why."
        ),
        parameters=[ProposalQuerySerializer],
        responses={200: EpisodeProposalsSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_BOOKING},
        examples=[
            OpenApiExample("An episode proposed", response_only=True, value={
                "clinic": 1, "timezone": "America/New_York", "episodes": [_EPISODE], "code": None, "message": None}),
            OpenApiExample("Every pump out", response_only=True, value={
                "clinic": 1, "timezone": "America/New_York", "episodes": [], "code": "no_pump_free",
                "message": "All 3 pumps are out until 14 March."}),
        ],
    )
    def get(self, request):
        query = ProposalQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        v = query.validated_data
        clinic = v["clinic"]
        found = episode_proposals(clinic=clinic, patient=v["patient"], protocol=v["protocol"],
                                  earliest=v.get("earliest"), course=v.get("course"))
        return Response(EpisodeProposalsSerializer(
            {"clinic": clinic.pk, "timezone": clinic.timezone, "episodes": found.episodes, "code": found.code,
             "message": found.message},
            context={"tz": clinic.tz},
        ).data)


# --- Booking -----------------------------------------------------------------------------------------------------


class EpisodeVisitChoiceSerializer(StrictSerializer):
    day = StrictIntegerField(min_value=0, max_value=14, help_text="The visit's day (0: the fitting).")
    chair = ScopedPrimaryKeyRelatedField(
        name="chair", queryset=Chair.objects.all(), required=False, allow_null=True,
        help_text="A chair of the clinic; left out or null, the system chooses a free one.",
    )
    nurse = ScopedPrimaryKeyRelatedField(
        name="nurse", queryset=StaffMember.objects.filter(role=StaffRole.NURSE), required=False, allow_null=True,
        help_text="A nurse of the clinic; left out or null, the system chooses one on shift with capacity.",
    )


class EpisodeBookSerializer(StrictSerializer):
    clinic = clinic_field(help_text="Where the episode takes place (id).")
    patient = _patient_field(help_text="The patient (id).")
    protocol = _protocol_field(help_text="The pump protocol (id): the clinic's own or a shared one.")
    fitting_start = StartField(help_text=f"When the fitting starts. {LOCAL_OR_INSTANT_HELP}")
    pump = ScopedPrimaryKeyRelatedField(
        name="pump", queryset=Pump.objects.all(), required=False, allow_null=True,
        help_text="The pump (id); left out or null, the first pump free for the whole episode.",
    )
    course = _course_field(allow_null=True, help_text="The patient's course this episode joins as its next (id); "
                           "left out or null: a new course.")
    # many=True makes a ListSerializer, which takes max_length; the stub types the child's arguments.
    visits = EpisodeVisitChoiceSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=15,
        help_text="Chairs and nurses chosen for some visits, by day; the others are chosen by the system.",
    )

    def validate(self, attrs):
        attrs = _same_clinic(attrs)
        clinic = attrs["clinic"]
        pump = attrs.get("pump")
        if pump is not None and pump.clinic_id != clinic.pk:
            raise serializers.ValidationError({"pump": [f"That pump is not at clinic {clinic.pk}."]})
        days = [v["day"] for v in attrs.get("visits", [])]
        if len(days) != len(set(days)):
            raise serializers.ValidationError({"visits": ["Give each day at most once."]})
        if any(d > attrs["protocol"].episode_days for d in days):
            raise serializers.ValidationError(
                {"visits": [f"This protocol's episode has days 0 to {attrs['protocol'].episode_days}."]})
        for visit in attrs.get("visits", []):
            for name in ("chair", "nurse"):
                obj = visit.get(name)
                if obj is not None and obj.clinic_id != clinic.pk:
                    raise serializers.ValidationError({"visits": [f"That {name} is not at clinic {clinic.pk}."]})
        start = attrs["fitting_start"]
        if start.tzinfo is not None and start > timezone.now() + dt.timedelta(days=REACH_DAYS):
            raise serializers.ValidationError({"fitting_start": ["Bookings reach at most a year ahead."]})
        if start.tzinfo is None and start.date() > timezone.now().date() + dt.timedelta(days=REACH_DAYS):
            raise serializers.ValidationError({"fitting_start": ["Bookings reach at most a year ahead."]})
        return attrs


class EpisodesView(EpisodeListView):
    """GET /api/v1/episodes/ (the list, pumps.api.life) and POST /api/v1/episodes/: book a pump episode (all its
    visits, or nothing). The answer is the episode as GET episodes/{id}/ gives it."""

    roles = {"list": ALL_ROLES, "post": BOOKING_ROLES}

    @extend_schema(
        operation_id="episodes_create",
        tags=["episodes"],
        summary="Book a pump episode",
        description=(
            "Books one episode at once: the pump from the fitting to the turnaround's end, the fitting, a review a "
            "day and the removal, each at the fitting's clinic time. `fitting_start` with an offset is an instant; "
            "without one a wall-clock time in the clinic's zone. Pump, chairs and nurses left out are chosen by "
            "the system. A rule broken by the request is a 400 (`review_on_closed_day`, `visit_outside_hours`, "
            "`episode_in_past`, `episode_too_soon`…); a clash with what is booked is a 409 (`pump_unavailable`, "
            "`pump_in_maintenance`, `patient_in_episode`, `chair_conflict`, `nurse_capacity`, `course_full`…)."
        ),
        request=EpisodeBookSerializer,
        responses={
            201: EpisodeSerializer,
            400: _errors(
                "The request is not valid, or breaks a rule of the clinic or protocol.",
                _example("validation_error", "The request is not valid: patient: There is no such patient in your "
                         "clinics (id 9).", {"patient": ["There is no such patient in your clinics (id 9)."]}),
                _example("review_on_closed_day", "The review on Sat 2027-03-06 (day 2) falls when the clinic is "
                         "closed, and this protocol allows no phone review then.",
                         {"kind": "review", "day": 2, "date": "2027-03-06"}),
                _example("nonexistent_local_time", "2027-03-14 02:30 does not exist in America/New_York: the clocks "
                         "skip that hour."),
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_BOOKING,
            409: _errors(
                "The episode clashes with what is booked; nothing was stored.",
                _example("pump_unavailable", "Pump 2 is out with another patient until Fri 2027-03-05.",
                         {"pump": 2, "episode": 30, "until": "2027-03-05T19:00:00+00:00"}),
                _example("patient_in_episode", "The patient has another episode or a session between this fitting "
                         "and its removal.", {"patient": 41}),
            ),
        },
        examples=[
            OpenApiExample("Book from a proposal", request_only=True, value={
                "clinic": 1, "patient": 41, "protocol": 3, "fitting_start": "2027-03-01T09:00", "pump": 2,
                "visits": [{"day": 0, "chair": 3, "nurse": 2}]}),
            OpenApiExample("The episode booked", response_only=True, value=EPISODE_EXAMPLE),
        ],
    )
    def post(self, request):
        body = EpisodeBookSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        v = body.validated_data
        choices = {
            visit["day"]: (visit["chair"].pk if visit.get("chair") else None,
                           visit["nurse"].pk if visit.get("nurse") else None)
            for visit in v.get("visits", [])
        }
        episode = episode_book(
            clinic=v["clinic"], patient=v["patient"], protocol=v["protocol"], fitting_start=v["fitting_start"],
            pump=v.get("pump"), choices=choices or None, course=v.get("course"), by=request.user,
        )
        episode = episode_list().get(pk=episode.pk)
        return Response(EpisodeSerializer(episode, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


urlpatterns: list = [
    path("episodes/proposals/", ProposalsView.as_view(), name="episode-proposals"),
    path("episodes/", EpisodesView.as_view(), name="episode-list"),
]
