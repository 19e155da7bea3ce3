"""The staff pages and the patients' emails: a session's emails in its panel, "Send again" for a failed one,
and the worklists of reschedule requests (from the patient links) and failed emails."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from bookings import services
from bookings.models import (
    CycleStatus,
    EmailKind,
    EmailStatus,
    InfusionSession,
    Patient,
    PatientEmail,
    SessionStatus,
    TreatmentCycle,
)
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from notifications import services as outbox
from pumps.models import Episode, EpisodeStatus, EpisodeVisit, VisitKind, VisitStatus
from tests.factories import CycleFactory, PatientFactory, SessionFactory
from tests.frontdesk.conftest import NOW
from tests.frontdesk.test_pages import HTMX, LATER_COURSE
from tests.pumps.factories import PumpCourseFactory, PumpFactory, episode_with_visits

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

REFUSED = "SMTPDataError: (554, b'5.7.1 Message rejected')"


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the recipient for good (so one try is the last), quoting the address."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"5.1.1 mailbox unavailable") for m in email_messages})


def fail_by_sending(row: PatientEmail, settings) -> PatientEmail:
    """Send `row` through the real outbox to a server that refuses it: the row ends `failed`."""
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    assert row.pk in outbox.emails_claim_due(now=row.send_after)
    assert outbox.email_send(email_id=row.pk, now=row.send_after).status == "failed"
    row.refresh_from_db()
    return row


def mark_failed(row: PatientEmail) -> PatientEmail:
    """A row as the sweep leaves it after its last try (written straight, for pages that only show it)."""
    PatientEmail.objects.filter(pk=row.pk).update(status=EmailStatus.FAILED, attempts=6, last_error=REFUSED)
    row.refresh_from_db()
    return row


def panel(client, session):
    return client.get(reverse("frontdesk:session", args=[session.pk]), **HTMX)


def resend(client, reminder, **data):
    return client.post(reverse("frontdesk:reminder-resend", args=[reminder.pk]), data, **HTMX)


# --- The session panel -------------------------------------------------------------------------------------


class TestSessionEmails:
    def test_the_panel_lists_the_sessions_emails_in_words(self, as_user, home):
        sessions = home.book(LATER_COURSE).sessions
        html = panel(as_user(home.users[CLINICIAN]), sessions[0]).content.decode()
        assert "Emails to the patient" in html
        assert "Confirmation" in html and "Reminder 72 h before" in html and "Reminder 24 h before" in html
        assert "Skipped" in html and "due before it was booked" in html  # Tuesday 09:00 is less than 24 h away
        # Session 3 is Monday 8 March 09:00: its reminders are due Friday and Sunday 09:00 clinic time (14:00 UTC).
        third = panel(as_user(home.users[CLINICIAN]), sessions[2]).content.decode()
        assert "Due Fri 5 Mar 09:00" in third and "Due Sun 7 Mar 09:00" in third
        assert third.count('class="status status-email-pending">Pending<') == 2
        assert "Confirmation" not in third  # the course's confirmation is about its first session

    def test_a_sent_email_shows_when_it_went(self, as_user, home, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        session = home.book(LATER_COURSE).sessions[0]
        confirmation = PatientEmail.objects.get(session=session, kind=EmailKind.CONFIRMATION)
        assert confirmation.pk in outbox.emails_claim_due(now=NOW)
        assert outbox.email_send(email_id=confirmation.pk, now=NOW).status == "sent"
        html = panel(as_user(home.users[FRONT_DESK]), session).content.decode()
        assert '<span class="status status-email-sent">Sent</span>' in html
        assert "Due Mon 1 Mar 12:00 · sent Mon 1 Mar 12:00 · 1 try" in html

    def test_a_failed_email_shows_its_error_and_a_send_again_button_for_the_desk(self, as_user, home, settings):
        session = home.book(LATER_COURSE).sessions[0]
        failed = fail_by_sending(PatientEmail.objects.get(session=session, kind=EmailKind.CONFIRMATION), settings)
        html = panel(as_user(home.users[FRONT_DESK]), session).content.decode()
        assert '<span class="status status-email-failed">Failed</span>' in html
        assert "SMTPRecipientsRefused" in html and "mailbox unavailable" in html
        assert "jane@example.org" not in html  # the server quoted the address; staff see it redacted
        assert reverse("frontdesk:reminder-resend", args=[failed.pk]) in html and "Send again" in html
        # A clinician sees the failure, not the button.
        clinician = panel(as_user(home.users[CLINICIAN]), session).content.decode()
        assert "mailbox unavailable" in clinician and "Send again" not in clinician

    def test_send_again_puts_it_back_in_the_outbox(self, as_user, home, settings):
        session = home.book(LATER_COURSE).sessions[0]
        failed = fail_by_sending(PatientEmail.objects.get(session=session, kind=EmailKind.CONFIRMATION), settings)
        response = resend(as_user(home.users[FRONT_DESK]), failed)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Confirmation: back in the outbox, it goes out within a minute." in html
        assert html.lstrip().startswith("<h2") and "<html" not in html  # the panel again
        assert "HX-Trigger" not in response  # nothing on the board changed
        failed.refresh_from_db()
        assert (failed.status, failed.attempts, failed.resends, failed.send_after) == (EmailStatus.PENDING, 0, 1, NOW)
        assert "Send again" not in html and ">Pending<" in html

    def test_an_admin_may_send_again_too(self, as_user, home):
        failed = mark_failed(_one(home))
        assert resend(as_user(home.users[ADMIN]), failed).status_code == 200
        assert PatientEmail.objects.get(pk=failed.pk).status == EmailStatus.PENDING

    @pytest.mark.parametrize("status", [EmailStatus.PENDING, EmailStatus.SENT, EmailStatus.CANCELLED])
    def test_only_a_failed_email_can_be_sent_again(self, as_user, home, status):
        row = _one(home)
        PatientEmail.objects.filter(pk=row.pk).update(status=status, sent_at=NOW if status == EmailStatus.SENT else None)
        response = resend(as_user(home.users[FRONT_DESK]), row)
        assert response.status_code == 200
        label = EmailStatus(status).label.lower()
        assert f"only a failed email can be sent again; this one is {label}." in response.content.decode()
        assert 'role="alert"' in response.content.decode()
        assert PatientEmail.objects.get(pk=row.pk).status == status and PatientEmail.objects.get(pk=row.pk).resends == 0

    @pytest.mark.parametrize("role", [CLINICIAN, None])
    def test_the_wrong_role_may_not(self, as_user, home, role):
        failed = mark_failed(_one(home))
        assert resend(as_user(home.users[role]), failed).status_code == 403
        assert PatientEmail.objects.get(pk=failed.pk).status == EmailStatus.FAILED

    def test_another_clinics_email_is_not_found(self, as_user, home, away):
        theirs = mark_failed(_one(away))
        for role in (ADMIN, FRONT_DESK):
            assert resend(as_user(home.users[role]), theirs).status_code == 404
            assert resend(as_user(home.users[role]), theirs, **{"from": "worklist"}).status_code == 404
        assert PatientEmail.objects.get(pk=theirs.pk).status == EmailStatus.FAILED

    def test_only_a_post_and_only_signed_in(self, as_user, client, home):
        failed = mark_failed(_one(home))
        url = reverse("frontdesk:reminder-resend", args=[failed.pk])
        assert as_user(home.users[FRONT_DESK]).get(url).status_code == 405
        assert client.post(url).status_code == 302  # to the sign-in page
        assert PatientEmail.objects.get(pk=failed.pk).status == EmailStatus.FAILED

    def test_without_htmx_back_to_the_session_page_with_the_outcome(self, as_user, home):
        failed = mark_failed(_one(home))
        response = as_user(home.users[FRONT_DESK]).post(reverse("frontdesk:reminder-resend", args=[failed.pk]), follow=True)
        assert response.redirect_chain == [(reverse("frontdesk:session", args=[failed.session_id]), 302)]
        assert b"back in the outbox" in response.content


def _one(site) -> PatientEmail:
    """The confirmation of a course booked for the site's patient."""
    session = site.book(LATER_COURSE).sessions[0]
    return PatientEmail.objects.get(session=session, kind=EmailKind.CONFIRMATION)


