"""End to end with real parts: PostgreSQL, Redis, a Celery worker process and an SMTP server (aiosmtpd).

A course is booked through bookings.services, the beat's sweep task runs on the worker, and the SMTP
server receives the confirmation with a calendar file of every session. Then the clock "travels": the sweep
is run here with `now=` at 72 h and 24 h before session 1 (the worker sends what it claimed), session 2
moves, session 3 is cancelled, and sweeps at every later due time never send a reminder for session 3.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from bookings import services as bookings
from bookings.models import EmailKind, EmailStatus, PatientEmail
from notifications import tasks
from tests.factories import PatientFactory, book_course
from tests.notifications.delivery import (  # noqa: F401 (fixtures)
    Received,
    delivery_rig,
    duplicates_by_key,
    smtp_server,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

NY = ZoneInfo("America/New_York")
H72, H24 = EmailKind.reminder(72), EmailKind.reminder(24)


def course_days(today: dt.date) -> list[dt.datetime]:
    """Mon/Wed/Fri at 10:00 from the Monday at least a week away (wall-clock times at the clinic)."""
    monday = today + dt.timedelta(days=7 + (7 - today.weekday()) % 7)
    return [dt.datetime.combine(monday + dt.timedelta(days=d), dt.time(10, 0)) for d in (0, 2, 4, 7, 9, 11)]


def calendar_in(message: Received) -> Calendar:
    part = message.attachment("appointment.ics")
    assert part is not None, f"no appointment.ics in {message.message['Subject']!r}"
    assert part.get_content_type() == "text/calendar"
    return Calendar.from_ical(part.get_payload(decode=True))


def events(cal: Calendar) -> dict[str, dict]:
    """UID → the event's SEQUENCE, start and status."""
    return {
        str(e["UID"]): {"sequence": int(e["SEQUENCE"]), "start": e.decoded("DTSTART"), "status": str(e.get("STATUS", ""))}
        for e in cal.walk("VEVENT")
    }


def uid(session) -> str:
    return f"session-{session.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}"


def row_of(message: Received) -> PatientEmail:
    assert message.reminder_id, message.message_id
    return PatientEmail.objects.get(pk=message.reminder_id)


