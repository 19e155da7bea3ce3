"""Helpers for the email tests: a clinic open every day, a consenting patient, reading the emails written.

Plain functions (imported by the test modules) rather than fixtures, because the tests need them at
several frozen instants and with different zones.
"""

from __future__ import annotations

import datetime as dt
import email
import re
from email.message import Message

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from icalendar import Calendar

from bookings.models import PatientEmail
from notifications import links
from notifications.emails import build_message
from tests.factories import ClinicFactory, PatientFactory

#: Open every day, early to late, so any date (DST Sundays too) can be booked.
ALL_WEEK = {d: [("07:00", "20:00")] for d in range(7)}
LAST_NAME = "Zebrowski"
DATE_OF_BIRTH = dt.date(1985, 5, 17)


def make_clinic(tz: str = "America/New_York", **fields):
    defaults = dict(
        # Named for what it treats, as many clinics are; its patients' emails name it by its email name only.
        name="Riverside Ketamine Infusion Center",
        email_name="Riverside Clinic",
        address="12 River Road\nSpringfield, NY 10001",
        phone="+1 555 0100",
        email="front@riverside.example",
        timezone=tz,
        start_stagger_minutes=0,
        hours=ALL_WEEK,
        chairs=2,
        nurses=1,
    )
    return ClinicFactory(**{**defaults, **fields})


def make_patient(clinic, tz: str | None = None, **fields):
    defaults = dict(
        clinic=clinic,
        first_name="Alice",
        last_name=LAST_NAME,
        date_of_birth=DATE_OF_BIRTH,
        email="alice@example.org",
        timezone=tz or clinic.timezone,
        email_consent=True,
        email_consent_at=timezone.now(),
        email_consent_source="intake form",
    )
    return PatientFactory(**{**defaults, **fields})


def confirmation_sent(cycle) -> None:
    """Record the course's confirmation as sent (a course cancelled before it went out gets no notice)."""
    PatientEmail.objects.filter(cycle=cycle, kind="confirmation").update(status="sent", sent_at=timezone.now())


def row_for(session, kind: str) -> PatientEmail:
    """The latest row of this kind written for the session."""
    return PatientEmail.objects.filter(session_id=session.pk, kind=kind).order_by("-session_version", "-pk").first()


def render(row: PatientEmail, now: dt.datetime | None = None) -> EmailMultiAlternatives:
    """The email for a row, from fresh copies of its rows (as the sending task reads them)."""
    row = PatientEmail.objects.select_related("session", "cycle", "patient", "clinic").get(pk=row.pk)
    return build_message(
        row, session=row.session, cycle=row.cycle, patient=row.patient, clinic=row.clinic, now=now or timezone.now()
    )


def html_of(message: EmailMultiAlternatives) -> str:
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


def calendar_part(message: EmailMultiAlternatives) -> Message | None:
    """The text/calendar part of the message as it goes on the wire."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) <= 1
    return parts[0] if parts else None


def calendar_of(message: EmailMultiAlternatives) -> Calendar | None:
    part = calendar_part(message)
    return Calendar.from_ical(part.get_payload(decode=True)) if part is not None else None


_LINK = re.compile(r"https?://[^\s\"'<>]+/p/(?P<action>[a-z]+)/(?P<token>[^/\s\"'<>]+)/")


def links_in(text: str) -> list[tuple[str, str]]:
    """(action, token) of every patient link in a text, in order."""
    return [(m["action"], m["token"]) for m in _LINK.finditer(text)]


def claims_in(text: str, now: dt.datetime) -> list[links.LinkClaim]:
    """The claims of every patient link in a text; link_read raises if one is not genuine or has expired."""
    return [links.link_read(token, action=action, now=now) for action, token in links_in(text)]


def without_links(text: str) -> str:
    """The text with its patient links replaced by a placeholder naming the action."""
    return _LINK.sub(lambda m: f"<link:{m['action']}>", text)