class TestRescheduleRequestInThePanel:
    def test_the_request_shows_with_the_move_at_hand_and_goes_once_moved(self, as_user, home):
        session = home.book(LATER_COURSE).sessions[1]  # Thursday 4 March 09:00
        services.session_request_reschedule(session=session, note="Afternoons suit me")
        client = as_user(home.users[FRONT_DESK])
        html = panel(client, session).content.decode()
        assert "Patient asked to reschedule on Mon 1 Mar 2027" in html and "(at 12:00, from an email link)" in html
        assert "“Afternoons suit me”" in html
        assert "<details open>\n  <summary>Move this session</summary>" in html  # the move, open, right there
        moved = client.post(reverse("frontdesk:session-move", args=[session.pk]),
                            {"starts_at": "2027-03-04T13:00", "scope": "this"}, **HTMX)
        assert b"Moved to Thu 04 Mar 2027 13:00" in moved.content
        assert b"Patient asked to reschedule" not in moved.content
        assert InfusionSession.objects.get(pk=session.pk).reschedule_requested_at is None

    def test_a_clinician_sees_the_request_without_the_move(self, as_user, home):
        session = home.book(LATER_COURSE).sessions[1]
        services.session_request_reschedule(session=session)
        html = panel(as_user(home.users[CLINICIAN]), session).content.decode()
        assert "Patient asked to reschedule on Mon 1 Mar 2027" in html and "Move this session" not in html


