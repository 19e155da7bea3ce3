"""API views of closures (spans when a clinic takes no sessions) and of staff time off."""

from __future__ import annotations

from scheduler.api import serializers as s
from scheduler.api.filters import ClosureFilter, TimeOffFilter
from scheduler.api.impact import with_impact
from scheduler.api.views.base import ConfigViewSet
from scheduler.api.views.impact import ImpactMixin
from scheduler.api.views.schema import config_schema
from scheduler.impact import closure_impact, time_off_impact
from scheduler.models import Closure, TimeOff


@config_schema(
    serializer=s.ClosureSerializer,
    noun="closure",
    plural="closures",
    tag="closures",
    about="A span when a clinic takes no sessions (a holiday, training, a broken pump).",
    request_example={"clinic": 1, "chair": None, "starts_at": "2027-11-25T00:00:00", "ends_at": "2027-11-26T00:00:00",
                     "reason": "Thanksgiving"},
    response_example={"id": 3, "clinic": 1, "chair": None, "starts_at": "2027-11-25T05:00:00Z",
                      "ends_at": "2027-11-26T05:00:00Z", "reason": "Thanksgiving", "stranded_sessions": []},
    field="ends_at",
    field_error="Must be after `starts_at`.",
    extra={"list": " Filter by `clinic`, `ends_after` and `starts_before`. Instants are ISO 8601 with their UTC offset."},
    impact=True,
)
class ClosureViewSet(ImpactMixin, ConfigViewSet):
    queryset = Closure.objects.select_related("clinic", "chair")
    serializer_class = s.ClosureSerializer
    impact_serializer_class = with_impact(s.ClosureSerializer)
    filterset_class = ClosureFilter

    def impact_of(self, *, old, new, serializer):
        return closure_impact(old=old, new=new)


@config_schema(
    serializer=s.TimeOffSerializer,
    noun="time off entry",
    plural="time off entries",
    tag="time off",
    about="A span when a staff member is away; the scheduler assigns them no sessions then.",
    request_example={"staff": 4, "starts_at": "2027-07-05T00:00:00", "ends_at": "2027-07-10T00:00:00",
                     "reason": "Vacation"},
    response_example={"id": 2, "staff": 4, "starts_at": "2027-07-05T04:00:00Z", "ends_at": "2027-07-10T04:00:00Z",
                      "reason": "Vacation", "stranded_sessions": []},
    field="staff",
    field_error="Staff member 99 does not exist or is not in one of your clinics.",
    extra={"list": " Filter by `clinic`, `staff`, `ends_after` and `starts_before`. Instants are ISO 8601 with their UTC offset."},
    impact=True,
)
class TimeOffViewSet(ImpactMixin, ConfigViewSet):
    queryset = TimeOff.objects.select_related("staff__clinic")
    serializer_class = s.TimeOffSerializer
    impact_serializer_class = with_impact(s.TimeOffSerializer)
    filterset_class = TimeOffFilter
    clinic_field = "staff__clinic"

    def impact_of(self, *, old, new, serializer):
        return time_off_impact(old=old, new=new)
