"""API views of staff members (nurses and providers) with their weekly shifts."""

from __future__ import annotations

from scheduler.api import serializers as s
from scheduler.api.filters import StaffFilter
from scheduler.api.impact import with_impact
from scheduler.api.views.base import ConfigViewSet
from scheduler.api.views.impact import ImpactMixin
from scheduler.api.views.schema import config_schema
from scheduler.impact import staff_impact
from scheduler.models import Shift, StaffMember, StaffRole

_SHIFTS = [{"weekday": d, "starts": "07:30:00", "ends": "16:00:00", "valid_from": None, "valid_until": None} for d in (0, 2, 4)]
_STAFF = {
    "clinic": 1, "first_name": "Maria", "last_name": "Lopez", "role": "nurse", "email": "m.lopez@riverside.example.org",
    "is_active": True, "shifts": _SHIFTS,
}


@config_schema(
    serializer=s.StaffMemberSerializer,
    noun="staff member",
    plural="staff members",
    tag="staff",
    about="A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in.",
    request_example=_STAFF,
    response_example={"id": 4, **_STAFF, "user": 12, "stranded_sessions": []},
    field="role",
    field_error='"surgeon" is not a valid choice.',
    extra={
        "list": " Filter by `clinic`, `role` and `active`.",
        "update": " `shifts`, when given, replaces the whole weekly pattern at once.",
    },
    impact=True,
)
class StaffMemberViewSet(ImpactMixin, ConfigViewSet):
    queryset = StaffMember.objects.select_related("clinic").prefetch_related("shifts")
    serializer_class = s.StaffMemberSerializer
    impact_serializer_class = with_impact(s.StaffMemberSerializer)
    filterset_class = StaffFilter

    def impact_of(self, *, old, new, serializer):
        # A new staff member has no sessions; deleting one with sessions is refused (409 in_use).
        if old is None or new is None or old.role != StaffRole.NURSE:
            return None
        rows = serializer.validated_data.get("shifts")
        shifts = [Shift(staff=old, **row) for row in rows] if rows is not None else None
        return staff_impact(staff=old, shifts=shifts, active=new.is_active, nurse=new.role == StaffRole.NURSE, now=self.now())