# --- Worklists -----------------------------------------------------------------------------------------------


def worklists(client, **params):
    return client.get(reverse("frontdesk:worklists"), params)


class TestRescheduleRequests:
    def test_upcoming_requests_oldest_first_each_linking_to_its_session(self, as_user, home, away, frozen):
        jane = home.book(LATER_COURSE).sessions
        ann = PatientFactory(clinic=home.clinic, first_name="Ann", last_name="Lee")
        anns = home.book([dt.datetime(2027, 3, 2, 13), dt.datetime(2027, 3, 4, 13), dt.datetime(2027, 3, 8, 13)], patient=ann).sessions
        frozen.move_to(NOW - dt.timedelta(hours=3))
        services.session_request_reschedule(session=anns[2], note="Not Mondays")
        frozen.move_to(NOW - dt.timedelta(hours=1))
        services.session_request_reschedule(session=jane[1])
        frozen.move_to(NOW)
        services.session_request_reschedule(session=jane[2])
        services.session_cancel(session=jane[2], by_party="patient", reason="Moving away")  # no longer upcoming
        services.session_request_reschedule(session=away.book(LATER_COURSE).sessions[1])  # another clinic's
        html = worklists(as_user(home.users[CLINICIAN])).content.decode()
        assert 'data-slot="reschedule-requests"' not in html
        rows = [html.index(f'data-request="{s.pk}"') for s in (anns[2], jane[1])]
        assert rows == sorted(rows)  # the older request first
        assert html.count("data-request=") == 2
        assert "Mon 8 Mar 2027, 13:00" in html and "session 3 of 3" in html and "“Not Mondays”" in html
        assert "Mon 1 Mar, 09:00" in html  # when Ann asked, clinic time
        assert f'href="{reverse("frontdesk:session", args=[jane[1].pk])}"' in html
        assert f'?clinic={home.clinic.pk}&amp;date=2027-03-04"' in html

    def test_none(self, as_user, home):
        home.book(LATER_COURSE)
        assert b"No patient has asked to reschedule." in worklists(as_user(home.users[FRONT_DESK])).content

    def test_a_moved_session_leaves_the_list(self, as_user, home):
        session = home.book(LATER_COURSE).sessions[1]
        services.session_request_reschedule(session=session)
        client = as_user(home.users[FRONT_DESK])
        assert f'data-request="{session.pk}"'.encode() in worklists(client).content
        services.session_reschedule(session=session, starts_at=dt.datetime(2027, 3, 4, 13, tzinfo=home.clinic.tz))
        assert f'data-request="{session.pk}"'.encode() not in worklists(client).content


