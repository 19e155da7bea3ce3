"""The desk's waitlist: entries with their constraints, offers and outcomes; add an entry from a patient's page,
offer a slot by hand, withdraw. Every write goes through waitlist.services (atomic, audited)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from bookings.models import UPCOMING_STATUSES, Patient
from common.access import scope_to_user_clinics
from common.clock import format_clock
from common.errors import ApplicationError
from frontdesk import selectors
from frontdesk.access import ALL_ROLES, BOOKING_ROLES, can, staff_page
from frontdesk.views.common import audit_shown, clinic_choice, no_clinic, render_in
from waitlist import services
from waitlist.models import EntryStatus, WaitlistEntry, WaitlistOffer

WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]
LIST_LIMIT = 200


def _entries(clinic) -> list[WaitlistEntry]:
    return list(
        WaitlistEntry.objects.filter(clinic=clinic)
        .exclude(status=EntryStatus.WITHDRAWN)
        .select_related("patient", "protocol", "session")
        .prefetch_related(Prefetch("offers", queryset=WaitlistOffer.objects.select_related("chair").order_by("-pk")))
        .order_by("created_at", "pk")[:LIST_LIMIT]
    )


@staff_page(ALL_ROLES)
def waitlist_list(request):
    clinics, clinic = clinic_choice(request)
    if clinic is None:
        return no_clinic(request)
    entries = _entries(clinic)
    audit_shown(request, entries)
    context = {"clinics": clinics, "clinic": clinic, "entries": entries, "weekdays": dict(WEEKDAYS),
               "can_write": can(request.user, BOOKING_ROLES), "limit": LIST_LIMIT}
    return render_in(request, "frontdesk/waitlist.html", context, tz=clinic.tz)


def _entry_or_404(request, pk: int) -> WaitlistEntry:
    entry = scope_to_user_clinics(WaitlistEntry.objects.select_related("clinic"), request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such waitlist entry.")
    return entry


def _back(entry: WaitlistEntry):
    return redirect(f"{reverse('frontdesk:waitlist')}?clinic={entry.clinic_id}#entry-{entry.pk}")


@require_POST
@staff_page(BOOKING_ROLES)
def waitlist_withdraw(request, pk: int):
    entry = _entry_or_404(request, pk)
    try:
        services.entry_withdraw(entry=entry, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Taken off the waitlist.")
    return _back(entry)


class OfferForm(forms.Form):
    starts_at = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M"], label="Start (clinic time)")


@require_POST
@staff_page(BOOKING_ROLES)
def waitlist_offer(request, pk: int):
    entry = _entry_or_404(request, pk)
    form = OfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the start as a date and time, e.g. 2027-03-08T10:00.")
        return _back(entry)
    # A naive wall-clock time: the service reads it in the clinic's zone.
    starts_at = form.cleaned_data["starts_at"].replace(tzinfo=None)
    try:
        offer = services.offer_make(entry=entry, starts_at=starts_at, by=request.user, by_hand=True)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Offered; held until {offer.expires_at.astimezone(entry.clinic.tz):%a %d %b} "
                         f"{format_clock(offer.expires_at.astimezone(entry.clinic.tz), entry.clinic.clock_format)}. "
                         "The patient has been emailed.")
    return _back(entry)


class EntryForm(forms.Form):
    session = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="An earlier time for")
    protocol = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Or a new course of")
    weekdays = forms.TypedMultipleChoiceField(choices=WEEKDAYS, coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple, label="Weekdays (none: any)")
    time_from = forms.TimeField(required=False, label="Starts at or after")
    time_to = forms.TimeField(required=False, label="Ends by")
    earliest_date = forms.DateField(required=False, label="Not before")
    latest_date = forms.DateField(required=False, label="Not after")
    notes = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = patient.sessions.filter(status__in=UPCOMING_STATUSES, clinic=patient.clinic).order_by("starts_at")
        self.sessions = {s.pk: s for s in sessions}
        self.protocols = {p.pk: p for p in selectors.protocols_for_booking(clinic=patient.clinic)}
        session_field = self.fields["session"]
        protocol_field = self.fields["protocol"]
        assert isinstance(session_field, forms.TypedChoiceField) and isinstance(protocol_field, forms.TypedChoiceField)
        session_field.choices = [("", "—")] + [(s.pk, f"Session {s.sequence}, {s}") for s in sessions]
        protocol_field.choices = [("", "—")] + [(p.pk, p.name) for p in self.protocols.values()]

    def clean_notes(self):
        return "".join(c for c in self.cleaned_data["notes"] if c.isprintable()).strip()


@staff_page(BOOKING_ROLES)
def waitlist_new(request, pk: int):
    try:
        patient = selectors.patient_get(user=request.user, patient_id=pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None
    form = EntryForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.entry_create(
                clinic=patient.clinic, patient=patient, by=request.user,
                session=form.sessions.get(data["session"]) if data["session"] else None,
                protocol=form.protocols.get(data["protocol"]) if data["protocol"] else None,
                weekdays=data["weekdays"], time_from=data["time_from"], time_to=data["time_to"],
                earliest_date=data["earliest_date"], latest_date=data["latest_date"], notes=data["notes"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "On the waitlist: the patient is emailed when an earlier time frees.")
            return _back(entry)
    return render_in(request, "frontdesk/waitlist_new.html", {"patient": patient, "form": form}, tz=patient.clinic.tz)
