"""What every booking view shares: role permissions, clinic scoping, and parsing a request's body."""

from __future__ import annotations

from rest_framework import viewsets

from common.api import ClinicScopedQuerysetMixin, RolePermission


class ScopedViewSet(ClinicScopedQuerysetMixin, viewsets.GenericViewSet):
    permission_classes = [RolePermission]

    def filter_queryset(self, queryset):
        # Query parameters filter lists only; an action on one object is never narrowed by them.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def parse(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
