"""API views of clinics: their time zone, contact details, scheduling rules and opening hours."""

from __future__ import annotations

from django.db import transaction

from common.access import user_clinic_ids_forget
from common.errors import integrity_as_conflict
from scheduler.api import serializers as s
from scheduler.api.filters import ClinicFilter
from scheduler.api.impact import with_impact
from scheduler.api.views.base import ConfigViewSet
from scheduler.api.views.impact import ImpactMixin
from scheduler.api.views.schema import config_schema
from scheduler.impact import opening_hours_impact
from scheduler.models import Clinic, OpeningHours

_HOURS = [{"weekday": d, "opens": "08:00:00", "closes": "18:00:00"} for d in range(5)]
_CLINIC = {
    "name": "Riverside Infusion Center",
    "slug": "riverside",
    "timezone": "America/New_York",
    "address": "12 River Road, Springfield",
    "phone": "+1 555 0100",
    "email": "desk@riverside.example.org",
    "is_active": True,
    "nurse_max_concurrent": 3,
    "start_stagger_minutes": 15,
    "late_cancel_hours": 24,
    "no_show_minutes": 15,
    "opening_hours": _HOURS,
    "email_name": "Riverside Health",
    "require_two_factor": False,
}


@config_schema(
    serializer=s.ClinicSerializer,
    noun="clinic",
    plural="clinics",
    tag="clinics",
    about="A clinic (location) with its time zone, contact details, scheduling rules and weekly opening hours.",
    request_example=_CLINIC,
    response_example={"id": 1, **_CLINIC, "stranded_sessions": []},
    field="timezone",
    field_error="'Mars/Olympus' is not an IANA time zone name (e.g. America/New_York).",
    filter_error=("active", "Enter true or false."),
    extra={
        "create": " The creator becomes a member of the new clinic.",
        "update": " `opening_hours`, when given, replaces the whole weekly set at once.",
        "destroy": " Deleting a clinic deletes its chairs, staff, hours, closures and own protocols.",
    },
    impact=True,
)
class ClinicViewSet(ImpactMixin, ConfigViewSet):
    queryset = Clinic.objects.prefetch_related("opening_hours")
    serializer_class = s.ClinicSerializer
    impact_serializer_class = with_impact(s.ClinicSerializer)
    filterset_class = ClinicFilter
    clinic_field = "pk"

    def impact_of(self, *, old, new, serializer):
        # New hours strand sessions; a new clinic has none, and deleting one with sessions is refused.
        rows = serializer.validated_data.get("opening_hours") if serializer is not None else None
        if old is None or new is None or rows is None:
            return None
        return opening_hours_impact(clinic=old, hours=[OpeningHours(clinic=old, **r) for r in rows], now=self.now())

    def perform_create(self, serializer):
        user = self.request.user
        with integrity_as_conflict(), transaction.atomic():
            clinic = serializer.save()
            clinic.staff.add(user)  # else the new clinic would vanish from its creator's view
        user_clinic_ids_forget(user)  # read once per request: the new clinic is one of them now
