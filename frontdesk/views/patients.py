"""Patients: today's patients and search as you type, register a new one, change one's details, and a patient's
page with courses and progress. Registering and editing warn of a possible duplicate before they write."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from audit.records import record_access
from bookings import selectors as booking_selectors
from bookings.models import Patient
from bookings.progress import cycle_progress, cycle_sessions_short
from bookings.services.patients import patient_create, patient_update
from common.errors import ApplicationError
from frontdesk import selectors
from frontdesk.access import ALL_ROLES, BOOKING_ROLES, can, staff_page
from frontdesk.forms import CONSENT_SOURCES, DEFAULT_CONSENT_SOURCE, PatientEditForm, PatientForm, time_zone_names
from frontdesk.views.common import audit_shown, local_today, render_in
from scheduler.models import Clinic


def _todays_patients(user) -> list[booking_selectors.TodaysPatient]:
    """Patients with a session today at the user's clinics, each clinic's today in its own zone (two queries)."""
    windows = []
    for clinic in selectors.clinic_list_for_user(user=user):
        start, end = selectors.local_day_bounds(clinic, local_today(clinic))
        windows.append((clinic, start, end))
    return booking_selectors.patients_with_sessions_between(windows=windows) if windows else []


@staff_page(ALL_ROLES)
def patient_list(request):
    term = request.GET.get("q", "")
    found = selectors.patient_search(user=request.user, term=term)
    today = [] if term.strip() else _todays_patients(request.user)
    audit_shown(request, found, [t.patient for t in today])
    context = {
        "q": term,
        "patients": found,
        "today": today,
        "limit": selectors.SEARCH_LIMIT,
        "can_book": can(request.user, BOOKING_ROLES),
    }
    if request.htmx and request.htmx.target == "patient-results":
        return render_in(request, "frontdesk/partials/patient_results.html", context)
    return render_in(request, "frontdesk/patients.html", context)


def _unconfirmed_duplicates(request, form, *, clinic: Clinic, exclude_pk: int | None = None):
    """The possible duplicates of the form's patient that the person has not set aside yet (shown, so audited).

    Setting them aside is the warning's button, which carries the ids of the matches shown: a match that
    appears only after the details changed is warned about again.
    """
    data = form.cleaned_data
    duplicates = booking_selectors.patient_duplicates(
        clinic=clinic, first_name=data["first_name"], last_name=data["last_name"],
        date_of_birth=data["date_of_birth"], email=data.get("email") or "", phone=data.get("phone") or "",
        exclude_pk=exclude_pk,
    )
    if {d.patient.pk for d in duplicates} <= form.confirmed_different():
        return []
    audit_shown(request, [d.patient for d in duplicates])
    return duplicates


def _form_context(form, duplicates) -> dict:
    form.focus_first()
    return {
        "form": form,
        "duplicates": duplicates,
        "duplicate_ids": ",".join(str(d.patient.pk) for d in duplicates),
        "time_zones": time_zone_names(),
        "consent_sources": CONSENT_SOURCES,
    }


@staff_page(BOOKING_ROLES)
def patient_new(request):
    clinics = Clinic.objects.filter(pk__in=[c.pk for c in selectors.clinic_list_for_user(user=request.user)])
    form = PatientForm(request.POST or None, clinics=clinics)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = _unconfirmed_duplicates(request, form, clinic=form.cleaned_data["clinic"])
        if not duplicates:
            try:
                patient = patient_create(
                    by=request.user, default_consent_source=DEFAULT_CONSENT_SOURCE, **form.patient_fields()
                )
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{patient.first_name} {patient.last_name} is registered.")
                return redirect("frontdesk:patient", pk=patient.pk)
    return render_in(request, "frontdesk/patient_new.html", _form_context(form, duplicates))


def _patient_or_404(request, pk: int) -> Patient:
    try:
        return selectors.patient_get(user=request.user, patient_id=pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None


@staff_page(BOOKING_ROLES)
def patient_edit(request, pk: int):
    patient = _patient_or_404(request, pk)
    record_access([patient], request=request, patient_of=lambda p: p.pk, clinic_of=lambda p: p.clinic_id)
    # A copy: validating the form writes its values onto the instance, and the page's heading shows the stored name.
    form = PatientEditForm(request.POST or None, instance=copy.copy(patient))
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = _unconfirmed_duplicates(request, form, clinic=patient.clinic, exclude_pk=patient.pk)
        if not duplicates:
            try:
                patient_update(
                    patient=patient, by=request.user, default_consent_source=DEFAULT_CONSENT_SOURCE,
                    **form.patient_fields(),
                )
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{patient.first_name} {patient.last_name}'s details are saved.")
                return redirect("frontdesk:patient", pk=patient.pk)
    context = {**_form_context(form, duplicates), "patient": patient}
    return render_in(request, "frontdesk/patient_edit.html", context, clinic=patient.clinic)


@staff_page(ALL_ROLES)
def patient_detail(request, pk: int):
    patient = _patient_or_404(request, pk)
    record_access([patient], request=request, patient_of=lambda p: p.pk, clinic_of=lambda p: p.clinic_id)
    cycles = selectors.patient_cycles(patient=patient)
    context = {
        "patient": patient,
        "cycles": [(c, cycle_progress(cycle=c), cycle_sessions_short(cycle=c)) for c in cycles],
        "can_book": can(request.user, BOOKING_ROLES),
    }
    return render_in(request, "frontdesk/patient.html", context, clinic=patient.clinic)
