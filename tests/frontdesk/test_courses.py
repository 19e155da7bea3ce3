"""The course page and cancelling a whole course from the desk: roles, another clinic's course, the
confirmation step with its late warning, hostile input; and the session panel's cancel confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from bookings.models import (
    OPEN_EMAIL_STATUSES,
    CycleStatus,
    InfusionSession,
    PatientEmail,
    SessionStatus,
    TreatmentCycle,
)
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from tests.frontdesk.conftest import NOW
from tests.safety.helpers import checks_pass, recovery_pass

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

HTMX = {"HTTP_HX_REQUEST": "true"}
#: Tuesday 09:00 is 21 hours away (inside the clinic's 24 h), Thursday and the next Monday are not.
SOON_COURSE = [dt.datetime(2027, 3, 2, 9, 0), dt.datetime(2027, 3, 4, 9, 0), dt.datetime(2027, 3, 8, 9, 0)]


def course_url(cycle) -> str:
    return reverse("frontdesk:course", args=[cycle.pk])


def cancel_url(cycle) -> str:
    return reverse("frontdesk:course-cancel", args=[cycle.pk])


def statuses(cycle) -> list[str]:
    return list(InfusionSession.objects.filter(cycle=cycle).order_by("sequence").values_list("status", flat=True))


class TestCoursePage:
    @pytest.mark.parametrize("role", [ADMIN, FRONT_DESK, CLINICIAN])
    def test_every_role_sees_sessions_and_progress_in_clinic_time(self, as_user, home, role):
        cycle = home.book(SOON_COURSE).cycle
        response = as_user(home.users[role]).get(course_url(cycle))
        assert response.status_code == 200
        text = response.content.decode()
        assert "Short course" in text and "Jane Roe" in text
        assert "0 completed, 3 booked, 0 cancelled of 3" in text
        assert "Session 1: Tue 2 Mar 2027, 09:00" in text  # the next session, in New York time
        assert "Tue 2 Mar 2027, 09:00–10:00" in text and home.chairs[0].name in text
        # Only the desk and admins may cancel the course.
        assert ("Cancel the whole course" in text) == (role != CLINICIAN)

    def test_linked_from_the_patient_page_and_the_session_panel(self, as_user, home):
        cycle = home.book(SOON_COURSE).cycle
        client = as_user(home.users[FRONT_DESK])
        assert course_url(cycle).encode() in client.get(reverse("frontdesk:patient", args=[home.patient.pk])).content
        first = cycle.sessions.order_by("sequence").first()
        assert course_url(cycle).encode() in client.get(reverse("frontdesk:session", args=[first.pk]), **HTMX).content

    def test_another_clinics_course_is_not_found(self, as_user, home, away):
        cycle = away.book(SOON_COURSE).cycle
        client = as_user(home.users[ADMIN])
        assert client.get(course_url(cycle)).status_code == 404
        assert client.post(cancel_url(cycle), {"by": "clinic", "reason": "x", "confirm": "on"}).status_code == 404
        assert TreatmentCycle.objects.get(pk=cycle.pk).status == CycleStatus.PLANNED

    def test_no_role_no_page_and_no_sign_in_goes_to_login(self, as_user, client, home):
        cycle = home.book(SOON_COURSE).cycle
        assert as_user(home.users[None]).get(course_url(cycle)).status_code == 403
        assert client.get(course_url(cycle)).status_code == 302

    def test_a_clinician_may_not_cancel(self, as_user, home):
        cycle = home.book(SOON_COURSE).cycle
        response = as_user(home.users[CLINICIAN]).post(cancel_url(cycle), {"by": "clinic", "reason": "x", "confirm": "on"})
        assert response.status_code == 403
        assert statuses(cycle) == ["booked"] * 3


class TestCancelCourse:
    def test_the_confirmation_lists_the_sessions_and_says_which_are_late(self, as_user, home):
        cycle = home.book(SOON_COURSE).cycle
        client = as_user(home.users[FRONT_DESK])
        response = client.post(cancel_url(cycle), {"by": "patient", "reason": "Moving away"})
        assert response.status_code == 200
        text = response.content.decode()
        assert "Cancel the whole course?" in text
        assert "These 3 sessions will be cancelled; 1 of them counts as <strong>late</strong> (within 24 hours" in text
        assert text.count(">Late</span>") == 1
        assert "Yes, cancel the course" in text and "“Moving away”" in text
        assert statuses(cycle) == ["booked"] * 3  # nothing happened yet

    def test_confirmed_it_cancels_through_the_service(self, as_user, home):
        cycle = home.book(SOON_COURSE).cycle
        client = as_user(home.users[FRONT_DESK])
        response = client.post(cancel_url(cycle), {"by": "patient", "reason": "Moving away", "confirm": "on"}, follow=True)
        assert response.status_code == 200
        assert b"Course cancelled: 3 sessions cancelled, 1 of them late." in response.content
        cycle.refresh_from_db()
        assert cycle.status == CycleStatus.CANCELLED and cycle.cancel_reason == "Moving away"
        assert statuses(cycle) == [SessionStatus.LATE_CANCELLED, SessionStatus.CANCELLED, SessionStatus.CANCELLED]
        assert set(cycle.sessions.values_list("cancelled_by_party", flat=True)) == {"patient"}
        # The service's outbox work: no reminder left to go (the confirmation had not gone out, so no notice).
        assert not PatientEmail.objects.filter(cycle=cycle, status__in=OPEN_EMAIL_STATUSES).exists()
        assert not django_mail.outbox
        # The page no longer offers to cancel.
        assert b"Cancel the whole course" not in client.get(course_url(cycle)).content

    def test_a_course_with_a_session_done_is_abandoned(self, as_user, home):
        from bookings import services

        booked = home.book([dt.datetime(2027, 3, 1, 14, 0), *SOON_COURSE[1:]])
        first = booked.sessions[0]
        services.session_check_in(session=first)
        checks_pass(first)
        services.session_start(session=first)
        recovery_pass(first)
        services.session_complete(session=first, reason="Test: ended early")
        client = as_user(home.users[ADMIN])
        page = client.get(course_url(booked.cycle)).content.decode()
        assert "1 completed, 2 booked, 0 cancelled of 3" in page and "Completed early: Test: ended early" in page
        preview = client.post(cancel_url(booked.cycle), {"by": "clinic", "reason": "Stopping"}).content.decode()
        assert "These 2 sessions will be cancelled" in preview and "late" not in preview.split("These 2")[1].split("</p>")[0]
        client.post(cancel_url(booked.cycle), {"by": "clinic", "reason": "Stopping", "confirm": "on"})
        assert TreatmentCycle.objects.get(pk=booked.cycle.pk).status == CycleStatus.ABANDONED

    def test_a_session_under_way_stops_it_with_a_message(self, as_user, home):
        from bookings import services

        booked = home.book([dt.datetime(2027, 3, 1, 14, 0), *SOON_COURSE[1:]])
        services.session_check_in(session=booked.sessions[0])
        response = as_user(home.users[FRONT_DESK]).post(
            cancel_url(booked.cycle), {"by": "clinic", "reason": "Stopping", "confirm": "on"}
        )
        assert response.status_code == 200 and b"under way; finish it first" in response.content
        assert TreatmentCycle.objects.get(pk=booked.cycle.pk).status == CycleStatus.PLANNED

    def test_an_ended_course_cannot_be_cancelled_again(self, as_user, home):
        cycle = home.book(SOON_COURSE).cycle
        client = as_user(home.users[FRONT_DESK])
        client.post(cancel_url(cycle), {"by": "clinic", "reason": "Stopping", "confirm": "on"})
        again = client.post(cancel_url(cycle), {"by": "clinic", "reason": "Again", "confirm": "on"})
        assert again.status_code == 200 and b"A cancelled course cannot be cancelled." in again.content
        assert TreatmentCycle.objects.get(pk=cycle.pk).cancel_reason == "Stopping"

    @pytest.mark.parametrize(
        "form",
        [
            {},
            {"by": "robot", "reason": "x", "confirm": "on"},
            {"by": "clinic", "reason": "   ", "confirm": "on"},
            {"by": "clinic", "reason": "a\x00b", "confirm": "on"},
            {"by": "clinic", "reason": "x" * 301, "confirm": "on"},
        ],
    )
    def test_hostile_input_is_a_form_error_and_changes_nothing(self, as_user, home, form):
        cycle = home.book(SOON_COURSE).cycle
        response = as_user(home.users[FRONT_DESK]).post(cancel_url(cycle), form)
        assert response.status_code == 200 and b"The course was not cancelled: see the form." in response.content
        assert statuses(cycle) == ["booked"] * 3

    def test_repeated_keys_are_read_as_the_last_value(self, as_user, home):
        cycle = home.book(SOON_COURSE).cycle
        form = {"by": ["robot", "clinic"], "reason": ["a", "Stopping"], "confirm": ["", "on"]}
        assert as_user(home.users[FRONT_DESK]).post(cancel_url(cycle), form).status_code == 302
        assert TreatmentCycle.objects.get(pk=cycle.pk).cancel_reason == "Stopping"

    def test_markup_in_the_reason_is_shown_as_text(self, as_user, home):
        cycle = home.book(SOON_COURSE).cycle
        response = as_user(home.users[FRONT_DESK]).post(cancel_url(cycle), {"by": "clinic", "reason": '"><script>x</script>'})
        assert b"<script>x</script>" not in response.content and b"&lt;script&gt;" in response.content

    def test_the_page_runs_a_fixed_number_of_queries(self, as_user, home, django_assert_max_num_queries):
        cycle = home.book(SOON_COURSE).cycle
        client = as_user(home.users[FRONT_DESK])
        client.get(course_url(cycle))
        with django_assert_max_num_queries(12):
            assert client.get(course_url(cycle)).status_code == 200


class TestSessionCancelConfirmation:
    def test_the_panel_warns_beforehand_when_a_cancel_would_be_late(self, as_user, home):
        sessions = home.book(SOON_COURSE).sessions
        client = as_user(home.users[FRONT_DESK])
        soon = client.get(reverse("frontdesk:session", args=[sessions[0].pk]), **HTMX).content.decode()
        assert "Cancelling now counts as <strong>late</strong>: the session starts within 24 hours." in soon
        later = client.get(reverse("frontdesk:session", args=[sessions[1].pk]), **HTMX).content.decode()
        assert "counts as <strong>late</strong>" not in later

    def test_cancel_asks_first_then_records_a_late_cancel(self, as_user, home):
        session = home.book(SOON_COURSE).sessions[0]
        client = as_user(home.users[FRONT_DESK])
        url = reverse("frontdesk:session-cancel", args=[session.pk])
        asked = client.post(url, {"by": "patient", "reason": "Unwell"}, **HTMX).content.decode()
        assert "Cancel session 1 on Tue 2 Mar 2027 at 09:00?" in asked
        assert "It will be recorded as a late cancellation." in asked and "Yes, cancel it (late)" in asked
        assert "Keep the session" in asked
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.BOOKED
        done = client.post(url, {"by": "patient", "reason": "Unwell", "confirm": "on"}, **HTMX)
        assert b"Session cancelled (late: inside the clinic&#x27;s cut-off)." in done.content
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.LATE_CANCELLED

    def test_a_clinician_gets_no_cancel(self, as_user, home):
        session = home.book(SOON_COURSE).sessions[0]
        url = reverse("frontdesk:session-cancel", args=[session.pk])
        assert as_user(home.users[CLINICIAN]).post(url, {"by": "patient", "reason": "x", "confirm": "on"}).status_code == 403
