"""Patients: search as you type, register a new one, and a patient's page with courses and progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from audit.records import record_access
from bookings.models import Patient
from bookings.progress import cycle_progress
from bookings.services.patients import patient_create
from common.errors import ApplicationError
from frontdesk import selectors
from frontdesk.access import ALL_ROLES, BOOKING_ROLES, can, staff_page
from frontdesk.forms import CONSENT_SOURCES, DEFAULT_CONSENT_SOURCE, PatientForm, time_zone_names
from frontdesk.views.common import audit_shown, render_in
from scheduler.models import Clinic


@staff_page(ALL_ROLES)
def patient_list(request):
    term = request.GET.get("q", "")
    found = selectors.patient_search(user=request.user, term=term)
    audit_shown(request, found)
    context = {
        "q": term,
        "patients": found,
        "limit": selectors.SEARCH_LIMIT,
        "can_book": can(request.user, BOOKING_ROLES),
    }
    if request.htmx and request.htmx.target == "patient-results":
        return render_in(request, "frontdesk/partials/patient_results.html", context)
    return render_in(request, "frontdesk/patients.html", context)


@staff_page(BOOKING_ROLES)
def patient_new(request):
    clinics = Clinic.objects.filter(pk__in=[c.pk for c in selectors.clinic_list_for_user(user=request.user)])
    form = PatientForm(request.POST or None, clinics=clinics)
    if request.method == "POST" and form.is_valid():
        try:
            patient = patient_create(by=request.user, default_consent_source=DEFAULT_CONSENT_SOURCE, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{patient.first_name} {patient.last_name} is registered.")
            return redirect("frontdesk:patient", pk=patient.pk)
    context = {"form": form, "time_zones": time_zone_names(), "consent_sources": CONSENT_SOURCES}
    return render_in(request, "frontdesk/patient_new.html", context)


@staff_page(ALL_ROLES)
def patient_detail(request, pk: int):
    try:
        patient = selectors.patient_get(user=request.user, patient_id=pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None
    record_access([patient], request=request, patient_of=lambda p: p.pk, clinic_of=lambda p: p.clinic_id)
    cycles = selectors.patient_cycles(patient=patient)
    context = {
        "patient": patient,
        "cycles": [(c, cycle_progress(cycle=c)) for c in cycles],
        "can_book": can(request.user, BOOKING_ROLES),
    }
    return render_in(request, "frontdesk/patient.html", context, tz=patient.clinic.tz)
