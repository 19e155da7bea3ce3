"""Query parameters of the reminders list: parsed and validated here (a bad value is a 400 naming it)."""

from __future__ import annotations

import django_filters as filters

from bookings.models import EmailStatus, PatientEmail
from common.fields import ChoiceInFilter, IdFilter, InstantFilter, StrictFilterSet


class ReminderFilter(StrictFilterSet):
    status = ChoiceInFilter(
        choices=EmailStatus.choices, help_text="Only emails in this status; several may be separated by commas."
    )
    kind = filters.CharFilter(
        max_length=30,
        help_text="Only emails of this kind: confirmation, moved, cancelled, cycle_cancelled, booster_recall, "
        "reminder_<hours>h (e.g. reminder_24h).",
    )
    session = IdFilter(field_name="session_id", help_text="Only the emails about this session (id).")
    cycle = IdFilter(field_name="cycle_id", help_text="Only the emails about this course (id).")
    patient = IdFilter(field_name="patient_id", help_text="Only the emails to this patient (id).")
    clinic = IdFilter(field_name="clinic_id", help_text="Only this clinic's emails (id).")
    due_after = InstantFilter(
        field_name="due_at", lookup_expr="gte", help_text="Only emails due at or after this instant (ISO 8601)."
    )
    due_before = InstantFilter(
        field_name="due_at", lookup_expr="lt", help_text="Only emails due before this instant (ISO 8601)."
    )

    class Meta:
        model = PatientEmail
        fields: list[str] = []

