"""Query filters of the clinic configuration's lists (django-filter): by clinic, activity, role and time."""

from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters

from common.fields import InstantFilter
from scheduler.models import Chair, Clinic, Closure, Protocol, StaffMember, StaffRole, TimeOff


class IdFilter(filters.NumberFilter):
    """A whole-number id. An id the user may not see simply finds nothing.

    Not common.fields.IdFilter: without its schema override drf-spectacular keeps these filters' help texts.
    """

    field_class = forms.IntegerField  # type: ignore[assignment]  # any form field will do; the stub says NumberFilter's own


class ClinicFilter(filters.FilterSet):
    active = filters.BooleanFilter(field_name="is_active", help_text="true: active clinics only; false: inactive.")

    class Meta:
        model = Clinic
        fields: list[str] = []


class ChairFilter(filters.FilterSet):
    clinic = IdFilter(field_name="clinic", help_text="Only this clinic's chairs (a clinic id).")
    active = filters.BooleanFilter(field_name="is_active", help_text="true: chairs in service; false: out of service.")

    class Meta:
        model = Chair
        fields: list[str] = []


class StaffFilter(filters.FilterSet):
    clinic = IdFilter(field_name="clinic", help_text="Only this clinic's staff (a clinic id).")
    role = filters.ChoiceFilter(choices=StaffRole.choices, help_text="nurse or provider.")
    active = filters.BooleanFilter(field_name="is_active", help_text="true: active staff only; false: inactive.")

    class Meta:
        model = StaffMember
        fields: list[str] = []


class ProtocolFilter(filters.FilterSet):
    clinic = IdFilter(
        method="filter_clinic", help_text="The protocols this clinic may book: its own and the shared templates."
    )
    active = filters.BooleanFilter(field_name="is_active", help_text="true: active protocols only; false: retired.")

    class Meta:
        model = Protocol
        fields: list[str] = []

    def filter_clinic(self, queryset, name, value):
        return queryset.offered_at(value)


class ClosureFilter(filters.FilterSet):
    clinic = IdFilter(field_name="clinic", help_text="Only this clinic's closures (a clinic id).")
    ends_after = InstantFilter(
        field_name="ends_at", lookup_expr="gt", help_text="Only closures ending after this instant (ISO 8601)."
    )
    starts_before = InstantFilter(
        field_name="starts_at", lookup_expr="lt", help_text="Only closures starting before this instant (ISO 8601)."
    )

    class Meta:
        model = Closure
        fields: list[str] = []


class TimeOffFilter(filters.FilterSet):
    clinic = IdFilter(field_name="staff__clinic", help_text="Only this clinic's staff (a clinic id).")
    staff = IdFilter(field_name="staff", help_text="Only this staff member's time off (an id).")
    ends_after = InstantFilter(
        field_name="ends_at", lookup_expr="gt", help_text="Only time off ending after this instant (ISO 8601)."
    )
    starts_before = InstantFilter(
        field_name="starts_at", lookup_expr="lt", help_text="Only time off starting before this instant (ISO 8601)."
    )

    class Meta:
        model = TimeOff
        fields: list[str] = []
