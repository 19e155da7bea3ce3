"""Calendar files of an episode's emails: one VEVENT per visit (the fitting, each review, the removal).

Each visit keeps one UID for its life (`visit_uid`), so the cancellation's file removes the very events the
confirmation's added. Visits are never moved (an episode is cancelled and booked again), so SEQUENCE is 0 for the
REQUEST and 1 for the CANCEL (RFC 5546: it grows with each revision). As notifications.ics for sessions: the events
say where and when only, naming the clinic by its name for patients; a phone review is a "Phone check-in" with no
location; the VTIMEZONE holds for the events' dates (notifications.vtimezone).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from notifications.ics import CANCEL, PRODID, REQUEST
from notifications.vtimezone import vtimezone
from pumps.models import ReviewMode, VisitKind


def visit_uid(visit) -> str:
    return f"pump-visit-{visit.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}"


def visit_title(visit, *, clinic_name: str) -> str:
    """What the patient's calendar calls the visit (no word of what it is for)."""
    if visit.mode == ReviewMode.PHONE:
        return f"Phone check-in with {clinic_name}"
    if visit.kind == VisitKind.REVIEW:
        return f"Check-in at {clinic_name}"
    return f"Appointment at {clinic_name}"


def _address(email: str, name: str = "") -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address


def calendar_for(visits: Sequence, *, method: str, clinic, patient, now: datetime,
                 organizer: tuple[str, str]) -> Calendar:
    """A calendar with one event per visit, in the clinic's zone with its VTIMEZONE."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(method)
    tz, name = clinic.tz, clinic.name_for_patients
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    organizer_name, organizer_email = organizer
    where = ", ".join(line.strip() for line in (clinic.address or "").splitlines() if line.strip())
    for visit in sorted(visits, key=lambda v: (v.starts_at, v.pk)):
        phone = visit.mode == ReviewMode.PHONE
        event = Event()
        event.add("uid", visit_uid(visit))
        event.add("sequence", 1 if method == CANCEL else 0)
        event.add("dtstamp", now)
        event.add("dtstart", visit.starts_at.astimezone(tz))
        event.add("dtend", visit.ends_at.astimezone(tz))
        event.add("summary", visit_title(visit, clinic_name=name))
        if where and not phone:
            event.add("location", where)
        if phone:
            event.add("description", f"{name} will call you.")
        elif clinic.phone:
            event.add("description", f"To change or cancel, call {name} at {clinic.phone}.")
        event.add("organizer", _address(organizer_email, organizer_name))
        if patient.email:
            attendee = _address(patient.email, patient.first_name)
            attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
            attendee.params["RSVP"] = vText("FALSE")
            event.add("attendee", attendee)
        event.add("status", "CONFIRMED" if method == REQUEST else "CANCELLED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    if visits:
        first = min(v.starts_at for v in visits).astimezone(tz).date()
        last = max(v.ends_at for v in visits).astimezone(tz).date()
        cal.subcomponents.insert(0, vtimezone(clinic.timezone, first=first, last=last))
    return cal


def calendar_bytes(visits: Sequence, *, method: str, clinic, patient, now: datetime,
                   organizer: tuple[str, str]) -> bytes:
    return calendar_for(visits, method=method, clinic=clinic, patient=patient, now=now, organizer=organizer).to_ical()
