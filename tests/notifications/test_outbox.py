"""The outbox on PostgreSQL, no Celery: rows the booking services write, claiming, and sending one row.

Bookings go through bookings.services with the clock frozen; sending uses Django's locmem backend, or a
backend that raises what an SMTP server answers (451, 550, a dropped connection).
"""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from bookings import services as bookings
from bookings.models import EmailKind, EmailStatus, PatientEmail
from notifications import services
from tests.factories import PatientFactory, book_course
from tests.notifications.delivery import bulk_due_reminders
from tests.safety.helpers import checks_pass, recovery_pass

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
# Midnight starting Monday 1 March 2027 in New York.
T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)
# Mon/Wed/Fri from 8 March at 10:00: a valid depression induction, every reminder still ahead at T0.
COURSE = [(3, 8), (3, 10), (3, 12), (3, 15), (3, 17), (3, 19)]
H72, H24, H2 = EmailKind.reminder(72), EmailKind.reminder(24), EmailKind.reminder(2)


pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic, email_consent=True, email_consent_at=T0)


#: The course above, booked through the service.
book = partial(book_course, days=COURSE, hour=10)


def rows(**filters) -> list[PatientEmail]:
    return list(PatientEmail.objects.filter(**filters).order_by("session__sequence", "kind", "session_version", "pk"))


def kinds_by_session(cycle) -> dict[int, list[tuple[str, int, str]]]:
    out: dict[int, list] = {}
    for r in rows(cycle=cycle):
        out.setdefault(r.session.sequence, []).append((r.kind, r.session_version, r.status))
    return out


def at(hours: int, session) -> dt.datetime:
    return session.starts_at - dt.timedelta(hours=hours)


class RaisingBackend(BaseEmailBackend):
    """An email backend that fails as an SMTP server would; the test sets `error`."""

    error: Exception = smtplib.SMTPDataError(451, b"4.3.0 Try again later")

    def send_messages(self, email_messages):
        raise self.error


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RaisingBackend"

    def fail_with(exc: Exception):
        RaisingBackend.error = exc

    yield fail_with
    RaisingBackend.error = smtplib.SMTPDataError(451, b"4.3.0 Try again later")


def claim(row: PatientEmail, now: dt.datetime | None = None) -> list[int]:
    """Claim what is due at the row's time; the row must be among it."""
    ids = services.emails_claim_due(now=now or row.send_after)
    assert row.pk in ids
    return ids


