"""Strict input: every API serializer takes JSON values of exactly the type its OpenAPI schema names.

DRF coerces by default: `{"name": 0}` is stored as "0", `0`, `"no"` and `"off"` are false, `"5"` is 5, a
date in any of Python's ISO variants passes. A client generated from the schema never sends those, and a
server that takes them is not the one the schema describes. Here a JSON string field takes only strings,
a boolean only true/false, an integer only a JSON integer (not a string, a float or a boolean), a number only
a number, a list only a list, a choice only a value of the choice's own type, a date only YYYY-MM-DD; null
only where the field is nullable and "" only where it may be blank. Every refusal is DRF's own 400
`validation_error` naming the field.

The other direction holds too: what a field refuses, its schema says (`minItems` for a list that may not be
empty, a `pattern` for a text that may not be blank after trimming, the integer range the database column
holds), so what the schema allows is accepted unless a rule of the domain says no.

Use `StrictSerializer` and `StrictModelSerializer` as the base of every serializer that reads input; the
model mapping and `many=True` lists say their sizes in the schema, declared fields come from here (or from
`common.fields`). Query parameters: `QuerySerializer` (strings of the query read as the JSON type their
field names) and the filter classes in `common.fields`.
"""

from __future__ import annotations

import re
import sys
from contextlib import suppress
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.validators import (
    EmailValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.fields import empty

#: The largest id a body or a query may name: ids are bigints; a larger number is bad input, not a 500.
MAX_ID = 2**63 - 1


def _whitespace_class() -> str:
    """The characters `str.strip()` removes, as a regex class: the schema's "not blank" says what trimming does."""
    spaces = [code for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    ranges: list[list[int]] = []
    for code in spaces:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


#: A text that holds at least one character that is not whitespace: what is left once it is trimmed.
NOT_BLANK = f"[^{_whitespace_class()}]"
#: YYYY-MM-DD, digits only: Python's own reader also takes 20270302 and week dates (2027-W09-2).
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE = re.compile(DATE_PATTERN)
#: A date in the years a schedule may name (validator and schema pattern of a date field that needs it).
SCHEDULE_YEARS = RegexValidator(r"^(19[0-9]{2}|2[0-9]{3})-", message="Choose a date between 1900-01-01 and 2999-12-31.")
#: RFC 3339 (OpenAPI's `date-time`): a date, a time with seconds, and an offset.
INSTANT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
_INSTANT = re.compile(INSTANT_PATTERN)


def json_type(value) -> str:
    """The JSON name of a parsed JSON value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    for kind, name in ((str, "string"), (list, "array"), (dict, "object")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


# --- Scalars -------------------------------------------------------------------------------------


class StrictStringMixin:
    """A JSON string and nothing else; its length is checked as sent, before trimming.

    A text with a format or pattern of its own (an email, a slug) is not trimmed: " a@b.example" breaks the
    format, so it is refused as the schema says. A trimmed text that may not be blank says so in its schema:
    a pattern asking for one character that is not whitespace.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        field: Any = self
        if any(isinstance(v, RegexValidator | EmailValidator | URLValidator) for v in field.validators):
            field.trim_whitespace = False

    def run_validation(self, data=empty):
        field: Any = self
        if data is not empty and data is not None:
            if not isinstance(data, str):
                field.fail("invalid")
            if field.max_length is not None and len(data) > field.max_length:
                field.fail("max_length", max_length=field.max_length)
        return super().run_validation(data)  # type: ignore[misc]

    @property
    def schema_pattern(self) -> str | None:
        field: Any = self
        if field.allow_blank or not field.trim_whitespace:
            return None
        return NOT_BLANK


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass


class StrictSlugField(StrictStringMixin, serializers.SlugField):
    pass


class StrictURLField(StrictStringMixin, serializers.URLField):
    pass


class StrictBooleanField(serializers.BooleanField):
    """true or false; not 0, 1, "true" or "yes"."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer; not "5", 5.0 or true."""

    def to_internal_value(self, data):
        if type(data) is not int:
            self.fail("invalid")
        return data


class StrictFloatField(serializers.FloatField):
    """A JSON number (integer or not); not "1.5" or true."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """A JSON number; not "1.5" or true. With `rounding` (a decimal.ROUND_* mode), a number with more decimals
    than `decimal_places` is rounded to them before its digits are counted (DRF would refuse it): what the schema
    states, a number in the range, is then all a client must send."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)

    def validate_precision(self, value):
        if self.rounding is not None and self.decimal_places is not None and value.is_finite():
            with suppress(InvalidOperation):  # too many digits to round (1e308): refused below for its digits
                value = value.quantize(Decimal(1).scaleb(-self.decimal_places), rounding=self.rounding)
        return super().validate_precision(value)


class StrictChoiceField(serializers.ChoiceField):
    """One of the choices, as the JSON value of the choice's own type: weekday 1, never "1"."""

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        choice = self.choice_strings_to_values.get(str(data), empty) if isinstance(data, str | int) else empty
        if choice is empty or isinstance(data, bool) or type(choice) is not type(data):
            self.fail("invalid_choice", input=data)
        return choice


class StrictDateField(serializers.DateField):
    """YYYY-MM-DD, as OpenAPI's `date` says."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class StrictDateTimeField(serializers.DateTimeField):
    """An RFC 3339 instant, with its offset, as OpenAPI's `date-time` says."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not _INSTANT.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss[.ffffff](Z|±hh:mm)")
        return super().to_internal_value(value.upper())  # RFC 3339 allows t and z; Python reads T and Z


# --- Lists and related ids -----------------------------------------------------------------------


def _size_validators(field) -> None:
    """min_length/max_length (and allow_empty=False) as validators, which the schema shows as minItems/maxItems."""
    minimum = field.min_length if field.min_length is not None else (0 if field.allow_empty else 1)
    if minimum and not any(isinstance(v, MinLengthValidator) for v in field.validators):
        field.validators.append(MinLengthValidator(minimum))
    if field.max_length is not None and not any(isinstance(v, MaxLengthValidator) for v in field.validators):
        field.validators.append(MaxLengthValidator(field.max_length))


class StrictListField(serializers.ListField):
    """A JSON array; `allow_empty=False` or `min_length` show in the schema as `minItems`, `unique=True` as
    `uniqueItems` (each value at most once)."""

    default_error_messages = {
        "not_a_list": 'Expected a list of items but got type "{input_type}".',
        "not_unique": "Each value may appear only once.",
    }

    def __init__(self, *, unique: bool = False, **kwargs):
        self.unique = unique
        super().__init__(**kwargs)
        _size_validators(self)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=json_type(data))
        values = super().to_internal_value(data)
        if self.unique and len(set(values)) != len(values):
            self.fail("not_unique")
        return values


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """The id of a row: a JSON integer from 1 to the largest bigint (the schema says so), then looked up."""

    default_error_messages = {
        "incorrect_type": "Expected an id (a whole number), received {data_type}.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", StrictIntegerField(min_value=1, max_value=MAX_ID))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if type(data) is not int:
            self.fail("incorrect_type", data_type=json_type(data))
        pk_field: Any = self.pk_field
        # run_validation, not to_internal_value: the range checks are the pk field's validators.
        pk_field.run_validation(data)
        queryset = self.get_queryset()
        assert queryset is not None
        try:
            return queryset.get(pk=data)
        except queryset.model.DoesNotExist:
            self.fail("does_not_exist", pk_value=data)


# --- Serializers ---------------------------------------------------------------------------------


class StrictListSerializer(serializers.ListSerializer):
    """`many=True` of a strict serializer: its size limits as validators, which the schema shows as minItems/maxItems.

    Set in __init__: a parent serializer deep-copies its fields by constructing them again.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _size_validators(self)


class StrictSerializerMixin:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default)."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        if getattr(getattr(cls, "Meta", None), "list_serializer_class", None) is not None:
            return super().many_init(*args, **kwargs)  # type: ignore[misc]
        list_kwargs = {}
        for key in serializers.LIST_SERIALIZER_KWARGS_REMOVE:
            value = kwargs.pop(key, None)
            if value is not None:
                list_kwargs[key] = value
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({key: value for key, value in kwargs.items() if key in serializers.LIST_SERIALIZER_KWARGS})
        return StrictListSerializer(*args, **list_kwargs)


# The base of every serializer that reads a JSON body: declare its fields from this module. (A comment: a
# docstring would be the schema's description of every serializer that has none of its own.)
class StrictSerializer(StrictSerializerMixin, serializers.Serializer):
    pass


def _integer_range(model_field) -> tuple[int, int] | None:
    """The range of an integer column as PostgreSQL holds it, whatever database makes the schema."""
    return BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type())


# A ModelSerializer whose generated fields are strict, and whose integers carry their column's range.
class StrictModelSerializer(StrictSerializerMixin, serializers.ModelSerializer):

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BigIntegerField: StrictIntegerField,
        models.BooleanField: StrictBooleanField,
        models.CharField: StrictCharField,
        models.DateField: StrictDateField,
        models.DateTimeField: StrictDateTimeField,
        models.DecimalField: StrictDecimalField,
        models.EmailField: StrictEmailField,
        models.FloatField: StrictFloatField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.PositiveBigIntegerField: StrictIntegerField,
        models.SlugField: StrictSlugField,
        models.SmallIntegerField: StrictIntegerField,
        models.TextField: StrictCharField,
        models.URLField: StrictURLField,
    }
    serializer_related_field = StrictPrimaryKeyRelatedField
    serializer_choice_field = StrictChoiceField

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        bounds = _integer_range(model_field)
        if issubclass(field_class, serializers.ChoiceField):
            # The enum says it all; the column's range would only add noise to the schema.
            field_kwargs["validators"] = [
                v for v in field_kwargs.get("validators", []) if not isinstance(v, MinValueValidator | MaxValueValidator)
            ]
        elif bounds is not None and issubclass(field_class, serializers.IntegerField) and not field_kwargs.get("read_only"):
            low, high = bounds
            field_kwargs["min_value"] = max(field_kwargs.get("min_value", low), low)
            field_kwargs["max_value"] = min(field_kwargs.get("max_value", high), high)
        return field_class, field_kwargs


# --- Query parameters ----------------------------------------------------------------------------

_QUERY_INTEGER = re.compile(r"^-?[0-9]+$")
#: More digits than any id or count has; Python refuses to read a few thousand of them as a number.
_QUERY_DIGITS = 40


def query_integer(text: str) -> int:
    """Digits as a number; past any column's range, a number just past the largest id (refused by its range)."""
    digits = text.lstrip("-")
    if len(digits) > _QUERY_DIGITS:
        return -(MAX_ID + 1) if text.startswith("-") else MAX_ID + 1
    return int(text)


def query_value(field, text: str):
    """A query string's text as the JSON value its field's schema type names ("5" → 5, "true" → True).

    Text that is not the type's own spelling stays text, and the strict field refuses it naming the type.
    """
    if isinstance(field, serializers.BooleanField):
        return {"true": True, "false": False}.get(text, text)
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField) and _QUERY_INTEGER.fullmatch(text):
        return query_integer(text)
    return text


class QuerySerializer(StrictSerializer):
    """Query parameters: each given once, its text read as its field's type, then validated strictly."""

    default_error_messages = {"repeated": "Give this parameter once."}

    def to_internal_value(self, data):
        values, errors = {}, {}
        for name, field in self.fields.items():
            if name not in data:
                continue
            given = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
            if len(given) != 1:
                errors[name] = [self.error_messages["repeated"]]
                continue
            values[name] = query_value(field, given[0])
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(values)


# --- The schema ----------------------------------------------------------------------------------


class StrictStringSchema(OpenApiSerializerFieldExtension):
    """A trimmed text that may not be blank: its schema asks for a character that is not whitespace."""

    target_class = "common.serializers.StrictStringMixin"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        pattern = self.target.schema_pattern
        if pattern and "pattern" not in schema and direction == "request":
            schema["pattern"] = pattern
        return schema


class StrictListSchema(OpenApiSerializerFieldExtension):
    """A list whose values may each appear once says so: `uniqueItems`."""

    target_class = "common.serializers.StrictListField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if self.target.unique:
            schema["uniqueItems"] = True
        return schema