class TestFailedEmails:
    def test_the_clinics_failed_emails_with_a_resend_button(self, as_user, home, away):
        failed = mark_failed(_one(home))
        other = PatientEmail.objects.get(session=failed.session.cycle.sessions.get(sequence=3), kind="reminder_24h")
        theirs = mark_failed(_one(away))
        html = worklists(as_user(home.users[FRONT_DESK])).content.decode()
        assert 'data-slot="failed-reminders"' not in html
        assert f'data-reminder="{failed.pk}"' in html and f'data-reminder="{theirs.pk}"' not in html
        assert f'data-reminder="{other.pk}"' not in html  # pending, not failed
        assert "Roe, Jane" in html and "Confirmation" in html and "5.7.1 Message rejected" in html
        assert reverse("frontdesk:reminder-resend", args=[failed.pk]) in html
        assert "Send again" not in worklists(as_user(home.users[CLINICIAN])).content.decode()

    def test_none(self, as_user, home):
        home.book(LATER_COURSE)
        assert b"No email has failed." in worklists(as_user(home.users[FRONT_DESK])).content

    def test_send_again_from_the_list(self, as_user, home):
        failed = mark_failed(_one(home))
        response = resend(as_user(home.users[FRONT_DESK]), failed, **{"from": "worklist"})
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="failed-reminders"')  # the list alone, redrawn
        assert "Confirmation: back in the outbox" in html and f'data-reminder="{failed.pk}"' not in html
        assert "No email has failed." in html
        assert PatientEmail.objects.get(pk=failed.pk).status == EmailStatus.PENDING
        # Again: it is no longer failed, which the list says.
        again = resend(as_user(home.users[FRONT_DESK]), failed, **{"from": "worklist"})
        assert "only a failed email can be sent again; this one is pending." in again.content.decode()

    def test_from_the_list_without_htmx(self, as_user, home):
        failed = mark_failed(_one(home))
        client = as_user(home.users[FRONT_DESK])
        response = client.post(reverse("frontdesk:reminder-resend", args=[failed.pk]), {"from": "worklist"})
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('frontdesk:worklists')}?clinic={home.clinic.pk}#wl-failed"
        assert b"back in the outbox" in client.get(response["Location"]).content

    def test_wrong_role_from_the_list(self, as_user, home):
        failed = mark_failed(_one(home))
        assert resend(as_user(home.users[CLINICIAN]), failed, **{"from": "worklist"}).status_code == 403


# --- Query counts ------------------------------------------------------------------------------------------

#: session, user, second factor (accounts.two_factor), clinic zone, roles, clinic ids, the session with its patient, course, clinic, chair and
#: nurse, its history, its emails, the audit entry of the read; the check-in forms its course asks for (outcomes,
#: issue 15: this protocol asks for none; one that does reads those done and their names, two more, tests/outcomes).
SESSION_PANEL_QUERIES = 11
#: session, user, second factor, clinic zone, roles, clinic ids, clinics, then one query per list: reschedule requests
#: (with the patient's note), failed emails, flagged courses, boosters due, sessions needing a move (issue 14); and,
#: the pump courses' missed reviews, overdue pumps and upcoming visits (issue 16; with any upcoming visit, the clinic's
#: calendar's six queries more: tests/frontdesk/test_pump_desk.py); when any row is shown, one INSERT of the audit
#: trail's access entries for all of them.
WORKLISTS_QUERIES = 15


