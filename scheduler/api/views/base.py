"""What every configuration view shares: read for every role, write for admins, one transaction per write."""

from __future__ import annotations

from django.db import transaction
from rest_framework import viewsets

from common.access import ADMIN, ALL_ROLES
from common.api import ClinicScopedQuerysetMixin, RolePermission
from common.errors import integrity_as_conflict

READ_ACTIONS = ("list", "retrieve")
WRITE_ACTIONS = ("create", "update", "partial_update", "destroy")
CONFIG_ROLES = {
    **{action: ALL_ROLES for action in READ_ACTIONS},
    **{action: frozenset({ADMIN}) for action in WRITE_ACTIONS},
}


class ConfigViewSet(ClinicScopedQuerysetMixin, viewsets.ModelViewSet):
    """Read for every role, write for admins, rows of the user's clinics, one transaction per write."""

    permission_classes = [RolePermission]
    roles = CONFIG_ROLES

    def get_queryset(self):
        return self.scope(super().get_queryset())

    def perform_create(self, serializer):
        with integrity_as_conflict(), transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with integrity_as_conflict(), transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        # A row still referred to by bookings raises ProtectedError: common.api answers 409 `in_use`.
        with transaction.atomic():
            instance.delete()
