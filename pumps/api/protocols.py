"""GET /api/v1/pump-protocols/ and /{id}/: the pump protocols a caller's clinics may book (their own and the shared
ones), read-only: an integration needs their ids and rules to ask for proposals and book. They are configured in the
admin (pumps/admin.py), like a clinic's pumps' settings."""

from __future__ import annotations

from django.db.models import Q
from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from common.access import ALL_ROLES, user_clinic_ids
from common.api import RolePermission
from common.fields import IdFilter, StrictFilterSet
from common.openapi import FORBIDDEN_READ, NOT_FOUND, PAGE_NOT_FOUND, UNAUTHENTICATED
from pumps.models import PumpProtocol


class PumpProtocolSerializer(serializers.ModelSerializer):
    class Meta:
        model = PumpProtocol
        fields = [
            "id", "clinic", "name", "slug", "indication", "episode_days", "episodes_per_course",
            "min_days_between_episodes", "max_days_between_episodes", "fitting_minutes", "review_mode",
            "review_minutes", "review_needs_chair", "phone_review_when_closed", "removal_minutes", "notes",
        ]
        read_only_fields = fields


class PumpProtocolFilter(StrictFilterSet):
    clinic = IdFilter(method="offered_at", help_text="Only the protocols this clinic may book: its own and the shared "
                      "ones (id).")

    class Meta:
        model = PumpProtocol
        fields: list[str] = []

    def offered_at(self, queryset, name, value):
        return queryset.filter(Q(clinic_id=value) | Q(clinic__isnull=True))


EXAMPLE = {
    "id": 1, "clinic": None, "name": "Continuous subcutaneous pump (5 days)", "slug": "continuous-sc-pump",
    "indication": "chronic pain", "episode_days": 5, "episodes_per_course": 1, "min_days_between_episodes": 7,
    "max_days_between_episodes": None, "fitting_minutes": 60, "review_mode": "visit", "review_minutes": 30,
    "review_needs_chair": True, "phone_review_when_closed": True, "removal_minutes": 60, "notes": "",
}


@extend_schema_view(
    list=extend_schema(
        operation_id="pump_protocols_list", tags=["pumps"], summary="List pump protocols",
        description="The active pump protocols your clinics may book: each clinic's own and the shared ones "
        "(`clinic` null). `?clinic=` keeps those one clinic may book.",
        responses={200: PumpProtocolSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_READ,
                   404: PAGE_NOT_FOUND},
        examples=[OpenApiExample("The shared protocol", response_only=True, value=EXAMPLE)],
    ),
    retrieve=extend_schema(
        operation_id="pump_protocols_retrieve", tags=["pumps"], summary="Get a pump protocol",
        responses={200: PumpProtocolSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[OpenApiExample("A protocol", response_only=True, value=EXAMPLE)],
    ),
)
class PumpProtocolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [RolePermission]
    roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES}
    serializer_class = PumpProtocolSerializer
    filterset_class = PumpProtocolFilter

    def get_queryset(self):
        rows = PumpProtocol.objects.filter(is_active=True).order_by("name", "pk")
        user = self.request.user
        if user.is_superuser:
            return rows
        return rows.filter(Q(clinic_id__in=user_clinic_ids(user)) | Q(clinic__isnull=True))

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset


urlpatterns = [
    path("pump-protocols/", PumpProtocolViewSet.as_view({"get": "list"}), name="pump-protocol-list"),
    path("pump-protocols/<int:pk>/", PumpProtocolViewSet.as_view({"get": "retrieve"}), name="pump-protocol-detail"),
]