def test_the_session_panel_runs_a_fixed_number_of_queries(as_user, home, django_assert_num_queries, settings):
    bare = SessionFactory(cycle=CycleFactory(patient=home.patient, protocol=home.protocol),
                          chair=home.chairs[0], nurse=home.nurses[0])  # no history, no emails
    client = as_user(home.users[FRONT_DESK])
    panel(client, bare)  # content types cached for the audit entry
    with django_assert_num_queries(SESSION_PANEL_QUERIES):
        assert panel(client, bare).status_code == 200

    session = home.book(LATER_COURSE).sessions[0]
    fail_by_sending(PatientEmail.objects.get(session=session, kind=EmailKind.CONFIRMATION), settings)
    services.session_request_reschedule(session=session, note="Later please")
    with django_assert_num_queries(SESSION_PANEL_QUERIES):
        html = panel(client, session).content.decode()
    assert html.count("data-reminder=") == 3 and "Send again" in html and "Later please" in html
    services.session_confirm(session=session)
    services.session_reschedule(session=session, starts_at=dt.datetime(2027, 3, 2, 13, tzinfo=home.clinic.tz))
    with django_assert_num_queries(SESSION_PANEL_QUERIES):
        html = panel(client, session).content.decode()  # more history, more emails: the same queries
    assert html.count("data-reminder=") > 3


def test_the_worklists_run_a_fixed_number_of_queries(as_user, home, django_assert_num_queries):
    client = as_user(home.users[FRONT_DESK])
    with django_assert_num_queries(WORKLISTS_QUERIES):
        html = worklists(client).content.decode()
    assert "No patient has asked to reschedule." in html and "No email has failed." in html
    for i in range(4):
        patient = PatientFactory(clinic=home.clinic)
        sessions = home.book([dt.datetime(2027, 3, 2, 8 + 2 * i), dt.datetime(2027, 3, 4, 8 + 2 * i),
                               dt.datetime(2027, 3, 8, 8 + 2 * i)], patient=patient).sessions
        services.session_request_reschedule(session=sessions[1], note=f"note {i}")
        services.session_request_reschedule(session=sessions[2])
        mark_failed(PatientEmail.objects.get(session=sessions[0], kind=EmailKind.CONFIRMATION))
        mark_failed(PatientEmail.objects.get(session=sessions[2], kind="reminder_24h"))
        CycleFactory(patient=patient, protocol=home.protocol, needs_review=True, review_reason="after_session")
        done = CycleFactory(patient=PatientFactory(clinic=home.clinic), protocol=home.protocol, status=CycleStatus.COMPLETED)
        SessionFactory(cycle=done, chair=home.chairs[0], nurse=home.nurses[0], status=SessionStatus.COMPLETED,
                       starts_at=NOW - dt.timedelta(days=40 + i))
        # A pump still on a patient days after its removal, one of its reviews missed: on both pump lists.
        out = episode_with_visits(course=PumpCourseFactory(clinic=home.clinic), pump=PumpFactory(clinic=home.clinic),
                                  fitting_at=NOW - dt.timedelta(days=9), status=EpisodeStatus.FITTED)
        out.visits.filter(kind=VisitKind.REVIEW, day=1).update(status=VisitStatus.MISSED, missed_at=NOW - dt.timedelta(days=8))
    # The audit trail names each row's model: its content type comes from Django's cache, filled here as any
    # earlier request in the process would have (the count is of the page, not of a cold cache).
    ContentType.objects.get_for_models(InfusionSession, PatientEmail, TreatmentCycle, Patient, Episode, EpisodeVisit)
    with django_assert_num_queries(WORKLISTS_QUERIES + 1):
        html = worklists(client).content.decode()
    assert html.count("data-request=") == 8 and html.count("data-reminder=") == 8
    assert html.count("data-missed-review=") == 4 and html.count("data-pump-overdue=") == 4
    # Every row shown is in the audit trail as an access, under its patient.
    shown = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=home.users[FRONT_DESK])
    assert shown.count() == 8 + 8 + 4 + 4 + 4 + 4  # … and the missed reviews and overdue episodes
    assert html.count("Book a booster") == 4 and html.count("Review after") == 4
