"""Calendar files for patient emails: one VEVENT per session, updated and cancelled by UID and SEQUENCE.

A session keeps one UID for its whole life, so a calendar that imported the confirmation replaces the event
when a change notice arrives. SEQUENCE must grow with every revision (RFC 5546): it is derived from the
session's history, not stored, as the number of times it moved (a REQUEST), plus one for its cancellation.
The event says only where and when: its summary, description and organiser name the clinic by its name for
patients (`Clinic.name_for_patients`: its email name, or "the clinic"), never by its own name or a treatment.
The ORGANIZER is the email's sender, name and address as in its From (the caller passes them): mail apps
check an invitation's organiser against its sender. Patients answer through the email's links, not by a
calendar reply to the organiser (RSVP=FALSE).
The VTIMEZONE comes from notifications.vtimezone: it holds for the events' dates whatever year they fall in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from bookings.selectors import session_move_counts
from notifications.vtimezone import vtimezone

REQUEST = "REQUEST"
CANCEL = "CANCEL"
FILENAME = "appointment.ics"
PRODID = "-//Clinic scheduler//Patient emails//EN"


def content_type(method: str) -> str:
    return f"text/calendar; method={method}; charset=UTF-8"


def session_uid(session) -> str:
    return f"session-{session.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}"


def move_counts(sessions: Sequence) -> dict[int, int]:
    """How many times each session moved (each move is one revision of its calendar entry), in one query."""
    return session_move_counts(session_ids=[s.pk for s in sessions])


def session_sequence(session, *, method: str, moves: int | None = None) -> int:
    """How many revisions the event has had: one per move, and one more for the cancellation."""
    if moves is None:
        moves = move_counts([session])[session.pk]
    return moves + 1 if method == CANCEL else moves


def _address(email: str, name: str = "") -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address


def calendar_for(
    sessions: Sequence, *, method: str, clinic, patient, now: datetime, organizer: tuple[str, str]
) -> Calendar:
    """A calendar holding one event per session, in the clinic's time zone, with that zone's VTIMEZONE.

    `organizer` is (name, address) of the email's From (iTIP requires an ORGANIZER in a REQUEST and a CANCEL).
    """
    if method not in (REQUEST, CANCEL):
        raise ValueError(method)
    tz = clinic.tz
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    name = clinic.name_for_patients
    organizer_name, organizer_email = organizer
    moves = move_counts(list(sessions))
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.pk)):
        event = Event()
        event.add("uid", session_uid(session))
        event.add("sequence", session_sequence(session, method=method, moves=moves[session.pk]))
        event.add("dtstamp", now)
        event.add("dtstart", session.starts_at.astimezone(tz))
        event.add("dtend", session.ends_at.astimezone(tz))
        event.add("summary", f"Appointment at {name}")
        if clinic.address:
            event.add("location", ", ".join(line.strip() for line in clinic.address.splitlines() if line.strip()))
        if clinic.phone:
            event.add("description", f"To change or cancel, call {name} at {clinic.phone}.")
        event.add("organizer", _address(organizer_email, organizer_name))
        if patient.email:
            attendee = _address(patient.email, patient.first_name)
            attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
            # Patients answer through the links in the email, not by calendar reply.
            attendee.params["RSVP"] = vText("FALSE")
            event.add("attendee", attendee)
        event.add("status", "CONFIRMED" if method == REQUEST else "CANCELLED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    if sessions:
        first = min(s.starts_at for s in sessions).astimezone(tz).date()
        last = max(s.ends_at for s in sessions).astimezone(tz).date()
        # Before the events, as RFC 5545 shows it (a reader meets the zone before the times that use it).
        cal.subcomponents.insert(0, vtimezone(clinic.timezone, first=first, last=last))
    return cal


def calendar_bytes(
    sessions: Sequence, *, method: str, clinic, patient, now: datetime, organizer: tuple[str, str]
) -> bytes:
    return calendar_for(sessions, method=method, clinic=clinic, patient=patient, now=now, organizer=organizer).to_ical()