class TestPlanning:
    def test_a_booking_writes_one_confirmation_and_two_reminders_per_session(self, clinic, chairs, nurse, patient):
        booked = book(patient=patient, clinic=clinic)
        sessions = sorted(booked.sessions, key=lambda s: s.sequence)
        (confirmation,) = rows(kind=EmailKind.CONFIRMATION)
        assert confirmation.session_id == sessions[0].pk and confirmation.cycle_id == booked.cycle.pk
        assert confirmation.due_at == confirmation.send_after == T0 and confirmation.status == EmailStatus.PENDING
        for s in sessions:
            mine = rows(session=s, kind__startswith=EmailKind.REMINDER_PREFIX)
            assert [(r.kind, r.session_version, r.status) for r in mine] == [
                (H24, 1, EmailStatus.PENDING), (H72, 1, EmailStatus.PENDING)
            ]
            for r in mine:
                hours = EmailKind.reminder_hours(r.kind)
                assert r.due_at == r.send_after == at(hours, s)  # 10:00 less 72 or 24 h: never in quiet hours
                assert r.session_starts_at == s.starts_at and r.patient_id == patient.pk and r.clinic_id == clinic.pk
        assert PatientEmail.objects.count() == 1 + 2 * 6

    def test_a_clinic_with_a_two_hour_reminder(self, clinic, chairs, nurse, patient):
        clinic.reminder_offsets_hours = [72, 24, 2]
        clinic.save()
        booked = book(patient=patient, clinic=clinic)
        by_session = kinds_by_session(booked.cycle)
        assert by_session[1] == [(EmailKind.CONFIRMATION, 1, "pending"), (H24, 1, "pending"), (H2, 1, "pending"),
                                 (H72, 1, "pending")]
        assert all(len(v) == 3 for k, v in by_session.items() if k > 1)
        s1 = min(booked.sessions, key=lambda s: s.sequence)
        assert PatientEmail.objects.get(session=s1, kind=H2).due_at == at(2, s1)  # 08:00: the end of quiet hours is allowed

    def test_a_same_day_booking_skips_the_reminders_already_past(self, clinic, chairs, nurse, patient):
        clinic.reminder_offsets_hours = [72, 24, 2]
        clinic.save()
        booked = book(patient=patient, clinic=clinic, days=[(3, 1)], hour=15, protocol="booster-iv")  # today, 15:00
        (s,) = booked.sessions
        got = {r.kind: r for r in rows(session=s)}
        assert {k: r.status for k, r in got.items()} == {
            EmailKind.CONFIRMATION: EmailStatus.PENDING, H72: EmailStatus.SKIPPED,
            H24: EmailStatus.SKIPPED, H2: EmailStatus.PENDING,
        }
        assert got[H72].status_reason == got[H24].status_reason == "due before it was booked"
        assert got[H2].due_at == dt.datetime(2027, 3, 1, 13, 0, tzinfo=NY)
        # Skipped rows are never claimed, however late the sweep.
        assert set(services.emails_claim_due(now=s.starts_at)) == {got[EmailKind.CONFIRMATION].pk, got[H2].pk}

    def test_quiet_hours_move_a_reminder_earlier(self, clinic, chairs, nurse, patient):
        clinic.reminder_offsets_hours = [24, 2]
        clinic.save()
        booked = book(patient=patient, clinic=clinic, days=[(3, 9)], hour=9, protocol="booster-iv")  # Tuesday 09:00
        (s,) = booked.sessions
        # 2 h before is 07:00, inside 21:00–08:00: it goes at 21:00 the evening before, never later than due.
        assert PatientEmail.objects.get(session=s, kind=H2).due_at == dt.datetime(2027, 3, 8, 21, 0, tzinfo=NY)
        assert PatientEmail.objects.get(session=s, kind=H24).due_at == dt.datetime(2027, 3, 8, 9, 0, tzinfo=NY)

    def test_quiet_hours_are_the_patients(self, clinic, chairs, nurse):
        tokyo = PatientFactory(clinic=clinic, timezone="Asia/Tokyo", email_consent=True, email_consent_at=T0)
        booked = book(patient=tokyo, clinic=clinic, days=[(3, 9)], hour=9, protocol="booster-iv")  # 09:00 New York = 23:00 Tokyo
        (s,) = booked.sessions
        # 24 h before is 23:00 in Tokyo: moved to 21:00 Tokyo (07:00 at the clinic, quiet there, not for her).
        assert PatientEmail.objects.get(session=s, kind=H24).due_at == dt.datetime(2027, 3, 8, 21, 0, tzinfo=TOKYO)

    def test_a_reschedule_cancels_the_old_rows_and_writes_a_notice_and_new_ones(self, clinic, chairs, nurse, patient):
        booked = book(patient=patient, clinic=clinic)
        s2 = next(s for s in booked.sessions if s.sequence == 2)
        (moved,) = bookings.session_reschedule(session=s2, starts_at=dt.datetime(2027, 3, 10, 14, 0))
        assert moved.version == 2
        old = rows(session=s2, session_version=1)
        assert [(r.kind, r.status, r.status_reason) for r in old] == [
            (H24, EmailStatus.CANCELLED, "the session moved"), (H72, EmailStatus.CANCELLED, "the session moved")
        ]
        new = {r.kind: r for r in rows(session=s2, session_version=2)}
        assert set(new) == {EmailKind.MOVED, H72, H24}
        assert all(r.status == EmailStatus.PENDING and r.session_starts_at == moved.starts_at for r in new.values())
        assert new[EmailKind.MOVED].due_at == T0
        assert new[H24].due_at == at(24, moved) and new[H72].due_at == at(72, moved)
        # Nobody else's rows changed; the confirmation is left as it was.
        others = PatientEmail.objects.exclude(session=s2).exclude(kind=EmailKind.CONFIRMATION)
        assert set(others.values_list("status", flat=True)) == {EmailStatus.PENDING}
        assert PatientEmail.objects.get(kind=EmailKind.CONFIRMATION).status == EmailStatus.PENDING

    def test_a_cancelled_session_gets_one_notice_and_no_reminders(self, clinic, chairs, nurse, patient):
        booked = book(patient=patient, clinic=clinic)
        s3 = next(s for s in booked.sessions if s.sequence == 3)
        bookings.session_cancel(session=s3, by_party="clinic", reason="chair broken")
        got = rows(session=s3)
        assert [(r.kind, r.status) for r in got] == [
            (EmailKind.CANCELLED, EmailStatus.PENDING),
            (H24, EmailStatus.CANCELLED), (H72, EmailStatus.CANCELLED),
        ]
        assert PatientEmail.objects.exclude(session=s3).filter(status=EmailStatus.CANCELLED).count() == 0

    def test_a_cancelled_course_gets_one_notice(self, clinic, chairs, nurse, patient):
        booked = book(patient=patient, clinic=clinic)
        PatientEmail.objects.filter(kind=EmailKind.CONFIRMATION).update(status=EmailStatus.SENT, sent_at=T0)
        bookings.cycle_cancel(cycle=booked.cycle, reason="patient moved away", by_party="patient")
        notices = rows(cycle=booked.cycle, status=EmailStatus.PENDING)
        assert [(r.kind, r.session.sequence) for r in notices] == [(EmailKind.CYCLE_CANCELLED, 1)]
        assert not PatientEmail.objects.filter(kind=EmailKind.CANCELLED).exists()  # not one per session
        assert PatientEmail.objects.filter(status=EmailStatus.CANCELLED).count() == 2 * 6

    def test_a_course_cancelled_before_its_confirmation_went_out_is_never_mentioned(
        self, clinic, chairs, nurse, patient
    ):
        booked = book(patient=patient, clinic=clinic)
        bookings.cycle_cancel(cycle=booked.cycle, reason="booked by mistake")
        assert not PatientEmail.objects.filter(status=EmailStatus.PENDING).exists()
        confirmation = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        assert (confirmation.status, confirmation.status_reason) == (
            EmailStatus.CANCELLED, "the course was cancelled before it went out"
        )
        assert not PatientEmail.objects.filter(kind=EmailKind.CYCLE_CANCELLED).exists()

    @pytest.mark.parametrize("action", ["check_in", "no_show"])
    def test_check_in_or_no_show_cancels_the_remaining_reminders(self, clinic, chairs, nurse, patient, frozen, action):
        clinic.reminder_offsets_hours = [72, 24, 2]
        clinic.save()
        booked = book(patient=patient, clinic=clinic)
        s1 = min(booked.sessions, key=lambda s: s.sequence)
        if action == "check_in":
            frozen.move_to(dt.datetime(2027, 3, 8, 9, 50, tzinfo=NY))
            bookings.session_check_in(session=s1)
        else:
            frozen.move_to(dt.datetime(2027, 3, 8, 10, 20, tzinfo=NY))
            bookings.session_no_show(session=s1)
        mine = rows(session=s1, kind__startswith=EmailKind.REMINDER_PREFIX)
        assert {(r.status, r.status_reason) for r in mine} == {(EmailStatus.CANCELLED, "the session has begun")}
        assert PatientEmail.objects.get(kind=EmailKind.CONFIRMATION).status == EmailStatus.PENDING
        assert PatientEmail.objects.exclude(session=s1).filter(status=EmailStatus.CANCELLED).count() == 0

    def test_completing_the_course_writes_the_booster_recall(self, clinic, chairs, nurse, patient, frozen):
        booked = book(patient=patient, clinic=clinic, days=[(3, 8)], protocol="booster-iv")
        (s,) = booked.sessions
        frozen.move_to(dt.datetime(2027, 3, 8, 9, 55, tzinfo=NY))
        bookings.session_check_in(session=s)
        checks_pass(s)
        bookings.session_start(session=s)
        frozen.move_to(dt.datetime(2027, 3, 8, 12, 0, tzinfo=NY))
        recovery_pass(s)
        bookings.session_complete(session=s)
        (recall,) = rows(kind=EmailKind.BOOSTER_RECALL)
        # 28 days later at the same wall-clock time, across the change to summer time.
        assert recall.due_at == dt.datetime(2027, 4, 5, 12, 0, tzinfo=NY)
        assert recall.session_id == s.pk and recall.status == EmailStatus.PENDING

    def test_unsubscribing_cancels_everything_pending(self, clinic, chairs, nurse, patient):
        book(patient=patient, clinic=clinic)
        bookings.patient_unsubscribe(patient=patient)
        assert {(r.status, r.status_reason) for r in rows(patient=patient)} == {
            (EmailStatus.CANCELLED, "the patient unsubscribed")
        }


