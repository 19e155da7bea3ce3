"""API views of treatment protocols: a clinic's own, and the shared templates only superusers change."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from common.access import user_clinic_ids
from common.api import RolePermission
from scheduler.api import serializers as s
from scheduler.api.filters import ProtocolFilter
from scheduler.api.views.base import READ_ACTIONS, ConfigViewSet
from scheduler.api.views.schema import _example, config_schema
from scheduler.models import Protocol

_PROTOCOL = {
    "clinic": 1, "name": "Depression induction (IV), 8 sessions", "slug": "depression-iv-8", "indication": "Depression",
    "route": "iv", "is_active": True, "session_count": 8, "chair_minutes": 120, "first_visit_extra_minutes": 30,
    "min_gap_hours": 40, "max_gap_hours": None, "min_gap_days": 2, "max_gap_days": None,
    "consecutive_weekdays": False, "window_days": None, "target_window_days": 28, "warn_window_days": 35,
    "extra_monitoring_sessions": 3, "review_after_session": 3, "recall_min_days": None, "recall_max_days": None,
    "notes": "Two or three a week, at least 40 h apart.",
}



SHARED_PROTOCOL_READ_ONLY = (
    "Shared protocol templates (no clinic) can be changed only by a superuser. "
    "To adapt one, create a protocol for your clinic with its values."
)
SHARED_PROTOCOL_CREATE = (
    "Only a superuser may create a shared protocol template; give `clinic` (one of yours) to create a "
    "protocol for your clinic."
)


class SharedProtocolPermission(BasePermission):
    """Shared templates (no clinic) are read-only for everyone but superusers."""

    message = SHARED_PROTOCOL_READ_ONLY

    def has_object_permission(self, request, view, obj) -> bool:
        return view.action in READ_ACTIONS or obj.clinic_id is not None or request.user.is_superuser


@config_schema(
    serializer=s.ProtocolSerializer,
    noun="protocol",
    plural="protocols",
    tag="protocols",
    about="A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a "
    "chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.",
    request_example=_PROTOCOL,
    response_example={"id": 9, **_PROTOCOL},
    field="max_gap_hours",
    field_error="Must be at least min_gap_hours (40).",
    forbidden_create=(_example("permission_denied", SHARED_PROTOCOL_CREATE, name="shared_template"),),
    forbidden_change=(_example("permission_denied", SHARED_PROTOCOL_READ_ONLY, name="shared_template"),),
    extra={
        "list": " The list holds your clinics' own protocols and the shared templates; `clinic` narrows it to "
        "what one clinic may book.",
        "create": " Give `clinic`: creating a shared template (no clinic) is refused with 403 unless you are a "
        "superuser.",
        "update": " Changing a shared template is refused with 403 unless you are a superuser.",
        "destroy": " Deleting a shared template is refused with 403 unless you are a superuser.",
    },
)
class ProtocolViewSet(ConfigViewSet):
    queryset = Protocol.objects.all()
    serializer_class = s.ProtocolSerializer
    filterset_class = ProtocolFilter
    permission_classes = [RolePermission, SharedProtocolPermission]

    def scope(self, queryset):
        user = self.request.user
        return queryset if user.is_superuser else queryset.offered_at(user_clinic_ids(user))

    def create(self, request, *args, **kwargs):
        data = request.data
        if isinstance(data, dict) and data.get("clinic") in (None, "") and not request.user.is_superuser:
            raise exceptions.PermissionDenied(SHARED_PROTOCOL_CREATE)
        return super().create(request, *args, **kwargs)