def test_a_course_from_booking_to_cancellation(delivery_rig, clinic, chairs, nurse):  # noqa: F811
    rig = delivery_rig(workers=1)
    smtp = rig.smtp
    patient = PatientFactory(clinic=clinic, consenting=True)
    booked = book_course(patient=patient, clinic=clinic, starts=course_days(timezone.localdate(timezone=NY)))
    s1, s2, s3, *_ = sessions = sorted(booked.sessions, key=lambda s: s.sequence)

    # The beat's sweep, run by the worker: the confirmation, with every session in its calendar file.
    tasks.reminders_sweep.apply_async(queue=rig.queue)
    (confirmation,) = smtp.wait_for(1)
    rig.settle()
    row = row_of(confirmation)
    assert (row.kind, row.status, row.message_id) == (EmailKind.CONFIRMATION, EmailStatus.SENT, confirmation.message_id)
    assert confirmation.rcpt_tos == [patient.email]
    cal = calendar_in(confirmation)
    assert str(cal["METHOD"]) == "REQUEST" and cal.walk("VTIMEZONE")
    booked_events = events(cal)
    assert set(booked_events) == {uid(s) for s in sessions}
    assert all(booked_events[uid(s)]["start"] == s.starts_at for s in sessions)

    # 72 h before session 1: its first reminder, and nothing else.
    assert rig.sweep(now=s1.starts_at - dt.timedelta(hours=72)) == [PatientEmail.objects.get(session=s1, kind=H72).pk]
    smtp.wait_for(2)
    rig.settle()
    # 24 h before session 1: its second reminder (and session 2's 72 h one, due the same minute).
    due = {PatientEmail.objects.get(session=s1, kind=H24).pk, PatientEmail.objects.get(session=s2, kind=H72).pk}
    assert set(rig.sweep(now=s1.starts_at - dt.timedelta(hours=24))) == due
    smtp.wait_for(4)
    rig.settle()
    s1_kinds = Counter(row_of(m).kind for m in smtp.snapshot() if row_of(m).session_id == s1.pk)
    assert s1_kinds == {EmailKind.CONFIRMATION: 1, H72: 1, H24: 1}

    # Session 2 moves: its reminder still pending is cancelled, new ones are written, and the change notice
    # carries the same calendar UID with a higher SEQUENCE.
    (moved,) = bookings.session_reschedule(session=s2, starts_at=dt.datetime.combine(
        timezone.localtime(s2.starts_at, NY).date(), dt.time(14, 0)))
    assert PatientEmail.objects.get(session=s2, kind=H24, session_version=1).status == EmailStatus.CANCELLED
    assert set(PatientEmail.objects.filter(session=s2, session_version=2).values_list("kind", "status")) == {
        (EmailKind.MOVED, "pending"), (H72, "pending"), (H24, "pending")
    }
    tasks.reminders_sweep.apply_async(queue=rig.queue)
    notice = smtp.wait_for(5)[-1]
    rig.settle()
    assert row_of(notice).kind == EmailKind.MOVED
    moved_events = events(calendar_in(notice))
    assert list(moved_events) == [uid(s2)]
    assert moved_events[uid(s2)]["sequence"] == booked_events[uid(s2)]["sequence"] + 1
    assert moved_events[uid(s2)]["start"] == moved.starts_at

    # Session 3 is cancelled: one notice (METHOD:CANCEL), and never a reminder for it.
    bookings.session_cancel(session=s3, by_party="clinic", reason="chair out of service")
    tasks.reminders_sweep.apply_async(queue=rig.queue)
    cancel = smtp.wait_for(6)[-1]
    rig.settle()
    assert row_of(cancel).kind == EmailKind.CANCELLED
    cancel_cal = calendar_in(cancel)
    assert str(cancel_cal["METHOD"]) == "CANCEL"
    assert list(events(cancel_cal)) == [uid(s3)]
    assert events(cancel_cal)[uid(s3)]["sequence"] > booked_events[uid(s3)]["sequence"]

    # Travel through every later due time (session 3's old ones included), and past the course.
    times = set(PatientEmail.objects.filter(session__in=sessions).values_list("due_at", flat=True))
    times |= {s.starts_at + dt.timedelta(days=1) for s in sessions}
    for now in sorted(t for t in times if t > s1.starts_at - dt.timedelta(hours=24)):
        rig.sweep(now=now)
        rig.settle()

    received = smtp.snapshot()
    assert not smtp.duplicates() and not duplicates_by_key(received)
    s3_kinds = [row_of(m).kind for m in received if row_of(m).session_id == s3.pk]
    assert s3_kinds == [EmailKind.CANCELLED]
    sent = PatientEmail.objects.filter(status=EmailStatus.SENT)
    assert sorted(m.reminder_id for m in received) == sorted(sent.values_list("pk", flat=True))
    # Every reminder still meant for an upcoming session went out, once: 2 per session but session 3, with
    # session 2's the one from before the move (72 h) and both after it.
    reminders = Counter(
        (row_of(m).session.sequence, row_of(m).kind, row_of(m).session_version)
        for m in received if row_of(m).kind.startswith(EmailKind.REMINDER_PREFIX)
    )
    assert reminders == {
        (1, H72, 1): 1, (1, H24, 1): 1, (2, H72, 1): 1, (2, H72, 2): 1, (2, H24, 2): 1,
        **{(n, kind, 1): 1 for n in (4, 5, 6) for kind in (H72, H24)},
    }
    assert not PatientEmail.objects.filter(status__in=["pending", "sending", "failed"]).exists()