@pytest.mark.django_db(transaction=True)
class TestClaiming:
    def test_two_concurrent_claimers_never_claim_a_row_twice(self, monkeypatch):
        ids = set(bulk_due_reminders(1000))
        monkeypatch.setattr(services, "_BATCH", 50)  # many small batches: many chances to collide
        start = threading.Barrier(2)
        claimed: list[list[int]] = [[], []]
        errors = []

        def claimer(i):
            try:
                start.wait()
                claimed[i] = services.emails_claim_due(limit=10_000)
            except Exception as exc:  # reported below, in the test's thread
                errors.append(exc)
            finally:
                connection.close()  # each thread had its own connection

        threads = [threading.Thread(target=claimer, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
        a, b = claimed
        assert len(a) == len(set(a)) and len(b) == len(set(b))
        assert not set(a) & set(b)
        assert set(a) | set(b) == ids
        assert a and b, "both claimers got work (else they did not run at the same time)"
        assert set(PatientEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENDING}

    def test_stale_claims_are_claimed_again_after_the_lease(self, settings):
        settings.REMINDER_CLAIM_LEASE_SECONDS = 300
        first, later = bulk_due_reminders(2, patients=1)
        PatientEmail.objects.filter(pk=later).update(send_after=T0 + dt.timedelta(seconds=200))
        assert services.emails_claim_due(now=T0) == [first]
        assert services.emails_claim_due(now=T0 + dt.timedelta(seconds=200)) == [later]
        # Neither is stale yet: a claim younger than the lease is left to its task.
        assert services.emails_claim_due(now=T0 + dt.timedelta(seconds=299)) == []
        # The first claim's task never reported: claimed again; the second is still within its lease.
        assert services.emails_claim_due(now=T0 + dt.timedelta(seconds=301)) == [first]
        row = PatientEmail.objects.get(pk=first)
        assert row.status == EmailStatus.SENDING and row.claimed_at == T0 + dt.timedelta(seconds=301)
        assert services.emails_claim_due(now=T0 + dt.timedelta(seconds=501)) == [later]


class TestSending:
    def test_sent_once_with_our_message_id(self, clinic, chairs, nurse, patient, mailoutbox, settings):
        booked = book(patient=patient, clinic=clinic)
        row = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        assert services.emails_claim_due(now=T0) == [row.pk]
        assert services.email_send(email_id=row.pk).status == "sent"
        row.refresh_from_db()
        expected = f"<reminder.{row.pk}.0@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"
        assert (row.status, row.message_id, row.attempts, row.sent_at, row.last_error) == (
            EmailStatus.SENT, expected, 1, T0, ""
        )
        (message,) = mailoutbox
        assert message.to == [patient.email] and message.extra_headers["Message-ID"] == expected
        assert message.message()["Message-ID"] == expected
        # A second task for the same row (a redelivered message) sends nothing.
        assert services.email_send(email_id=row.pk).status == "not_claimed"
        assert len(mailoutbox) == 1 and booked

    def test_a_confirmation_claimed_before_the_course_was_cancelled_is_not_sent(
        self, clinic, chairs, nurse, patient, mailoutbox
    ):
        booked = book(patient=patient, clinic=clinic)
        row = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        assert services.emails_claim_due(now=T0) == [row.pk]
        bookings.cycle_cancel(cycle=booked.cycle, reason="patient moved away", by_party="patient")
        assert services.email_send(email_id=row.pk).status == EmailStatus.CANCELLED
        row.refresh_from_db()
        assert (row.status, row.status_reason) == (EmailStatus.CANCELLED, "nothing left to confirm in the course")
        assert not mailoutbox

    def test_an_unclaimed_row_is_not_sent(self, clinic, chairs, nurse, patient, mailoutbox):
        book(patient=patient, clinic=clinic)
        row = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        assert services.email_send(email_id=row.pk).status == "not_claimed"
        assert PatientEmail.objects.get(pk=row.pk).status == EmailStatus.PENDING and not mailoutbox

    def test_no_consent_means_skipped(self, clinic, chairs, nurse, mailoutbox):
        silent = PatientFactory(clinic=clinic, email_consent=False)
        book(patient=silent, clinic=clinic)
        row = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        claim(row)
        outcome = services.email_send(email_id=row.pk)
        row.refresh_from_db()
        assert (outcome.status, row.status, row.status_reason) == ("skipped", EmailStatus.SKIPPED, "no email consent")
        assert not mailoutbox

    @pytest.mark.parametrize("change", ["moved", "cancelled"])
    def test_a_session_changed_after_the_claim_is_never_sent(self, clinic, chairs, nurse, patient, mailoutbox, change):
        booked = book(patient=patient, clinic=clinic)
        s2 = next(s for s in booked.sessions if s.sequence == 2)
        row = PatientEmail.objects.get(session=s2, kind=H72)
        claim(row)  # claimed by a sweep: the booking service leaves a row being sent to its task
        if change == "moved":
            bookings.session_reschedule(session=s2, starts_at=dt.datetime(2027, 3, 10, 14, 0))
            reason = "the session moved"
        else:
            bookings.session_cancel(session=s2, by_party="clinic", reason="chair broken")
            reason = "the session is cancelled"
        assert PatientEmail.objects.get(pk=row.pk).status == EmailStatus.SENDING
        outcome = services.email_send(email_id=row.pk)
        row.refresh_from_db()
        assert (outcome.status, row.status, row.status_reason) == ("cancelled", EmailStatus.CANCELLED, reason)
        assert not [m for m in mailoutbox if m.extra_headers.get("Message-ID", "").startswith(f"<reminder.{row.pk}.")]

    def test_a_reminder_is_read_locked_and_recorded_in_few_queries(
        self, clinic, chairs, nurse, patient, mailoutbox, django_assert_max_num_queries
    ):
        booked = book(patient=patient, clinic=clinic)
        s1 = min(booked.sessions, key=lambda s: s.sequence)
        row = PatientEmail.objects.get(session=s1, kind=H72)
        claim(row)
        # BEGIN, the row with its session, course, patient and clinic (one query), the update, COMMIT.
        with django_assert_max_num_queries(6):
            assert services.email_send(email_id=row.pk).status == "sent"
        assert len(mailoutbox) == 1

    def test_an_email_that_cannot_be_built_is_retried_not_stuck(self, clinic, chairs, nurse, patient, mailoutbox,
                                                                 monkeypatch):
        from notifications import emails

        def broken(*args, **kwargs):
            raise ValueError("template not found")

        monkeypatch.setattr(emails, "build_message", broken)
        book(patient=patient, clinic=clinic)
        row = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        claim(row)
        outcome = services.email_send(email_id=row.pk)
        row.refresh_from_db()
        # Recorded like a failed send: back to pending with a back-off, the error on the row for staff.
        assert (outcome.status, row.status, row.attempts) == ("retry", EmailStatus.PENDING, 1)
        assert row.last_error == "ValueError: template not found" and row.claimed_at is None
        assert not mailoutbox

    @pytest.mark.parametrize(
        "error",
        [
            smtplib.SMTPDataError(451, b"4.3.0 Try again later"),
            smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
            ConnectionRefusedError(111, "Connection refused"),
            smtplib.SMTPRecipientsRefused({"pat@example.org": (450, b"4.2.1 Mailbox busy")}),
        ],
        ids=["451", "disconnected", "refused", "rcpt-450"],
    )
    def test_a_transient_error_backs_off(self, clinic, chairs, nurse, patient, failing_mail, settings, error):
        settings.REMINDER_RETRY_BASE_SECONDS = 60
        failing_mail(error)
        book(patient=patient, clinic=clinic)
        row = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        claim(row)
        outcome = services.email_send(email_id=row.pk)
        row.refresh_from_db()
        assert outcome.status == "retry"
        assert (row.status, row.attempts, row.claimed_at) == (EmailStatus.PENDING, 1, None)
        assert row.send_after == T0 + dt.timedelta(seconds=60)
        assert row.last_error.startswith(type(error).__name__)
        # Not due again until the back-off has passed.
        assert row.pk not in services.emails_claim_due(now=T0 + dt.timedelta(seconds=59))

    def test_failed_after_the_last_attempt(self, clinic, chairs, nurse, patient, failing_mail, settings, frozen):
        settings.REMINDER_MAX_ATTEMPTS = 4
        settings.REMINDER_RETRY_BASE_SECONDS = 60
        settings.REMINDER_RETRY_MAX_SECONDS = 150
        book(patient=patient, clinic=clinic)
        row = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        waits = []
        for attempt in range(1, 5):
            claim(row)
            frozen.move_to(row.send_after)
            outcome = services.email_send(email_id=row.pk)
            sent_at = row.send_after
            row.refresh_from_db()
            assert row.attempts == attempt
            if attempt < 4:
                assert (outcome.status, row.status) == ("retry", EmailStatus.PENDING)
                waits.append((row.send_after - sent_at).total_seconds())
        assert waits == [60, 120, 150]  # doubling, capped
        assert (outcome.status, row.status) == ("failed", EmailStatus.FAILED)
        assert "451" in row.last_error
        assert row.pk not in services.emails_claim_due(now=T0 + dt.timedelta(days=30))

    @pytest.mark.parametrize(
        "error",
        [
            smtplib.SMTPRecipientsRefused({"pat@example.org": (550, b"5.1.1 No such user")}),
            smtplib.SMTPDataError(554, b"5.7.1 Message rejected"),
            smtplib.SMTPSenderRefused(550, b"5.7.1 Sender denied", "clinic@localhost"),
        ],
        ids=["rcpt-550", "data-554", "sender-550"],
    )
    def test_a_permanent_refusal_fails_at_once(self, clinic, chairs, nurse, patient, failing_mail, error):
        failing_mail(error)
        book(patient=patient, clinic=clinic)
        row = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        claim(row)
        outcome = services.email_send(email_id=row.pk)
        row.refresh_from_db()
        assert (outcome.status, row.status, row.attempts) == ("failed", EmailStatus.FAILED, 1)
        assert row.last_error.startswith(type(error).__name__)

    def test_resend_puts_a_failed_row_back_with_a_new_message_id(
        self, clinic, chairs, nurse, patient, failing_mail, settings, mailoutbox, frozen
    ):
        failing_mail(smtplib.SMTPRecipientsRefused({"pat@example.org": (550, b"5.1.1 No such user")}))
        book(patient=patient, clinic=clinic)
        row = PatientEmail.objects.get(kind=EmailKind.CONFIRMATION)
        claim(row)
        services.email_send(email_id=row.pk)
        pending = PatientEmail.objects.get(kind=H72, session__sequence=1)
        with pytest.raises(services.EmailNotResendable) as refused:
            services.email_resend(email=pending)
        assert (refused.value.code, refused.value.details["status"]) == ("reminder_not_resendable", EmailStatus.PENDING)

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        frozen.move_to(T0 + dt.timedelta(hours=1))
        again = services.email_resend(email=row)
        assert (again.status, again.attempts, again.resends, again.send_after) == (
            EmailStatus.PENDING, 0, 1, T0 + dt.timedelta(hours=1)
        )
        claim(again)
        assert services.email_send(email_id=row.pk).status == "sent"
        row.refresh_from_db()
        assert row.message_id == f"<reminder.{row.pk}.1@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"
        assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [row.message_id]
