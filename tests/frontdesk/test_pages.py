"""The staff pages, server side: each page for success, the wrong role, another clinic's object, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse

from bookings import services
from bookings.models import CycleStatus, InfusionSession, Patient, SessionStatus, TreatmentCycle
from bookings.services import SessionRequest
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from scheduler.models import Closure
from tests.factories import CycleFactory, PatientFactory, SessionFactory, UserFactory
from tests.frontdesk.conftest import NOW
from tests.safety.helpers import checks_pass, recovery_pass

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

HTMX = {"HTTP_HX_REQUEST": "true"}


TODAY_COURSE = [dt.datetime(2027, 3, 1, 14, 0), dt.datetime(2027, 3, 3, 9, 0), dt.datetime(2027, 3, 5, 9, 0)]
LATER_COURSE = [dt.datetime(2027, 3, 2, 9, 0), dt.datetime(2027, 3, 4, 9, 0), dt.datetime(2027, 3, 8, 9, 0)]


# --- Signing in ------------------------------------------------------------------------------------


class TestLogin:
    def test_pages_need_a_sign_in(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=/")

    def test_staff_sign_in_and_land_on_the_day_board(self, client, home):
        page = client.get("/login/")
        assert page.status_code == 200 and b'for="id_username"' in page.content
        user = home.users[FRONT_DESK]
        response = client.post("/login/", {"username": user.username, "password": "correct-horse-battery"}, REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 302 and response["Location"] == "/"
        assert client.get("/").status_code == 200

    def test_a_wrong_password_is_a_form_error(self, client, home):
        response = client.post("/login/", {"username": home.users[FRONT_DESK].username, "password": "nope"}, REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content

    def test_repeated_failures_lock_the_form_with_a_clear_message(self, client, home):
        user = home.users[FRONT_DESK]
        for _ in range(5):
            client.post("/login/", {"username": user.username, "password": "nope"}, REMOTE_ADDR="198.51.100.7")
        locked = client.post("/login/", {"username": user.username, "password": "correct-horse-battery"}, REMOTE_ADDR="198.51.100.7")
        assert locked.status_code == 429
        assert b"Too many failed sign-in attempts" in locked.content
        # Another address is not affected.
        elsewhere = client.post("/login/", {"username": user.username, "password": "correct-horse-battery"}, REMOTE_ADDR="198.51.100.8")
        assert elsewhere.status_code == 302

    def test_sign_out(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        response = client.post("/logout/")
        assert response.status_code == 302 and response["Location"] == "/login/"
        assert client.get("/").status_code == 302


# --- The day board -----------------------------------------------------------------------------------


class TestDayBoard:
    def test_shows_the_days_sessions_with_name_progress_and_status(self, as_user, home):
        booked = home.book(TODAY_COURSE)
        response = as_user(home.users[FRONT_DESK]).get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Jane Roe" in html and "1 of 3" in html and "Booked" in html
        assert "14:00–15:00" in html  # clinic time, not UTC
        assert f'data-session="{booked.sessions[0].pk}"' in html
        assert "Open 08:00–18:00" in html
        assert "Nurse load" in html

    def test_another_day_and_a_closure(self, as_user, home):
        Closure.objects.create(clinic=home.clinic, starts_at=dt.datetime(2027, 3, 2, 8, tzinfo=home.clinic.tz),
                               ends_at=dt.datetime(2027, 3, 2, 12, tzinfo=home.clinic.tz), reason="Staff training")
        response = as_user(home.users[CLINICIAN]).get("/", {"date": "2027-03-02"})
        assert response.status_code == 200
        assert b"Staff training" in response.content and b"Tuesday 2 March 2027" in response.content

    def test_a_bad_date_shows_today_and_says_so(self, as_user, home):
        response = as_user(home.users[FRONT_DESK]).get("/", {"date": "2027-02-30"})
        assert response.status_code == 200 and b"That is not a date" in response.content

    def test_another_clinics_board_is_not_shown(self, as_user, home, away):
        away.book(TODAY_COURSE)
        response = as_user(home.users[FRONT_DESK]).get("/", {"clinic": away.clinic.pk})
        assert response.status_code == 200
        assert b"Home clinic" in response.content and b"Jane Roe" not in response.content

    def test_a_user_without_a_role_is_refused(self, as_user, home):
        response = as_user(home.users[None]).get("/")
        assert response.status_code == 403 and b"Not allowed" in response.content

    def test_htmx_redraw_sends_the_board_alone(self, as_user, home):
        response = as_user(home.users[FRONT_DESK]).get("/", {"part": "board"}, **HTMX)
        assert response.status_code == 200
        assert response.content.lstrip().startswith(b'<div id="board"') and b"<html" not in response.content


def _fill_day(site, count: int):
    """`count` one-hour sessions today spread over the site's chairs, each its own patient and course."""
    chairs, nurses = site.chairs, site.nurses
    for i in range(count):
        chair = chairs[i % len(chairs)]
        start = dt.datetime(2027, 3, 1, 8 + i // len(chairs), 0, tzinfo=site.clinic.tz)
        patient = PatientFactory(clinic=site.clinic)
        cycle = CycleFactory(patient=patient, protocol=site.protocol)
        SessionFactory(cycle=cycle, chair=chair, nurse=nurses[i % len(nurses)], starts_at=start,
                       status=[SessionStatus.BOOKED, SessionStatus.CONFIRMED, SessionStatus.COMPLETED][i % 3])


#: Queries of one day board, whatever it holds: session, user, the second factor (accounts.two_factor: whether
#: one is owed, or the device that verified the session), the user's clinic zone (middleware), roles, clinic
#: ids, the clinics, then the board's seven (opening hours, closures, chairs, sessions with their
#: patient and course, nurses, shifts, time off), the day's pump visits (issue 16), and one INSERT of the audit trail's access entries for
#: the sessions (and pump visits) shown.
DAY_BOARD_QUERIES = 16


@pytest.mark.parametrize("sessions", [10, 40])
def test_day_board_runs_a_fixed_number_of_queries(as_user, django_assert_num_queries, sessions):
    from tests.frontdesk.conftest import build_site

    site = build_site("Busy", chairs=6)
    _fill_day(site, sessions)
    client = as_user(site.users[FRONT_DESK])
    client.get("/")  # content types cached for the audit entries
    with django_assert_num_queries(DAY_BOARD_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count('class="slot ') == sessions


# --- The session panel ---------------------------------------------------------------------------------


class TestSessionPanel:
    def test_the_panel_shows_details_and_history(self, as_user, home):
        session = home.book(TODAY_COURSE).sessions[0]
        response = as_user(home.users[FRONT_DESK]).get(reverse("frontdesk:session", args=[session.pk]), **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert "session 1 of 3" in html and "Booked" in html and "home chair" in html.lower()
        assert "History" in html and "Booked" in html
        assert "Check in" in html and "Confirm" in html  # today, booked
        assert "Start (in chair)" not in html

    def test_as_a_page_of_its_own(self, as_user, home):
        session = home.book(TODAY_COURSE).sessions[1]
        response = as_user(home.users[CLINICIAN]).get(reverse("frontdesk:session", args=[session.pk]))
        assert response.status_code == 200 and b"<html" in response.content
        assert b"Check-in opens on the day of the session" in response.content
        assert b"Cancel session" not in response.content  # clinicians do not cancel

    def test_another_clinics_session_is_not_found(self, as_user, home, away):
        session = away.book(TODAY_COURSE).sessions[0]
        client = as_user(home.users[ADMIN])
        assert client.get(reverse("frontdesk:session", args=[session.pk])).status_code == 404
        url = reverse("frontdesk:session-action", args=[session.pk, "confirm"])
        assert client.post(url, **HTMX).status_code == 404
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.BOOKED

    def test_no_role_no_panel(self, as_user, home):
        session = home.book(TODAY_COURSE).sessions[0]
        assert as_user(home.users[None]).get(reverse("frontdesk:session", args=[session.pk])).status_code == 403

    def test_confirm_then_check_in_then_start_and_complete(self, as_user, home):
        session = home.book(TODAY_COURSE).sessions[0]
        desk, clinician = as_user(home.users[FRONT_DESK]), as_user(home.users[CLINICIAN])
        confirm = desk.post(reverse("frontdesk:session-action", args=[session.pk, "confirm"]), **HTMX)
        assert confirm.status_code == 200 and b"Session confirmed." in confirm.content
        assert confirm["HX-Trigger"] == "board-changed"
        assert desk.post(reverse("frontdesk:session-action", args=[session.pk, "check-in"]), **HTMX).status_code == 200
        # The desk may not start an infusion.
        assert desk.post(reverse("frontdesk:session-action", args=[session.pk, "start"]), **HTMX).status_code == 403
        # Not before the safety checks pass.
        refused = clinician.post(reverse("frontdesk:session-action", args=[session.pk, "start"]), **HTMX)
        assert b"safety checks must pass" in refused.content
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.CHECKED_IN
        checks_pass(session)
        started = clinician.post(reverse("frontdesk:session-action", args=[session.pk, "start"]), **HTMX)
        assert b"Patient is in the chair." in started.content
        assert b"Complete early" in started.content  # seconds after the start: a reason is asked for
        recovery_pass(session)
        early = clinician.post(reverse("frontdesk:session-action", args=[session.pk, "complete"]), **HTMX)
        assert b"say why it is completed before" in early.content
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.IN_CHAIR
        done = clinician.post(reverse("frontdesk:session-action", args=[session.pk, "complete"]),
                              {"reason": "Felt unwell"}, **HTMX)
        assert b"Session completed." in done.content
        assert InfusionSession.objects.get(pk=session.pk).early_completion_reason == "Felt unwell"
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.COMPLETED
        assert TreatmentCycle.objects.get(pk=session.cycle_id).status == CycleStatus.ACTIVE

    def test_a_refused_transition_is_a_message_in_the_panel(self, as_user, home):
        session = home.book(TODAY_COURSE).sessions[1]  # Wednesday: not today
        response = as_user(home.users[FRONT_DESK]).post(reverse("frontdesk:session-action", args=[session.pk, "check-in"]), **HTMX)
        assert response.status_code == 200
        assert b"only on the day of the session" in response.content
        assert "HX-Trigger" not in response
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.BOOKED

    def test_without_htmx_an_action_redirects_back_with_a_message(self, as_user, home):
        session = home.book(TODAY_COURSE).sessions[0]
        client = as_user(home.users[FRONT_DESK])
        response = client.post(reverse("frontdesk:session-action", args=[session.pk, "confirm"]), follow=True)
        assert response.status_code == 200 and b"Session confirmed." in response.content

    def test_cancel_needs_a_reason(self, as_user, home):
        session = home.book(TODAY_COURSE).sessions[2]
        client = as_user(home.users[FRONT_DESK])
        url = reverse("frontdesk:session-cancel", args=[session.pk])
        bad = client.post(url, {"by": "patient", "reason": "  "}, **HTMX)
        assert bad.status_code == 200 and b"This field is required." in bad.content
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.BOOKED
        asked = client.post(url, {"by": "patient", "reason": "Unwell"}, **HTMX)
        assert b"Yes, cancel it" in asked.content  # the confirmation step first
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.BOOKED
        good = client.post(url, {"by": "patient", "reason": "Unwell", "confirm": "on"}, **HTMX)
        assert b"Session cancelled." in good.content
        assert InfusionSession.objects.get(pk=session.pk).status == SessionStatus.CANCELLED

    def test_move_to_a_planner_option_or_a_typed_time(self, as_user, home):
        session = home.book(LATER_COURSE).sessions[1]  # Thursday 09:00
        client = as_user(home.users[FRONT_DESK])
        options = client.get(reverse("frontdesk:session-options", args=[session.pk]), **HTMX)
        assert options.status_code == 200 and b"Move to" in options.content
        url = reverse("frontdesk:session-move", args=[session.pk])
        bad = client.post(url, {"starts_at": "Thursday", "scope": "this"}, **HTMX)
        assert bad.status_code == 200 and b"Enter a date and time" in bad.content
        refused = client.post(url, {"starts_at": "2027-03-04T20:00", "scope": "this"}, **HTMX)
        assert refused.status_code == 200 and b"opening hours" in refused.content.lower()
        moved = client.post(url, {"starts_at": "2027-03-04T13:00", "scope": "this"}, **HTMX)
        assert b"Moved to Thu 04 Mar 2027 13:00" in moved.content
        assert InfusionSession.objects.get(pk=session.pk).starts_at == dt.datetime(2027, 3, 4, 13, tzinfo=home.clinic.tz)


# --- Patients -------------------------------------------------------------------------------------------


class TestPatients:
    def test_search_as_you_type(self, as_user, home, away):
        client = as_user(home.users[CLINICIAN])
        for term in ("jane", "roe jane", "5550199", "1985-05-17", "jane@example"):
            response = client.get("/patients/", {"q": term}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="patient-results")
            assert response.status_code == 200, term
            assert b"Roe, Jane" in response.content, term
            assert b"<html" not in response.content
            assert response.content.count(b"Roe, Jane") == 1, term  # never the other clinic's Jane Roe

    def test_the_search_page(self, as_user, home):
        response = as_user(home.users[FRONT_DESK]).get("/patients/", {"q": "nobody"})
        assert response.status_code == 200 and "No patient matches “nobody”" in response.content.decode()

    def test_no_role_no_search(self, as_user, home):
        assert as_user(home.users[None]).get("/patients/").status_code == 403

    def test_register_a_patient_with_email_consent(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        assert client.get("/patients/new/").status_code == 200
        response = client.post("/patients/new/", {
            "clinic": home.clinic.pk, "first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-02-03",
            "email": "ann@example.org", "phone": "+1 (555) 010-2000", "timezone": "Europe/Lisbon",
            "email_consent": "on", "email_consent_source": "phone call",
        })
        patient = Patient.objects.get(first_name="Ann")
        assert response.status_code == 302 and response["Location"] == f"/patients/{patient.pk}/"
        assert patient.email_consent and patient.email_consent_at == NOW and patient.email_consent_source == "phone call"
        assert patient.timezone == "Europe/Lisbon"

    @pytest.mark.parametrize(("field", "value", "message"), [
        ("email", "not-an-email", "Enter a valid email address."),
        ("phone", "call me", "Enter a phone number"),
        ("timezone", "Mars/Olympus", "is not an IANA time zone name"),
        ("date_of_birth", "2030-01-01", "cannot be in the future"),
        ("email", "", "Consent to email needs an email address."),
    ])
    def test_bad_input_is_a_form_error_and_nothing_is_saved(self, as_user, home, field, value, message):
        data = {
            "clinic": home.clinic.pk, "first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-02-03",
            "email": "ann@example.org", "phone": "", "timezone": "America/New_York", "email_consent": "on",
        }
        data[field] = value
        response = as_user(home.users[FRONT_DESK]).post("/patients/new/", data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert b"The patient was not registered" in response.content
        assert not Patient.objects.filter(first_name="Ann").exists()

    @pytest.mark.parametrize(("changes", "errors"), [
        ({"date_of_birth": "1850-01-01"}, {"date_of_birth": ["A date of birth before 1900 is surely a typing error."]}),
        ({"phone": "12"}, {"phone": ["Enter a phone number: digits, optionally with +, spaces, dashes, dots, slashes, "
                                     "brackets and an extension (x123)."]}),
        ({"email": ""}, {"email": ["Consent to email needs an email address."]}),
    ])
    def test_a_rule_the_service_refuses_shows_on_its_field(self, as_user, home, changes, errors):
        data = {
            "clinic": home.clinic.pk, "first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-02-03",
            "email": "ann@example.org", "phone": "", "timezone": "America/New_York", "email_consent": "on",
        }
        response = as_user(home.users[FRONT_DESK]).post("/patients/new/", {**data, **changes})
        assert response.status_code == 200
        assert response.context["form"].errors == errors
        assert not Patient.objects.filter(first_name="Ann").exists()

    def test_registering_is_in_the_audit_trail_with_the_desk_as_actor(self, as_user, home):
        desk = home.users[FRONT_DESK]
        as_user(desk).post("/patients/new/", {
            "clinic": home.clinic.pk, "first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-02-03",
            "timezone": "America/New_York",
        })
        patient = Patient.objects.get(first_name="Ann")
        (entry,) = LogEntry.objects.filter(content_type__model="patient", object_id=patient.pk)
        assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, desk)
        assert entry.additional_data == {"patient": patient.pk, "clinic": home.clinic.pk}
        assert patient.email_consent_source == "" and patient.email_consent_at is None

    def test_no_patient_in_another_clinic_and_no_registering_for_clinicians(self, as_user, home, away):
        response = as_user(home.users[FRONT_DESK]).post("/patients/new/", {
            "clinic": away.clinic.pk, "first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-02-03",
            "timezone": "America/New_York",
        })
        assert response.status_code == 200 and b"Select a valid choice" in response.content
        assert as_user(home.users[CLINICIAN]).get("/patients/new/").status_code == 403

    def test_the_patient_page_shows_courses_sessions_and_progress(self, as_user, home):
        booked = home.book(TODAY_COURSE)
        services.session_check_in(session=booked.sessions[0])
        checks_pass(booked.sessions[0])
        services.session_start(session=booked.sessions[0])
        recovery_pass(booked.sessions[0])
        services.session_complete(session=booked.sessions[0], reason="The clinician ended it early")
        response = as_user(home.users[CLINICIAN]).get(f"/patients/{home.patient.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Short course" in html and "session 2 of 3" in html and "1 of 3 done" in html
        assert "Completed" in html and "Mon 1 Mar 2027, 14:00" in html
        assert "Yes, since" in html and "intake form" in html

    def test_another_clinics_patient_is_not_found(self, as_user, home, away):
        assert as_user(home.users[ADMIN]).get(f"/patients/{away.patient.pk}/").status_code == 404

    def test_the_patient_page_runs_a_fixed_number_of_queries(self, as_user, home, django_assert_num_queries):
        client = as_user(home.users[FRONT_DESK])
        home.book(TODAY_COURSE)
        client.get(f"/patients/{home.patient.pk}/")  # content types cached for the audit entry
        with django_assert_num_queries(PATIENT_PAGE_QUERIES):
            client.get(f"/patients/{home.patient.pk}/")
        home.book(LATER_COURSE[:1] + [dt.datetime(2027, 3, 10, 9), dt.datetime(2027, 3, 12, 9)])
        with django_assert_num_queries(PATIENT_PAGE_QUERIES):
            client.get(f"/patients/{home.patient.pk}/")


#: session, user, second factor, clinic zone, roles, clinics, the patient, the audit entry, courses, their sessions.
PATIENT_PAGE_QUERIES = 10


# --- Booking a course --------------------------------------------------------------------------------------


def propose(client, site, patient=None, **extra):
    params = {"clinic": site.clinic.pk, "protocol": site.protocol.pk, "earliest_date": "2027-03-02", **extra}
    return client.get(f"/patients/{(patient or site.patient).pk}/book/", params)


def series_from(response) -> list[tuple[str, str, str]]:
    """The (start, chair, nurse) of each session of the proposal in a booking page: the start as
    "YYYY-MM-DDTHH:MM", from the row's date field and the time selected in its time list."""
    import re

    html = response.content.decode()
    days = re.findall(r'name="day" value="([^"]*)"', html)
    times = []
    for options in re.findall(r'<select[^>]*name="time"[^>]*>(.*?)</select>', html, flags=re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', options)
        times.append(selected.group(1) if selected else "")
    chairs = re.findall(r'name="chair" value="([^"]*)"', html)
    nurses = re.findall(r'name="nurse" value="([^"]*)"', html)
    starts = [f"{day}T{time}" for day, time in zip(days, times, strict=True)]
    return list(zip(starts, chairs, nurses, strict=True))


def confirm_data(site, rows, **extra):
    """The booking form as the page posts it: each start as its date (day) and its time (time)."""
    return {
        "clinic": site.clinic.pk, "protocol": site.protocol.pk, "earliest_date": "2027-03-02",
        "day": [r[0].partition("T")[0] for r in rows], "time": [r[0].partition("T")[2] for r in rows],
        "chair": [r[1] for r in rows], "nurse": [r[2] for r in rows], **extra,
    }


class TestBooking:
    def test_the_form_then_a_proposal_with_alternatives(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        blank = client.get(f"/patients/{home.patient.pk}/book/")
        assert blank.status_code == 200 and b"Propose dates" in blank.content and b"book-button" not in blank.content
        response = propose(client, home)
        assert response.status_code == 200
        rows = series_from(response)
        assert [r[0] for r in rows] == ["2027-03-02T08:00", "2027-03-03T08:00", "2027-03-04T08:00"]
        assert b"Every session fits." in response.content and b"Alternative 1" in response.content

    def test_the_patients_wishes_shape_the_proposal(self, as_user, home):
        response = propose(as_user(home.users[FRONT_DESK]), home, weekdays=["0", "2", "4"], time_from="13:00")
        assert [r[0] for r in series_from(response)] == ["2027-03-03T13:00", "2027-03-05T13:00", "2027-03-08T13:00"]

    def test_bad_wishes_are_form_errors(self, as_user, home):
        response = propose(as_user(home.users[FRONT_DESK]), home, earliest_date="someday", time_from="14:00", time_to="10:00")
        assert response.status_code == 200
        assert b"Enter a valid date." in response.content and b"Must be after the start time." in response.content

    def test_a_changed_time_is_checked_at_once(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        rows = series_from(propose(client, home))
        rows[1] = ("2027-03-02T20:00", "", "")  # evening: the clinic is shut; and too close to session 1
        response = client.get(f"/patients/{home.patient.pk}/book/check/", confirm_data(home, rows), **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert "opening hours" in html.lower() and "Some sessions do not fit" in html
        rows[1] = ("2027-03-05T10:00", "", "")
        fine = client.get(f"/patients/{home.patient.pk}/book/check/", confirm_data(home, rows), **HTMX)
        assert b"Every session fits." in fine.content

    def test_book_all_at_once_and_see_what_the_patient_receives(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        rows = series_from(propose(client, home))
        response = client.post(f"/patients/{home.patient.pk}/book/confirm/", confirm_data(home, rows))
        cycle = TreatmentCycle.objects.get(patient=home.patient)
        assert response.status_code == 302 and response["Location"] == f"/courses/{cycle.pk}/booked/"
        assert cycle.sessions.count() == 3
        page = client.get(response["Location"])
        html = page.content.decode()
        assert "jane@example.org" in html and "calendar file (.ics)" in html and "72 h and 24 h" in html

    def test_without_consent_no_email_is_promised(self, as_user, home):
        patient = PatientFactory(clinic=home.clinic, email_consent=False)
        client = as_user(home.users[FRONT_DESK])
        rows = series_from(propose(client, home, patient=patient))
        response = client.post(f"/patients/{patient.pk}/book/confirm/", confirm_data(home, rows), follow=True)
        assert b"No emails: the patient has not agreed" in response.content

    def test_a_chair_taken_meanwhile_shows_the_conflict_and_a_fresh_proposal(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        rows = series_from(propose(client, home))
        rival = PatientFactory(clinic=home.clinic)
        first = dt.datetime.fromisoformat(rows[0][0])
        taken = home.chairs[0] if str(home.chairs[0].pk) == rows[0][1] else next(c for c in home.chairs if str(c.pk) == rows[0][1])
        home.book([SessionRequest(first, chair=taken), dt.datetime(2027, 3, 9, 9), dt.datetime(2027, 3, 11, 9)], patient=rival)
        response = client.post(f"/patients/{home.patient.pk}/book/confirm/", confirm_data(home, rows))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nothing was booked" in html and "fresh proposal" in html
        fresh = series_from(response)
        assert len(fresh) == 3 and fresh != rows
        assert not TreatmentCycle.objects.filter(patient=home.patient).exists()

    def test_a_rule_broken_at_booking_keeps_the_edited_series(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        rows = series_from(propose(client, home))
        rows[2] = ("2027-03-02T10:00", "", "")  # too close to session 1
        response = client.post(f"/patients/{home.patient.pk}/book/confirm/", confirm_data(home, rows))
        assert response.status_code == 200 and b"Nothing was booked" in response.content
        assert [r[0] for r in series_from(response)][2] == "2027-03-02T10:00"
        assert not TreatmentCycle.objects.exists()

    def test_roles_and_clinics(self, as_user, home, away):
        assert propose(as_user(home.users[CLINICIAN]), home).status_code == 403
        assert as_user(home.users[FRONT_DESK]).get(f"/patients/{away.patient.pk}/book/").status_code == 404
        cycle = away.book(LATER_COURSE).cycle
        assert as_user(home.users[FRONT_DESK]).get(f"/courses/{cycle.pk}/booked/").status_code == 404


# --- Worklists and the outbox ---------------------------------------------------------------------------------


class TestWorklists:
    def test_flagged_courses_and_boosters_due(self, as_user, home, away, frozen):
        flagged = CycleFactory(patient=home.patient, protocol=home.protocol, needs_review=True, review_reason="after_session")
        old = PatientFactory(clinic=home.clinic, first_name="Olga", last_name="Old")
        done = CycleFactory(patient=old, protocol=home.protocol, status=CycleStatus.COMPLETED)
        SessionFactory(cycle=done, chair=home.chairs[0], nurse=home.nurses[0], status=SessionStatus.COMPLETED,
                       starts_at=NOW - dt.timedelta(days=40))
        recent = PatientFactory(clinic=home.clinic, first_name="Rita", last_name="Recent")
        SessionFactory(cycle=CycleFactory(patient=recent, protocol=home.protocol, status=CycleStatus.COMPLETED),
                       chair=home.chairs[1], nurse=home.nurses[0], status=SessionStatus.COMPLETED,
                       starts_at=NOW - dt.timedelta(days=10))
        CycleFactory(patient=away.patient, protocol=away.protocol, needs_review=True)
        response = as_user(home.users[CLINICIAN]).get("/worklists/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Roe, Jane" in html and "Review after session 3" in html
        assert "Old, Olga" in html and "Recent, Rita" not in html
        assert "No patient has asked to reschedule." in html and "No email has failed." in html
        assert html.count("Roe, Jane") == 1  # the other clinic's flagged course is not listed
        assert flagged.pk

    def test_a_later_course_means_no_booster_is_due(self, as_user, home, frozen):
        frozen.move_to(NOW - dt.timedelta(days=60))
        done = CycleFactory(patient=home.patient, protocol=home.protocol, status=CycleStatus.COMPLETED)
        frozen.move_to(NOW)
        SessionFactory(cycle=done, chair=home.chairs[0], nurse=home.nurses[0], status=SessionStatus.COMPLETED,
                       starts_at=NOW - dt.timedelta(days=40))
        home.book(LATER_COURSE)
        response = as_user(home.users[FRONT_DESK]).get("/worklists/")
        assert b"No booster is due." in response.content

    def test_no_role_no_worklists(self, as_user, home):
        assert as_user(home.users[None]).get("/worklists/").status_code == 403


class TestOutbox:
    def test_lists_and_shows_the_emails_written_to_files(self, as_user, home, settings, tmp_path):
        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        settings.EMAIL_FILE_PATH = str(tmp_path)
        message = django_mail.EmailMessage("Your sessions at Home clinic", "Hello Jane,\nsee you Monday.",
                                           "clinic@localhost", ["jane@example.org"])
        message.attach("sessions.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
        message.send()
        django_mail.send_mail("Second", "Body two", "clinic@localhost", ["bob@example.org"])
        # These name no patient email, so only a superuser sees them (clinic scoping: test_outbox_scoping.py).
        client = as_user(UserFactory(is_superuser=True))
        listing = client.get("/outbox/")
        html = listing.content.decode()
        assert listing.status_code == 200 and "Your sessions at Home clinic" in html and "bob@example.org" in html
        assert html.index("Second") < html.index("Your sessions")  # newest first
        name = next(p.name for p in tmp_path.iterdir() if "Your sessions" in p.read_text())
        shown = client.get(f"/outbox/{name}/0/")
        assert shown.status_code == 200
        assert b"see you Monday." in shown.content and b"sessions.ics" in shown.content
        assert client.get("/outbox/../../etc/passwd/0/").status_code == 404
        assert client.get(f"/outbox/{name}/5/").status_code == 404

    def test_with_smtp_there_is_nothing_to_list(self, as_user, home, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        response = as_user(home.users[FRONT_DESK]).get("/outbox/")
        assert response.status_code == 200 and b"none are kept here" in response.content

    def test_only_for_signed_in_staff(self, home):
        assert Client().get("/outbox/").status_code == 302
        stranger = UserFactory()
        client = Client()
        client.force_login(stranger)
        assert client.get("/outbox/").status_code == 403


# The session panel's and the worklists' query counts: tests/frontdesk/test_emails_and_requests.py.
