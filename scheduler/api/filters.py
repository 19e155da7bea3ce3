"""Query filters of the clinic configuration's lists (django-filter): by clinic, activity, role and time."""

from __future__ import annotations

from django_filters import rest_framework as filters

from common.fields import BooleanFilter, IdFilter, InstantFilter, StrictFilterSet
from scheduler.models import Chair, Clinic, Closure, Protocol, StaffMember, StaffRole, TimeOff


class ClinicFilter(StrictFilterSet):
    active = BooleanFilter(field_name="is_active", help_text="true: active clinics only; false: inactive.")

    class Meta:
        model = Clinic
        fields: list[str] = []


class ChairFilter(StrictFilterSet):
    clinic = IdFilter(field_name="clinic", help_text="Only this clinic's chairs (a clinic id).")
    active = BooleanFilter(field_name="is_active", help_text="true: chairs in service; false: out of service.")

    class Meta:
        model = Chair
        fields: list[str] = []


class StaffFilter(StrictFilterSet):
    clinic = IdFilter(field_name="clinic", help_text="Only this clinic's staff (a clinic id).")
    role = filters.ChoiceFilter(choices=StaffRole.choices, help_text="nurse or provider.")
    active = BooleanFilter(field_name="is_active", help_text="true: active staff only; false: inactive.")

    class Meta:
        model = StaffMember
        fields: list[str] = []


class ProtocolFilter(StrictFilterSet):
    clinic = IdFilter(
        method="filter_clinic", help_text="The protocols this clinic may book: its own and the shared templates."
    )
    active = BooleanFilter(field_name="is_active", help_text="true: active protocols only; false: retired.")

    class Meta:
        model = Protocol
        fields: list[str] = []

    def filter_clinic(self, queryset, name, value):
        return queryset.offered_at(value)


class ClosureFilter(StrictFilterSet):
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


class TimeOffFilter(StrictFilterSet):
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
