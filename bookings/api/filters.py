"""Query parameters of the patient, cycle and session lists: parsed and validated here (a bad value is a
400 naming the parameter), applied by the selectors in bookings.selectors."""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django import forms
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema_field

from bookings import selectors
from bookings.models import CycleStatus, InfusionSession, Patient, SessionStatus, TreatmentCycle
from common.fields import (
    DAY_OR_TIME,
    DAY_OR_TIME_PATTERN,
    BooleanFilter,
    ChoiceInFilter,
    DateFilter,
    IdFilter,
    StrictFilterSet,
)


class DateOrInstantField(forms.Field):
    default_error_messages = {
        "invalid": "Enter a date (2027-03-02), a date and time with an offset (2027-03-02T14:00:00Z) "
        "or without one (2027-03-02T09:00, clinic time).",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not DAY_OR_TIME.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            # The date first: Python reads a bare date as a datetime at midnight, but as an upper bound a
            # date means its whole day.
            parsed = parse_date(value) or parse_datetime(value)
        except ValueError:  # 2027-02-30
            parsed = None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


#: The schema of `from` and `to`: what DateOrInstantField reads.
DAY_OR_TIME_SCHEMA = {"type": "string", "pattern": DAY_OR_TIME_PATTERN}


@extend_schema_field(DAY_OR_TIME_SCHEMA)
class DateOrInstantFilter(filters.Filter):
    field_class = DateOrInstantField


class PatientFilter(StrictFilterSet):
    clinic = IdFilter(field_name="clinic_id", help_text="Only patients whose home clinic is this one (id).")
    search = filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text=(
            "Words that must each match a first or last name, an email or a phone number (part of it, any case; "
            "phone punctuation ignored for digits). A word that is an ISO date (1985-05-17) also matches the "
            "date of birth exactly."
        ),
    )

    class Meta:
        model = Patient
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return selectors.patient_search(queryset, term=value)


class CycleFilter(StrictFilterSet):
    clinic = IdFilter(field_name="clinic_id", help_text="Only courses at this clinic (id).")
    patient = IdFilter(field_name="patient_id", help_text="Only this patient's courses (id).")
    status = ChoiceInFilter(
        choices=CycleStatus.choices, help_text="Only courses in this status; several may be separated by commas."
    )

    class Meta:
        model = TreatmentCycle
        fields: list[str] = []


class SessionFilter(StrictFilterSet):
    clinic = IdFilter(field_name="clinic_id", help_text="Only sessions at this clinic (id).")
    date = DateFilter(
        method="filter_date",
        help_text="Only sessions starting on this day (YYYY-MM-DD) in their clinic's time zone.",
    )
    starts_from = DateOrInstantFilter(
        method="filter_from",
        help_text=(
            "Only sessions starting at or after this: an instant with an offset (2027-03-02T14:00:00Z), a "
            "wall-clock time without one (2027-03-02T09:00, clinic time) or a date (from its first moment, "
            "clinic time)."
        ),
    )
    starts_to = DateOrInstantFilter(
        method="filter_to",
        help_text=(
            "Only sessions starting before this instant or wall-clock time (exclusive), or on or before this "
            "date (inclusive: the whole day, clinic time)."
        ),
    )
    patient = IdFilter(field_name="patient_id", help_text="Only this patient's sessions (id).")
    cycle = IdFilter(field_name="cycle_id", help_text="Only the sessions of this course (id).")
    chair = IdFilter(field_name="chair_id", help_text="Only sessions in this chair (id).")
    nurse = IdFilter(field_name="nurse_id", help_text="Only sessions watched by this nurse (staff member id).")
    status = ChoiceInFilter(
        choices=SessionStatus.choices, help_text="Only sessions in this status; several may be separated by commas."
    )
    reschedule_requested = BooleanFilter(
        field_name="reschedule_requested_at", lookup_expr="isnull", exclude=True,
        help_text="true: only sessions the patient asked (by an email link) to move, not moved since; false: the others.",
    )

    class Meta:
        model = InfusionSession
        fields: list[str] = []

    def filter_date(self, queryset, name, value: dt.date):
        return selectors.sessions_on_local_date(queryset, day=value)

    def filter_from(self, queryset, name, value):
        return selectors.sessions_starting_between(queryset, start=value)

    def filter_to(self, queryset, name, value):
        return selectors.sessions_starting_between(queryset, end=value)


# The API promises `from` and `to`; `from` is a Python keyword, so the filters are declared under other
# names and renamed here (the query parameter is the key in base_filters).
for _public, _declared in (("from", "starts_from"), ("to", "starts_to")):
    SessionFilter.base_filters[_public] = SessionFilter.base_filters.pop(_declared)


_PARAMETER_EXAMPLES = {
    "from": [
        OpenApiExample("An instant", value="2027-03-02T14:00:00Z"),
        OpenApiExample("Clinic time", value="2027-03-02T09:00"),
        OpenApiExample("A date", value="2027-03-02"),
    ],
    "to": [OpenApiExample("A date (inclusive)", value="2027-03-05"), OpenApiExample("An instant", value="2027-03-06T00:00:00Z")],
}


def documented_parameters(filterset_class: type[filters.FilterSet]) -> list[OpenApiParameter]:
    """`from` and `to`, with their examples (drf-spectacular documents the other filters by itself)."""
    return [
        OpenApiParameter(
            name, DAY_OR_TIME_SCHEMA, OpenApiParameter.QUERY, description=f.extra.get("help_text", ""),
            examples=_PARAMETER_EXAMPLES.get(name, []),
        )
        for name, f in filterset_class.base_filters.items()
        if isinstance(f, DateOrInstantFilter)
    ]
