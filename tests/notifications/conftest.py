"""Helpers for the email tests: a clinic open every day, a consenting patient, reading the emails written,
and sending them to a real SMTP server (`smtp`, `deliver`, `send_every_kind`).

Plain functions (imported by the test modules) rather than fixtures, because the tests need them at
several frozen instants and with different zones; `smtp` alone is a fixture (it sets the mail settings).
"""

from __future__ import annotations

import datetime as dt
import email
import re
from email.message import Message

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from icalendar import Calendar

from bookings import services
from bookings.models import CancelledBy, EmailKind, EmailStatus, PatientEmail
from notifications import links
from notifications import services as outbox
from notifications.emails import build_message
from tests.factories import ClinicFactory, PatientFactory, book_course
from tests.notifications.delivery import Received, SmtpSink
from tests.safety.helpers import checks_pass, recovery_pass

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
    """(action, token) of every patient link of this app in a text, in order. The check-in form's link (outcomes,
    /p/checkin/…) is the outcomes app's, signed its own way: tests/outcomes/test_patient.py reads it."""
    return [(m["action"], m["token"]) for m in _LINK.finditer(text) if m["action"] != "checkin"]


def claims_in(text: str, now: dt.datetime) -> list[links.LinkClaim]:
    """The claims of every patient link in a text; link_read raises if one is not genuine or has expired."""
    return [links.link_read(token, action=action, now=now) for action, token in links_in(text)]


def without_links(text: str) -> str:
    """The text with its patient links replaced by a placeholder naming the action."""
    return _LINK.sub(lambda m: f"<link:{m['action']}>", text)


# --- On the wire ------------------------------------------------------------------------------------------


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) the tests' emails go to through Django's SMTP backend."""
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield sink


def deliver(smtp: SmtpSink) -> list[Received]:
    """Sweep what is due now and send each, as beat and the worker do; what the SMTP server received."""
    before = smtp.count
    outcomes = [outbox.email_send(email_id=pk) for pk in outbox.emails_claim_due()]
    assert all(o.status in ("sent", "cancelled", "skipped") for o in outcomes), outcomes
    return smtp.wait_for(before + sum(o.status == "sent" for o in outcomes))[before:]


def deliver_until(smtp: SmtpSink, frozen, until: dt.datetime | None = None) -> list[Received]:
    """Move the clock to each pending email's time in turn (before `until`) and deliver what is due."""
    received = []
    while True:
        row = PatientEmail.objects.filter(status=EmailStatus.PENDING).order_by("send_after", "pk").first()
        if row is None or (until is not None and row.send_after >= until):
            return received
        frozen.move_to(max(row.send_after, timezone.now()))
        received += deliver(smtp)


#: `send_every_kind`'s story starts on Wednesday 1 April 2026, 08:00 in New York (freeze the clock there), for a
#: clinic with these reminder offsets: every kind of patient email is then sent.
EVERY_KIND_FROM = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
EVERY_KIND_OFFSETS = [72, 24, 2]
EVERY_KIND = {*EmailKind.NOTICES, EmailKind.BOOSTER_RECALL, *(EmailKind.reminder(h) for h in EVERY_KIND_OFFSETS)}
#: Mon/Wed/Fri over two weeks at 10:00: a depression induction, the clinic's main course; a booster before it.
COURSE = [dt.datetime(2026, 4, d, 10, 0) for d in (13, 15, 17, 20, 22, 24)]
BOOSTER = [dt.datetime(2026, 4, 6, 10, 0)]


def send_every_kind(smtp: SmtpSink, frozen, *, clinic, patient) -> list[Received]:
    """Every kind of patient email, sent through the outbox's own sweep and send to `smtp`; what arrived.

    A course booked; one session moved, then cancelled; a second course booked and cancelled whole; a one-visit
    booster before the course, its reminders sent, then done: the recall follows weeks later.
    """
    received = []
    course = book_course(patient=patient, clinic=clinic, protocol="depression-iv", starts=COURSE)
    received += deliver(smtp)
    last = max(course.sessions, key=lambda s: s.sequence)
    (moved,) = services.session_reschedule(session=last, starts_at=COURSE[-1] + dt.timedelta(hours=2))
    received += deliver(smtp)
    services.session_cancel(session=moved, by_party=CancelledBy.PATIENT, reason="Cannot make it")
    received += deliver(smtp)
    later = book_course(patient=patient, clinic=clinic, protocol="depression-iv",
                        starts=[d + dt.timedelta(weeks=5) for d in COURSE])
    received += deliver(smtp)
    services.cycle_cancel(cycle=later.cycle, reason="Going abroad", by_party=CancelledBy.PATIENT)
    received += deliver(smtp)

    (booster,) = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=BOOSTER).sessions
    received += deliver(smtp)
    received += deliver_until(smtp, frozen, until=booster.starts_at)
    frozen.move_to(booster.starts_at + dt.timedelta(minutes=5))
    booster = services.session_check_in(session=booster)
    checks_pass(booster)
    booster = services.session_start(session=booster)
    frozen.move_to(booster.ends_at + dt.timedelta(minutes=5))  # the protocol's chair time has passed
    recovery_pass(booster)
    booster = services.session_complete(session=booster)
    received += deliver_until(smtp, frozen)
    assert {PatientEmail.objects.get(pk=r.reminder_id).kind for r in received} == EVERY_KIND
    return received


# --- Reading a VTIMEZONE as a calendar app does -------------------------------------------------------------


def vtimezone_onsets(zone, *, until: dt.datetime) -> list[tuple[dt.datetime, dt.timedelta]]:
    """(UTC instant, offset from then on) of every onset the VTIMEZONE `zone` defines up to `until` (naive UTC).

    Read here without icalendar's own conversion (which looks the TZID up in its tz database): each observance's
    DTSTART, RDATEs and RRULE (expanded with dateutil) are local times in its TZOFFSETFROM (RFC 5545 3.6.5).
    """
    from dateutil.rrule import rrulestr

    onsets = []
    for sub in zone.subcomponents:
        offset_from, offset_to = sub["TZOFFSETFROM"].td, sub["TZOFFSETTO"].td
        start = sub["DTSTART"].dt
        assert start.tzinfo is None, "an observance's onset is a local time"
        local = [start]
        rdates = sub.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            local += [d.dt for d in rdate.dts]
        if "RRULE" in sub:
            rule = rrulestr(sub["RRULE"].to_ical().decode(), dtstart=start)
            local += rule.between(start, until + offset_from, inc=True)
        onsets += [(at - offset_from, offset_to) for at in local if at - offset_from <= until]
    return sorted(set(onsets))


def vtimezone_offsets(zone, instants: list[dt.datetime]) -> list[dt.timedelta]:
    """The offset the VTIMEZONE gives at each instant (aware): that of the last onset at or before it."""
    import bisect

    naive = [i.astimezone(dt.UTC).replace(tzinfo=None) for i in instants]
    onsets = vtimezone_onsets(zone, until=max(naive))
    found = []
    for instant, at in zip(instants, naive, strict=True):
        index = bisect.bisect_right(onsets, (at, dt.timedelta.max))
        assert index, f"the VTIMEZONE says nothing about {instant}: it starts later"
        found.append(onsets[index - 1][1])
    return found
