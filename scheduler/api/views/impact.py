"""Writes that may strand booked sessions: `?dry_run=true` first, and every real write marks what it strands.

A view names how a change touches the calendar (`impact_of`: scheduler.impact's builders); this mixin answers a
dry run with 200, the would-be row and `stranded_sessions` (writing nothing), and runs a real write and
`impact_mark` in one transaction, answering as before plus `stranded_sessions` (a delete stays 204).
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.response import Response

from common.errors import integrity_as_conflict
from scheduler.api.impact import DryRunDeleteSerializer, DryRunQuerySerializer
from scheduler.impact import Impact, impact_dry_run, impact_mark


class ImpactMixin:
    """For a ConfigViewSet: dry runs and stranded sessions on create, update, partial update and destroy."""

    impact_serializer_class: type

    def impact_of(self, *, old, new, serializer) -> Impact | None:
        """How this write changes the calendar; None: it strands nothing. `new` is None for a delete."""
        raise NotImplementedError

    def would_be(self, *, old, serializer):
        """The row as the write would leave it, unsaved (a copy when changing)."""
        if old is not None:
            row = copy.copy(old)
            row._prefetched_objects_cache = {}
        else:
            row = serializer.Meta.model()
        for name, value in serializer.validated_data.items():
            if name != getattr(serializer, "nested_field", None):
                setattr(row, name, value)
        return row

    def now(self):
        return timezone.now()

    def _dry_run(self) -> bool:
        query = DryRunQuerySerializer(data=self.request.query_params)  # type: ignore[attr-defined]
        query.is_valid(raise_exception=True)
        return query.validated_data["dry_run"]

    def _answer(self, row, stranded, code, *, written=None):
        row.stranded_sessions = stranded
        if row.pk is not None and hasattr(row, "_prefetched_objects_cache"):
            row._prefetched_objects_cache = {}  # a write may have replaced a nested set: read it afresh
        serializer = self.impact_serializer_class(row, context=self.get_serializer_context())  # type: ignore[attr-defined]
        unsaved = row.pk is None
        if unsaved:
            # The dry run of a creation: Django reads no relation of a row without a key, so the row is shown under
            # id 0, which no row has (its sets read empty; a nested set given is put in below), and answered as null.
            row.pk = 0
        try:
            data = serializer.data
        finally:
            if unsaved:
                row.pk = None
        if unsaved:
            data["id"] = None
        nested = getattr(written, "nested_field", None)
        if written is not None and nested in written.validated_data:
            # A dry run's nested set (shifts, opening hours) is the one given, not the one stored.
            child = written.fields[nested].child
            data[nested] = [child.to_representation(written.nested_model(**r)) for r in written.validated_data[nested]]
        return Response(data, status=code)

    def _write(self, serializer, old, *, create: bool, dry: bool):
        if dry:
            new = self.would_be(old=old, serializer=serializer)
            impact = self.impact_of(old=old, new=new, serializer=serializer)
            stranded = impact_dry_run(clinic=impact.clinic, scope=impact.scope, change=impact.change) if impact else []
            return self._answer(new, stranded, status.HTTP_200_OK, written=serializer)
        with integrity_as_conflict(), transaction.atomic():
            if create:
                self.perform_create(serializer)  # type: ignore[attr-defined]
            else:
                self.perform_update(serializer)  # type: ignore[attr-defined]
            impact = self.impact_of(old=old, new=serializer.instance, serializer=serializer)
            stranded = (
                impact_mark(clinic=impact.clinic, scope=impact.scope, cause=impact.cause, by=self.request.user)  # type: ignore[attr-defined]
                if impact else []
            )
        return self._answer(serializer.instance, stranded, status.HTTP_201_CREATED if create else status.HTTP_200_OK)

    # The query is read first: a wrong `dry_run` is named as such whatever the body holds.
    def create(self, request, *args, **kwargs):
        dry = self._dry_run()
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        return self._write(serializer, None, create=True, dry=dry)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # type: ignore[attr-defined]  # a row that is gone: 404 first
        dry = self._dry_run()
        old = copy.copy(instance)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        return self._write(serializer, old, create=False, dry=dry)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()  # type: ignore[attr-defined]
        dry = self._dry_run()
        if dry:
            impact = self.impact_of(old=instance, new=None, serializer=None)
            stranded = impact_dry_run(clinic=impact.clinic, scope=impact.scope, change=impact.change) if impact else []
            return Response(DryRunDeleteSerializer({"stranded_sessions": stranded}).data, status=status.HTTP_200_OK)
        with transaction.atomic():
            impact = self.impact_of(old=copy.copy(instance), new=None, serializer=None)
            self.perform_destroy(instance)  # type: ignore[attr-defined]
            if impact:
                impact_mark(clinic=impact.clinic, scope=impact.scope, cause=impact.cause, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
