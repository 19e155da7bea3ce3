"""Booking a pump episode from a patient's page (issue 16): choose the pump protocol (and a first day), see the
earliest episode the planner finds with its alternatives, book one with a click. The planner and the booking are
pumps' (`episode_proposals`, `episode_book`): the same checks as the API, under the same locks."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from bookings.models import Patient
from common.errors import ApplicationError
from frontdesk import selectors
from frontdesk.access import BOOKING_ROLES, staff_page
from frontdesk.views.common import render_in
from pumps.models import Pump, PumpCourse, PumpProtocol, ReviewMode, VisitKind
from pumps.selectors.proposals import episode_proposals
from pumps.services.booking import episode_book

#: How far ahead a first day may be asked for.
FURTHEST_DAYS = 366


class ProposeForm(forms.Form):
    protocol = forms.TypedChoiceField(coerce=int, label="Pump protocol")
    earliest = forms.DateField(required=False, label="Not before", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, patient: Patient, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.protocols = {p.pk: p for p in PumpProtocol.objects.offered_at(patient.clinic_id).order_by("name", "pk")}
        field = self.fields["protocol"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(p.pk, p.name) for p in self.protocols.values()]

    def clean_earliest(self):
        day = self.cleaned_data["earliest"]
        if day is not None and not (self.today - dt.timedelta(days=1) <= day <= self.today + dt.timedelta(days=FURTHEST_DAYS)):
            raise forms.ValidationError(f"Choose a day from today up to {FURTHEST_DAYS} days ahead.")
        return day


def _patient(request, pk: int) -> Patient:
    try:
        return selectors.patient_get(user=request.user, patient_id=pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None


def _open_course(patient: Patient, protocol: PumpProtocol) -> PumpCourse | None:
    """The patient's pump course of this protocol still taking episodes, if any: the next episode joins it."""
    return (PumpCourse.objects.filter(patient=patient, protocol=protocol, status__in=("planned", "active"))
            .order_by("-created_at", "-pk").first())


@staff_page(BOOKING_ROLES)
def pump_propose(request, pk: int):
    patient = _patient(request, pk)
    tz = patient.clinic.tz
    today = dt.datetime.now(tz).date()
    asked = "protocol" in request.GET
    form = ProposeForm(request.GET if asked else None, patient=patient, today=today)
    proposals = None
    protocol = None
    if asked and form.is_valid():
        protocol = form.protocols[form.cleaned_data["protocol"]]
        proposals = episode_proposals(clinic=patient.clinic, patient=patient, protocol=protocol,
                                      earliest=form.cleaned_data["earliest"], course=_open_course(patient, protocol))
    cards = [_card(p, i) for i, p in enumerate(proposals.episodes)] if proposals is not None else []
    context = {"patient": patient, "form": form, "proposals": proposals, "cards": cards, "protocol": protocol}
    return render_in(request, "frontdesk/pump_book.html", context, tz=tz)


def _card(episode, index: int) -> dict:
    """A proposal as the page shows it: the pump, the span, and each visit in words."""
    visits = [
        {"what": "Phone check" if v.mode == ReviewMode.PHONE else VisitKind(v.kind).label, "day": v.day,
         "starts_at": v.starts_at, "ends_at": v.ends_at}
        for v in episode.visits
    ]
    return {"episode": episode, "visits": visits, "first": index == 0,
            "start_value": episode.starts_at.astimezone(dt.UTC).isoformat()}


class BookForm(forms.Form):
    protocol = forms.IntegerField(min_value=1, max_value=2**62)
    pump = forms.IntegerField(min_value=1, max_value=2**62)
    #: The proposal's instant, in UTC with its offset (a wall-clock time would be ambiguous in a DST fold).
    fitting_start = forms.DateTimeField()

    def clean_fitting_start(self):
        start = self.cleaned_data["fitting_start"]
        if start.tzinfo is None or start.utcoffset() is None:
            raise forms.ValidationError("Give the start with its UTC offset.")
        return start


@require_POST
@staff_page(BOOKING_ROLES)
def pump_book(request, pk: int):
    patient = _patient(request, pk)
    form = BookForm(request.POST)
    back = reverse("frontdesk:pump-propose", args=[patient.pk])
    if not form.is_valid():
        messages.error(request, "That episode could not be read; choose one of the proposals again.")
        return redirect(back)
    data = form.cleaned_data
    protocol = PumpProtocol.objects.offered_at(patient.clinic_id).filter(pk=data["protocol"]).first()
    pump = Pump.objects.filter(clinic_id=patient.clinic_id, pk=data["pump"]).first()
    if protocol is None or pump is None:
        messages.error(request, "That protocol or pump is not one of this clinic's; choose one of the proposals again.")
        return redirect(back)
    start = data["fitting_start"]
    try:
        episode = episode_book(clinic=patient.clinic, patient=patient, protocol=protocol, pump=pump,
                               fitting_start=start,
                               course=_open_course(patient, protocol), by=request.user)
    except ApplicationError as exc:
        messages.error(request, f"Not booked: {exc.message}")
        return redirect(f"{back}?protocol={protocol.pk}&earliest={start.astimezone(patient.clinic.tz).date().isoformat()}")
    messages.success(request, "Episode booked. The patient has been emailed the visits.")
    return redirect(reverse("frontdesk:episode", args=[episode.pk]))
