"""Fields and filters shared by the API's serializers and filter sets, as strict as their schema says.

Query parameters arrive as text: each filter takes exactly the spelling its schema type has (an integer
`42`, a boolean `true`/`false`, a date `2027-03-02`, an instant `2027-03-02T14:00:00Z`), given once; any
other text, a repeated parameter or an empty value where the type has none is a 400 naming the parameter
(`StrictFilterSet`). The schema of each filter says its limits (`StrictFilterExtension`).
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as filters
from django_filters.fields import BaseCSVField
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.serializers import DATE_PATTERN, MAX_ID, StrictDateTimeField, query_integer

_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_TIME = re.compile(_TIME_PATTERN)


@extend_schema_field(
    {"type": "string", "pattern": _TIME_PATTERN, "example": "08:00",
     "description": "A wall-clock time, HH:MM[:SS], with no offset."}
)
class WallClockTimeField(serializers.TimeField):
    """A time of day on the clinic's own clock. OpenAPI's `format: time` would demand a UTC offset.

    Only HH:MM[:SS], as the pattern says: Python's reader would also take 0800, 08 and 08:00+05:00.
    """

    def to_internal_value(self, value):
        if not isinstance(value, str) or not _TIME.fullmatch(value):
            self.fail("invalid", format="HH:MM[:SS]")
        return super().to_internal_value(value)


# The years 1900-2999 a schedule may name, and no day or hour that cannot be: a value the pattern allows is
# one the server reads. A day of the month counts its month's days, and 29 February is there in leap years only.
_LEAP_YEAR = r"((19|2[0-9])(0[48]|[2468][048]|[13579][26])|(20|24|28)00)"
_DAY = (
    r"((19[0-9]{2}|2[0-9]{3})-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    rf"|02-(0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)"
)
_TIME_OF_DAY = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
_OFFSET = r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
#: An instant (with an offset) or a wall-clock time in the clinic's zone (without one).
LOCAL_OR_INSTANT_PATTERN = rf"^{_DAY}T{_TIME_OF_DAY}{_OFFSET}?$"
_LOCAL_OR_INSTANT = re.compile(LOCAL_OR_INSTANT_PATTERN)
#: The same, or a bare date (a query's bound: its day's first moment, or its whole day).
DAY_OR_TIME_PATTERN = rf"^{_DAY}(T{_TIME_OF_DAY}{_OFFSET}?)?$"
DAY_OR_TIME = re.compile(DAY_OR_TIME_PATTERN)

LOCAL_OR_INSTANT_HELP = (
    "With an offset (2027-03-02T14:00:00Z, 2027-03-02T09:00-05:00) it is that instant; without one "
    "(2027-03-02T09:00) it is a wall-clock time in the clinic's time zone. Years 1900-2999."
)


def local_or_instant(text, fail) -> dt.datetime:
    """`text` read as an aware instant or a naive wall-clock time; `fail()` for anything else."""
    if not isinstance(text, str) or not _LOCAL_OR_INSTANT.fullmatch(text):
        fail()
    parsed = parse_datetime(text)
    assert parsed is not None  # the pattern lets through only what parses
    return parsed


class LocalOrInstantMixin:
    """A field that reads an instant or a wall-clock time (LOCAL_OR_INSTANT_PATTERN); it answers instants."""


class LocalOrInstantSchema(OpenApiSerializerFieldExtension):
    """In requests the pattern (not `date-time`, which demands an offset); in answers an RFC 3339 instant."""

    target_class = "common.fields.LocalOrInstantMixin"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return build_basic_type(OpenApiTypes.DATETIME)
        return {"type": "string", "pattern": LOCAL_OR_INSTANT_PATTERN, "example": "2027-03-02T09:00",
                "description": LOCAL_OR_INSTANT_HELP}


# --- Query filters -------------------------------------------------------------------------------


class StrictQueryForm(forms.Form):
    """A filter set's form: each parameter given at most once, and not empty unless its type may be."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            given = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            given = [value for value in given if value is not None]
            if len(given) > 1:
                self.add_error(name, forms.ValidationError("Give this parameter once.", code="repeated"))
            elif given and given[0] == "" and not isinstance(field, forms.CharField | BaseCSVField):
                self.add_error(name, forms.ValidationError("Give a value, or leave the parameter out.", code="empty"))
            elif given and isinstance(field, BaseCSVField) and "" in given[0].split(",") and given[0] != "":
                self.add_error(name, forms.ValidationError("An empty item between commas.", code="empty_item"))
        return cleaned


class StrictFilterSet(filters.FilterSet):
    """The base of every filter set of the API: see StrictQueryForm."""

    def get_form_class(self):
        fields = {name: filter_.field for name, filter_ in self.filters.items()}
        return type(f"{type(self).__name__}Form", (StrictQueryForm,), fields)


class StrictIntegerFormField(forms.Field):
    """A whole number written as one: digits with an optional minus sign (not 5.0, +5, " 5" or ٥)."""

    default_error_messages = {"invalid": "Enter a whole number."}
    _integer = re.compile(r"^-?[0-9]+$")

    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(MinValueValidator(min_value))
        if max_value is not None:
            self.validators.append(MaxValueValidator(max_value))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not self._integer.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return query_integer(value)


class IdField(StrictIntegerFormField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdFilter(filters.NumberFilter):
    """An object's id: a whole number from 1 (an id of a clinic the user does not belong to simply matches nothing)."""

    field_class = IdField  # type: ignore[assignment]  # any form field will do; the stub says NumberFilter's own
    schema_extra = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


class StrictBooleanFormField(forms.Field):
    default_error_messages = {"invalid": "Enter true or false."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value not in ("true", "false"):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value == "true"


class BooleanFilter(filters.BooleanFilter):
    """true or false, as the schema's boolean is spelled (not True, 1, yes or on)."""

    field_class = StrictBooleanFormField  # type: ignore[assignment]  # any form field will do

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class StrictDateFormField(forms.DateField):
    """YYYY-MM-DD only (Django's form would take 03/02/2027 and 2027-03-02 09:00 too)."""

    _date = re.compile(DATE_PATTERN)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not self._date.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DateFilter(filters.DateFilter):
    field_class = StrictDateFormField


class InstantFormField(forms.Field):
    """An RFC 3339 instant (OpenAPI's `date-time`): a date, a time with seconds, an offset."""

    default_error_messages = {"invalid": "Enter an instant with its offset, e.g. 2027-03-02T14:00:00Z."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        field = StrictDateTimeField()
        try:
            parsed = field.to_internal_value(value)
        except serializers.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        try:
            # The database compares in UTC; an extreme offset or year must be a 400, not a database error.
            return parsed.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("This instant is out of range.", code="invalid") from None


class InstantFilter(filters.IsoDateTimeFilter):
    """An RFC 3339 instant, compared in UTC."""

    field_class = InstantFormField  # type: ignore[assignment]  # any form field will do


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """One value, or several separated by commas: `status=booked,confirmed`."""


class StrictFilterExtension(DjangoFilterExtension):
    """drf-spectacular's django-filter mapping, plus each filter's limits: `schema_extra`, a CharFilter's maxLength.

    Kept beside the filters, so a filter's schema and its form field are read in one place.
    """

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        extra = dict(getattr(filter_field, "schema_extra", {}))
        if isinstance(filter_field, filters.CharFilter) and filter_field.extra.get("max_length"):
            extra["maxLength"] = filter_field.extra["max_length"]
        for parameter in parameters:
            parameter["schema"].update(extra)
        return parameters
