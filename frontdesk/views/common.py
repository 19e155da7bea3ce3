"""What the staff views share: rendering in a clinic's time zone, the audit of what a page shows, the clinic picker."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from audit.records import record_access
from bookings.models import Patient
from common import clock
from frontdesk import selectors


def render_in(request, template: str, context: dict, *, clinic=None, tz=None, status: int = 200, headers=None):
    """Render with times shown in `clinic`'s zone and clock format (or in zone `tz`), else in the signed-in
    user's clinic's."""
    if clinic is not None:
        tz = clinic.tz
    zone = timezone.override(tz) if tz is not None else contextlib.nullcontext()
    with zone, clock.clock_override(getattr(clinic, "clock_format", None)):
        response = render(request, template, context, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def audit_shown(request, *row_lists) -> None:
    """Put the patient records a page shows in the audit trail, as the API does for its lists.

    One ACCESS entry per row (a patient, a course, a session or an email about one), all in one INSERT; a
    page that shows no patient writes nothing.
    """
    rows = [row for rows in row_lists for row in rows]
    record_access(
        rows,
        request=request,
        patient_of=lambda row: row.pk if isinstance(row, Patient) else row.patient_id,
        clinic_of=lambda row: row.clinic_id,
    )


def clinic_choice(request):
    """(the user's clinics, the one chosen with ?clinic=, else the first)."""
    clinics = selectors.clinic_list_for_user(user=request.user)
    chosen = selectors.clinic_choose(clinics=clinics, clinic_id=request.GET.get("clinic") or request.POST.get("clinic"))
    return clinics, chosen


def local_today(clinic) -> dt.date:
    return timezone.now().astimezone(clinic.tz).date()


def no_clinic(request):
    return render(request, "frontdesk/no_clinic.html", status=403)
