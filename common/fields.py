"""Fields and filters shared by the API's serializers and filter sets."""

from __future__ import annotations

import datetime as dt

from django import forms
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "08:00",
     "description": "A wall-clock time, HH:MM[:SS], with no offset."}
)
class WallClockTimeField(serializers.TimeField):
    """A time of day on the clinic's own clock. OpenAPI's `format: time` would demand a UTC offset."""


class InstantFormField(IsoDateTimeField):
    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            # The database compares in UTC; an extreme offset or year must be a 400, not a database error.
            return parsed.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("This instant is out of range.", code="invalid") from None


class InstantFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 instant, compared in UTC."""

    field_class = InstantFormField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object's id: a whole number (an id of a clinic the user does not belong to simply matches nothing)."""

    field_class = forms.IntegerField  # type: ignore[assignment]  # any form field will do; the stub says NumberFilter's own


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """One value, or several separated by commas: `status=booked,confirmed`."""
