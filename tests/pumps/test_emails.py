"""An episode's patient emails (pumps.outbox, pumps.delivery, pumps.emails): the rows each change writes, when they
are due across a DST change, what they say (no health words anywhere, the calendar file holds every visit), and that
each is sent once to a real SMTP server, retried when it fails, and not sent without consent."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from bookings.models import EmailStatus
from common.treatment_words import TREATMENT_WORDS, treatment_words_in
from pumps import delivery, outbox, tasks
from pumps.emails import build_message
from pumps.ics import visit_uid
from pumps.models import (
    EpisodeEmail,
    EpisodeEmailKind,
    EpisodeStatus,
    EpisodeVisit,
    PumpProtocol,
    PumpSettings,
    ReviewMode,
    VisitKind,
    VisitStatus,
)
from tests.notifications.conftest import make_clinic, make_patient, smtp  # noqa: F401 (a fixture)
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpProtocolFactory, episode_with_visits

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
Kind = EpisodeEmailKind
#: Booked the Monday before; fitted Friday 6 March 2026 at 10:00 in New York. The clocks go forward on Sunday 8 March
#: at 02:00, inside the episode: reviews on 7, 8, 9 and 10 March, the removal on 11 March, all at 10:00.
BOOKED_AT = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
FITTING = dt.datetime(2026, 3, 6, 10, 0, tzinfo=NY)


@pytest.fixture
def clock():
    with time_machine.travel(BOOKED_AT, tick=False) as traveller:
        yield traveller


def world(*, review_mode=ReviewMode.VISIT, patient_tz=None, **patient_fields):
    clinic = make_clinic(reminder_offsets_hours=[72, 24])
    patient = make_patient(clinic, tz=patient_tz, **patient_fields)
    protocol = PumpProtocolFactory(clinic=clinic, name="Continuous subcutaneous ketamine pump", slug="sc-ketamine-pump",
                                   indication="chronic pain", review_mode=review_mode)
    course = PumpCourseFactory(clinic=clinic, patient=patient, protocol=protocol)
    return course, PumpFactory(clinic=clinic)


def book(*, review_mode=ReviewMode.VISIT, patient_tz=None, **patient_fields):
    course, pump = world(review_mode=review_mode, patient_tz=patient_tz, **patient_fields)
    episode = episode_with_visits(course=course, pump=pump, fitting_at=FITTING)
    outbox.episode_booked_emails(episode=episode)
    return episode


def rows(episode, kind=None):
    found = EpisodeEmail.objects.filter(episode=episode).order_by("due_at", "pk")
    return list(found.filter(kind=kind) if kind else found)


def set_status(episode, status, **fields):
    type(episode).objects.filter(pk=episode.pk).update(status=status, version=episode.version + 1, **fields)
    episode.refresh_from_db()


def render(row, now=None):
    row = EpisodeEmail.objects.select_related("episode", "visit", "patient", "clinic").get(pk=row.pk)
    return build_message(row, episode=row.episode, patient=row.patient, clinic=row.clinic, now=now or timezone.now())


def deliver(now=None) -> list[str]:
    """As beat and the worker do: claim what is due, run the send task for each; the outcomes."""
    return [tasks.episode_email_send.apply(args=(pk,)).get() for pk in delivery.episode_emails_claim_due(now=now)]


def html_of(message) -> str:
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


def calendar_of(message) -> Calendar | None:
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(parts[0].get_payload(decode=True)) if parts else None


def events(message) -> list:
    cal = calendar_of(message)
    return [c for c in cal.walk("VEVENT")] if cal else []


# --- Rows and due times ----------------------------------------------------------------------------------------


def test_booking_writes_the_confirmation_a_checkin_per_review_and_the_last_visit_reminder(clock):
    episode = book()
    counts = {kind: len(rows(episode, kind)) for kind in Kind.values}
    assert counts == {Kind.CONFIRMATION: 1, Kind.FITTING_REMINDER: 1, Kind.REVIEW_REMINDER: 4, Kind.REMOVAL_REMINDER: 1,
                      Kind.RETURN_REMINDER: 0, Kind.CANCELLED: 0, Kind.REMOVED_EARLY: 0}
    assert {r.status for r in rows(episode)} == {EmailStatus.PENDING}
    assert rows(episode, Kind.CONFIRMATION)[0].due_at == BOOKED_AT
    # Written twice (a retried transaction, say): still one row each.
    outbox.episode_booked_emails(episode=episode)
    assert len(rows(episode)) == 7


def test_review_reminders_keep_their_wall_clock_across_the_dst_change(clock):
    episode = book()
    reminders = rows(episode, Kind.REVIEW_REMINDER)
    local = [r.due_at.astimezone(NY) for r in reminders]
    # 10:00 reviews: 2 hours before is 08:00, the end of quiet hours, every day, EST and EDT alike.
    assert [(d.month, d.day, d.hour, d.minute) for d in local] == [(3, 7, 8, 0), (3, 8, 8, 0), (3, 9, 8, 0), (3, 10, 8, 0)]
    assert [r.due_at.astimezone(dt.UTC).hour for r in reminders] == [13, 12, 12, 12]
    assert [r.visit.day for r in reminders] == [1, 2, 3, 4]
    (removal,) = rows(episode, Kind.REMOVAL_REMINDER)
    assert removal.visit.kind == VisitKind.REMOVAL
    assert removal.due_at.astimezone(NY).replace(tzinfo=None) == dt.datetime(2026, 3, 10, 10, 0)
    (fitting,) = rows(episode, Kind.FITTING_REMINDER)
    assert fitting.visit.kind == VisitKind.FITTING
    assert fitting.due_at.astimezone(NY).replace(tzinfo=None) == dt.datetime(2026, 3, 5, 10, 0)


def test_a_reminder_already_due_when_booked_is_skipped_not_sent_late(clock):
    clock.move_to(dt.datetime(2026, 3, 7, 14, 0, tzinfo=dt.UTC))  # 09:00 on the first review day
    course, pump = world()
    episode = episode_with_visits(course=course, pump=pump, fitting_at=FITTING)
    outbox.episode_booked_emails(episode=episode)
    first = rows(episode, Kind.REVIEW_REMINDER)[0]
    assert (first.status, first.status_reason) == (EmailStatus.SKIPPED, "due before it was booked")


# --- Sending ---------------------------------------------------------------------------------------------------


def test_each_email_is_sent_once_when_it_is_due_even_if_its_task_runs_twice(clock, smtp):  # noqa: F811
    episode = book()
    assert deliver() == ["sent"]  # the confirmation; nothing else is due yet
    (confirmation,) = smtp.wait_for(1)
    assert confirmation.message_id == f"<pump-email.{rows(episode, Kind.CONFIRMATION)[0].pk}@clinic.invalid>"

    first_review = rows(episode, Kind.FITTING_REMINDER)[0]
    clock.move_to(first_review.due_at)
    (claimed,) = delivery.episode_emails_claim_due()
    assert claimed == first_review.pk
    assert tasks.episode_email_send.apply(args=(claimed,)).get() == "sent"
    assert tasks.episode_email_send.apply(args=(claimed,)).get() == "not_claimed"  # redelivered: nothing more
    assert delivery.episode_emails_claim_due() == []
    assert len(smtp.wait_for(2)) == 2
    first_review.refresh_from_db()
    assert first_review.status == EmailStatus.SENT and first_review.attempts == 1


def test_a_failing_smtp_server_is_retried_not_lost(clock, smtp, settings):  # noqa: F811
    episode = book()
    smtp.reply = "451 4.3.0 Try again later"
    assert deliver() == ["retry"]
    (row,) = rows(episode, Kind.CONFIRMATION)
    assert row.status == EmailStatus.PENDING and row.attempts == 1 and "451" in row.last_error
    assert row.send_after > BOOKED_AT and smtp.count == 0
    assert deliver() == []  # not before its retry time

    smtp.stop()  # then down altogether: connection refused
    clock.move_to(row.send_after)
    assert deliver() == ["retry"]
    row.refresh_from_db()
    assert row.attempts == 2

    smtp.reply = None
    smtp.start()
    clock.move_to(row.send_after)
    assert deliver() == ["sent"]
    assert len(smtp.wait_for(1)) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 3, "")


def test_after_the_last_attempt_a_failing_email_is_failed_for_staff(clock, smtp, settings):  # noqa: F811
    settings.REMINDER_MAX_ATTEMPTS = 2
    episode = book()
    smtp.reply = "451 4.3.0 Try again later"
    deliver()
    (row,) = rows(episode, Kind.CONFIRMATION)
    clock.move_to(row.send_after)
    assert deliver() == ["failed"]
    row.refresh_from_db()
    assert row.status == EmailStatus.FAILED and row.attempts == 2


def test_without_consent_nothing_is_sent(clock, smtp):  # noqa: F811
    episode = book(email_consent=False, email_consent_at=None)
    for row in rows(episode):
        clock.move_to(max(row.due_at, timezone.now()))
        deliver()
    assert smtp.count == 0
    assert {(r.status, r.status_reason) for r in rows(episode)} == {(EmailStatus.SKIPPED, "no email consent")}


def test_a_reminder_of_a_visit_done_or_of_a_cancelled_episode_is_not_sent(clock, smtp):  # noqa: F811
    episode = book()
    deliver()
    set_status(episode, EpisodeStatus.FITTED)
    first, second = rows(episode, Kind.REVIEW_REMINDER)[:2]
    EpisodeVisit.objects.filter(pk=first.visit_id).update(status=VisitStatus.DONE)  # recorded early, say
    clock.move_to(first.due_at)
    assert deliver() == [EmailStatus.CANCELLED] * 2  # the fitting's reminder too: the device is on
    assert rows(episode, Kind.FITTING_REMINDER)[0].status_reason == "the episode is fitted"
    first.refresh_from_db()
    assert first.status_reason == "the visit is done"
    # Claimed, then the episode ended before the send ran: re-read under the lock, not sent.
    clock.move_to(second.due_at)
    (claimed,) = delivery.episode_emails_claim_due()
    set_status(episode, EpisodeStatus.REMOVED, removed_at=timezone.now(), early_removal_reason="Came in early")
    assert delivery.episode_email_send(email_id=claimed).status == EmailStatus.CANCELLED
    assert smtp.count == 1  # the confirmation only


def test_a_cancelled_episode_gets_a_notice_only_if_it_was_confirmed(clock, smtp):  # noqa: F811
    told = book()
    deliver()
    set_status(told, EpisodeStatus.CANCELLED, cancelled_at=timezone.now())
    EpisodeVisit.objects.filter(episode=told).update(status=VisitStatus.CANCELLED)
    outbox.episode_cancelled_emails(episode=told)
    assert {r.status for r in rows(told) if r.kind not in (Kind.CONFIRMATION, Kind.CANCELLED)} == {"cancelled"}
    (notice,) = rows(told, Kind.CANCELLED)
    message = render(notice)
    assert message.subject == "Your appointments at Riverside Clinic are cancelled"
    cal = calendar_of(message)
    assert cal["METHOD"] == "CANCEL"
    assert {str(e["UID"]) for e in cal.walk("VEVENT")} == {visit_uid(v) for v in told.visits.all()}
    assert {int(e["SEQUENCE"]) for e in cal.walk("VEVENT")} == {1}
    assert deliver() == ["sent"]

    # Cancelled before its confirmation went out: the patient was never told, so no notice.
    other_course = PumpCourseFactory(clinic=told.clinic, patient=told.patient, protocol=told.course.protocol)
    never = episode_with_visits(course=other_course, pump=told.pump, fitting_at=FITTING + dt.timedelta(days=14))
    outbox.episode_booked_emails(episode=never)
    set_status(never, EpisodeStatus.CANCELLED)
    outbox.episode_cancelled_emails(episode=never)
    assert rows(never, Kind.CANCELLED) == []
    assert {r.status for r in rows(never)} == {EmailStatus.CANCELLED}


def test_an_overdue_device_gets_one_return_reminder_after_the_grace(clock, smtp, monkeypatch):  # noqa: F811
    queued = []
    # The worker, here: each batch of sends the sweep queues runs at once.
    monkeypatch.setattr(tasks.episode_emails_send, "delay",
                        lambda ids: queued.extend(ids) or tasks.episode_emails_send.apply(args=(ids,)))
    episode = book()
    assert deliver() == ["sent"]
    PumpSettings.objects.create(clinic=episode.clinic, return_grace_hours=3)
    set_status(episode, EpisodeStatus.REMOVED, removed_at=episode.ends_at)
    outbox.episode_removed_emails(episode=episode)
    clock.move_to(episode.ends_at + dt.timedelta(hours=2, minutes=59))
    assert outbox.episode_overdue_emails() == 0
    clock.move_to(episode.ends_at + dt.timedelta(hours=3))  # 14:00 in New York: outside quiet hours
    assert tasks.episode_emails_sweep.apply().get() == 1  # the sweep writes it and queues its send
    assert outbox.episode_overdue_emails() == 0  # once
    (row,) = rows(episode, Kind.RETURN_REMINDER)
    assert queued == [row.pk] and row.status == EmailStatus.SENT
    received = smtp.wait_for(2)[-1].message
    assert received["Subject"] == "Please bring your device back to Riverside Clinic"


def test_a_device_returned_before_its_reminder_went_gets_none(clock, smtp):  # noqa: F811
    episode = book()
    set_status(episode, EpisodeStatus.FITTED)
    clock.move_to(episode.ends_at + dt.timedelta(hours=12))  # 23:00: quiet hours, so it waits for the morning
    outbox.episode_overdue_emails()
    (row,) = rows(episode, Kind.RETURN_REMINDER)
    assert row.due_at.astimezone(NY).replace(tzinfo=None) == dt.datetime(2026, 3, 12, 8, 0)
    set_status(episode, EpisodeStatus.RETURNED, returned_at=timezone.now())
    outbox.episode_returned_emails(episode=episode)
    row.refresh_from_db()
    assert row.status == EmailStatus.CANCELLED


def test_an_early_removal_cancels_the_reminders_left_and_tells_the_patient(clock, smtp):  # noqa: F811
    episode = book()
    clock.move_to(dt.datetime(2026, 3, 8, 18, 0, tzinfo=dt.UTC))
    removal = episode.visits.get(kind=VisitKind.REMOVAL)
    booked = (removal.starts_at, removal.ends_at)
    # As pumps.services.lifecycle.episode_remove does: the planned reviews cancelled, the removal visit moved to now.
    now = timezone.now()
    set_status(episode, EpisodeStatus.REMOVED, removed_at=now, ends_at=now, early_removal_reason="Asked to stop")
    EpisodeVisit.objects.filter(episode=episode, kind=VisitKind.REVIEW, status=VisitStatus.PLANNED).update(
        status=VisitStatus.CANCELLED)
    EpisodeVisit.objects.filter(pk=removal.pk).update(status=VisitStatus.DONE, starts_at=now - dt.timedelta(hours=1),
                                                      ends_at=now, chair=None)
    outbox.episode_removed_emails(episode=episode)
    later = [r for r in rows(episode, Kind.REVIEW_REMINDER) + rows(episode, Kind.REMOVAL_REMINDER)
             if r.due_at > timezone.now()]
    assert later and {r.status for r in later} == {EmailStatus.CANCELLED}
    (notice,) = rows(episode, Kind.REMOVED_EARLY)
    message = render(notice)
    assert "taken off on Sunday 8 March 2026" in message.body
    found = events(message)
    assert calendar_of(message)["METHOD"] == "CANCEL"
    assert [e["SUMMARY"] for e in found] == ["Check-in at Riverside Clinic"] * 2 + ["Appointment at Riverside Clinic"]
    # The entries the confirmation added: the reviews of 9 and 10 March, and the removal at its booked time.
    reviews = list(episode.visits.filter(kind=VisitKind.REVIEW, day__gte=3).order_by("day"))
    assert [str(e["UID"]) for e in found] == [visit_uid(v) for v in [*reviews, removal]]
    assert (found[-1]["DTSTART"].dt, found[-1]["DTEND"].dt) == booked
    assert "Wednesday 11 March 2026, 10:00 (America/New_York, EDT)" in message.body


# --- What they say --------------------------------------------------------------------------------------------


def test_the_confirmation_carries_every_visit_in_its_calendar_file(clock):
    episode = book(review_mode=ReviewMode.PHONE)
    message = render(rows(episode, Kind.CONFIRMATION)[0])
    found = events(message)
    visits = list(episode.visits.order_by("starts_at"))
    assert [str(e["UID"]) for e in found] == [visit_uid(v) for v in visits] and len(found) == 6
    assert [e["SUMMARY"] for e in found] == (
        ["Appointment at Riverside Clinic"] + ["Phone check-in with Riverside Clinic"] * 4
        + ["Appointment at Riverside Clinic"]
    )
    phone = [e for e in found if "Phone" in e["SUMMARY"]]
    assert all("LOCATION" not in e for e in phone)
    assert all(e["LOCATION"] == "12 River Road, Springfield, NY 10001" for e in found if e not in phone)
    # Every visit at 10:00 on the clinic's wall clock, across the change; in the zone the file defines.
    assert {e["DTSTART"].dt.astimezone(NY).time() for e in found} == {dt.time(10, 0)}
    assert {e["DTSTART"].params["TZID"] for e in found} == {"America/New_York"}
    assert [int(e["SEQUENCE"]) for e in found] == [0] * 6
    assert "Friday 6 March 2026, 10:00 (America/New_York, EST)" in message.body
    assert "Tuesday 10 March 2026, 10:00 (America/New_York, EDT)" in message.body
    assert "Before your first visit:" in message.body and "device" in message.body
    # The same UID for a visit in every file about it (the confirmation's and the cancellation's).
    assert str(found[1]["UID"]) == visit_uid(visits[1])


def test_times_are_in_the_patients_zone(clock):
    episode = book(patient_tz="Europe/London")
    message = render(rows(episode, Kind.CONFIRMATION)[0])
    assert "Friday 6 March 2026, 15:00 (Europe/London, GMT)" in message.body
    assert "At the clinic: 10:00 (America/New_York, EST)" in message.body
    review = rows(episode, Kind.REVIEW_REMINDER)[1]  # 8 March: New York has changed, London not yet
    reminder = render(review, now=review.due_at)
    assert reminder.subject == "Today at 14:00: your check-in at Riverside Clinic"


def every_kind(review_mode) -> dict[str, object]:
    """Every kind of episode email, each rendered when it would go."""
    episode = book(review_mode=review_mode)
    messages = {}
    for row in rows(episode):
        messages.setdefault(row.kind, render(row, now=row.due_at))
    set_status(episode, EpisodeStatus.FITTED)
    outbox.episode_overdue_emails(now=episode.ends_at + dt.timedelta(hours=3))
    row = rows(episode, Kind.RETURN_REMINDER)[0]
    messages[Kind.RETURN_REMINDER] = render(row, now=row.due_at)
    set_status(episode, EpisodeStatus.REMOVED, removed_at=FITTING + dt.timedelta(days=2),
               early_removal_reason="Asked to stop")
    EpisodeVisit.objects.filter(episode=episode, day__gt=2).update(status=VisitStatus.CANCELLED)
    outbox.episode_removed_emails(episode=episode)
    messages[Kind.REMOVED_EARLY] = render(rows(episode, Kind.REMOVED_EARLY)[0])
    set_status(episode, EpisodeStatus.CANCELLED)
    EpisodeVisit.objects.filter(episode=episode).update(status=VisitStatus.CANCELLED)
    EpisodeEmail.objects.filter(episode=episode, kind=Kind.CONFIRMATION).update(status="sent", sent_at=BOOKED_AT)
    outbox.episode_cancelled_emails(episode=episode, now=BOOKED_AT)
    messages[Kind.CANCELLED] = render(rows(episode, Kind.CANCELLED)[0], now=BOOKED_AT)
    return messages


def surfaces(message) -> dict[str, str]:
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    cal = calendar_of(message)
    return {
        "subject": message.subject,
        "headers": "\n".join(f"{name}: {value}" for part in parsed.walk() for name, value in part.items()),
        "text": message.body,
        "html": html_of(message),
        "ics": re.sub(r"\r?\n[ \t]", "", cal.to_ical().decode()) if cal else "",
    }


@pytest.mark.parametrize("review_mode", [ReviewMode.VISIT, ReviewMode.PHONE])
def test_no_episode_email_says_what_the_patient_is_treated_for(clock, review_mode):
    # What names the course itself: the pump, and every word of every pump protocol (the shared one's too).
    words = {"pump", "pumps", "ketamine"}
    for protocol in PumpProtocol.objects.all():
        words |= {protocol.name, protocol.slug, protocol.indication}
        words |= set(re.findall(r"[A-Za-z]{2,}", f"{protocol.name} {protocol.slug} {protocol.indication}"))
    assert words - {w.lower() for w in TREATMENT_WORDS}
    messages = every_kind(review_mode)
    assert set(messages) == set(Kind.values)
    leaks = [(kind, where, word) for kind, message in messages.items()
             for where, content in surfaces(message).items() for word in treatment_words_in(content, extra=words)]
    assert leaks == []
    for message in messages.values():
        for content in surfaces(message).values():
            assert "Zebrowski" not in content and "Ketamine Infusion Center" not in content


# --- Golden files ----------------------------------------------------------------------------------------------

SNAPSHOTS = Path(__file__).parent / "snapshots"


def test_wording_matches_the_golden_files(clock):
    """The text of every kind, for a fixed episode and a frozen clock, is exactly what was last reviewed.
    Regenerate with UPDATE_SNAPSHOTS=1 and read the diff."""
    messages = {f"{kind}": m for kind, m in every_kind(ReviewMode.VISIT).items()}
    phone = book(review_mode=ReviewMode.PHONE, patient_tz="Europe/London")
    row = rows(phone, Kind.REVIEW_REMINDER)[1]
    messages["review_reminder_phone"] = render(row, now=row.due_at)
    update = os.environ.get("UPDATE_SNAPSHOTS") == "1"
    missing, changed = [], []
    for name, message in messages.items():
        path = SNAPSHOTS / f"{name}.txt"
        text = f"Subject: {message.subject}\n\n{message.body}"
        if update:
            SNAPSHOTS.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.exists():
            missing.append(path.name)
        elif path.read_text(encoding="utf-8") != text:
            changed.append(path.name)
    assert not missing, f"no golden file for {missing}: run with UPDATE_SNAPSHOTS=1 and review them"
    assert not changed, f"wording changed in {changed}: run with UPDATE_SNAPSHOTS=1 and review the diff"
