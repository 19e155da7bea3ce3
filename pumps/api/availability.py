"""GET /api/v1/pumps/availability/?clinic=&start=&days=: each pump of a clinic, day by day, free or why not.

Nothing is stored; the view parses the query, finds the clinic among the caller's (another clinic's is a 400 naming
`clinic`, as a missing one, like GET availability/) and serializes pumps.selectors.availability's rows.
"""

from __future__ import annotations

import datetime as dt

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common.access import scope_to_user_clinics
from common.api import ALL_ROLES, RolePermission
from common.openapi import FORBIDDEN_READ, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors
from common.serializers import MAX_ID, SCHEDULE_YEARS, QuerySerializer, StrictDateField, StrictIntegerField
from pumps.models import PumpStatus
from pumps.selectors.availability import MAX_DAYS, STATES, pump_availability
from scheduler import planning
from scheduler.models import Clinic

#: Days shown when the query does not say: two weeks, as the desk's pump board.
DEFAULT_DAYS = 14


class PumpAvailabilityQuerySerializer(QuerySerializer):
    clinic = StrictIntegerField(min_value=1, max_value=MAX_ID, help_text="The clinic (id): one of yours.")
    start = StrictDateField(
        required=False, validators=[SCHEDULE_YEARS],
        help_text="The first clinic date shown (YYYY-MM-DD, 1900 to 2999). Left out: today in the clinic's time zone.",
    )
    days = StrictIntegerField(
        min_value=1, max_value=MAX_DAYS, default=DEFAULT_DAYS,
        help_text=f"How many days from `start` (1–{MAX_DAYS}, default {DEFAULT_DAYS}).",
    )

    def validate_start(self, day: dt.date) -> dt.date:
        # At the ends of datetime's range the day's bounds in the clinic's zone overflow.
        if not planning.FIRST_DAY <= day <= planning.LAST_DAY:
            raise serializers.ValidationError(
                f"Choose a date between {planning.FIRST_DAY:%Y-%m-%d} and {planning.LAST_DAY:%Y-%m-%d}."
            )
        return day

    def validate(self, attrs):
        start = attrs.get("start")
        if start is not None and start + dt.timedelta(days=attrs["days"] - 1) > planning.LAST_DAY:
            raise serializers.ValidationError({"days": [f"The last day shown must be {planning.LAST_DAY:%Y-%m-%d} at the latest."]})
        return attrs


class PumpDaySerializer(serializers.Serializer):
    date = serializers.DateField(source="day", help_text="The clinic date.")
    state = serializers.ChoiceField(
        choices=STATES,
        help_text="`free`; `episode` (worn by a patient, or out and not returned); `turnaround` (cleaning and a check "
        "after a removal); `maintenance` (a maintenance span, or the pump's status from today on); `retired` (from "
        "today on). When several touch the day: episode, then maintenance, then turnaround.",
    )
    episode = serializers.IntegerField(
        source="episode_id", allow_null=True, help_text="The episode holding the pump that day (id), else null."
    )
    overdue = serializers.BooleanField(
        help_text="The episode's pump should have been back by now: it counts as out until it is returned."
    )


class PumpAvailabilityRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pump_id")
    status = serializers.ChoiceField(choices=PumpStatus.choices, help_text="The pump's status now.")
    days = PumpDaySerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        # `label` is a Field's own attribute: declared here rather than as a class attribute.
        fields = {"id": fields["id"], "label": serializers.CharField(help_text="What staff call it."), **fields}
        return fields


class PumpAvailabilitySerializer(serializers.Serializer):
    clinic = serializers.IntegerField()
    start = serializers.DateField()
    days = serializers.IntegerField()
    timezone = serializers.CharField(help_text="The clinic's time zone: what a day is.")
    pumps = PumpAvailabilityRowSerializer(many=True, help_text="Every pump of the clinic (retired ones too), by label.")


_EXAMPLE_DAYS = [
    ("2027-03-01", "free", None, False), ("2027-03-02", "episode", 31, False), ("2027-03-03", "episode", 31, False),
    ("2027-03-04", "turnaround", 31, False),
]


class PumpAvailabilityView(APIView):
    """GET /api/v1/pumps/availability/?clinic=&start=&days=."""

    permission_classes = [RolePermission]
    roles = {"*": ALL_ROLES}

    @extend_schema(
        operation_id="pumps_availability_retrieve",
        tags=["pumps"],
        summary="Pumps' availability, day by day",
        description=(
            "Each pump of the clinic with its state on each clinic-local day from `start`: free, held by an episode "
            "(from its fitting to its removal), in its turnaround, in maintenance, or retired. A day counts as held "
            "when anything holds the pump for any part of it. A pump not returned after its episode (fitted or "
            "removed) once it was due back is `overdue`: out on every day from its fitting until it is returned. "
            "Book with the proposals (`GET /api/v1/episodes/proposals/`), which look at instants, not days."
        ),
        parameters=[PumpAvailabilityQuerySerializer],
        responses={
            200: PumpAvailabilitySerializer,
            400: _errors(
                "A query parameter is not valid; `details` names it.",
                _example("validation_error", "The request is not valid: days: Ensure this value is less than or "
                         f"equal to {MAX_DAYS}.", {"days": [f"Ensure this value is less than or equal to {MAX_DAYS}."]}),
                _example("validation_error", "The request is not valid: clinic: There is no such clinic in your "
                         "clinics (id 9).", {"clinic": ["There is no such clinic in your clinics (id 9)."]}),
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_READ,
        },
        examples=[OpenApiExample("Two pumps, four days", response_only=True, value={
            "clinic": 1, "start": "2027-03-01", "days": 4, "timezone": "America/New_York",
            "pumps": [
                {"id": 3, "label": "Pump 1", "status": "in_service",
                 "days": [{"date": d, "state": s, "episode": e, "overdue": o} for d, s, e, o in _EXAMPLE_DAYS]},
                {"id": 4, "label": "Pump 2", "status": "maintenance",
                 "days": [{"date": d, "state": "maintenance", "episode": None, "overdue": False}
                          for d, _, _, _ in _EXAMPLE_DAYS]},
            ]})],
    )
    def get(self, request):
        query = PumpAvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        clinic = scope_to_user_clinics(Clinic.objects.all(), request.user, field="pk").filter(pk=v["clinic"]).first()
        if clinic is None:
            raise ValidationError({"clinic": [f"There is no such clinic in your clinics (id {v['clinic']})."]})
        start = v.get("start") or timezone.now().astimezone(clinic.tz).date()
        rows = pump_availability(clinic=clinic, start=start, days=v["days"])
        return Response(PumpAvailabilitySerializer({
            "clinic": clinic.pk, "start": start, "days": v["days"], "timezone": clinic.timezone, "pumps": rows,
        }).data)


urlpatterns = [
    path("pumps/availability/", PumpAvailabilityView.as_view(), name="pump-availability"),
]
