"""The patient link pages /p/<action>/<token>/: GET shows, POST acts once; bad links 400, stale ones 410."""

from __future__ import annotations

import datetime as dt
import logging
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import (
    CancelledBy,
    EmailStatus,
    InfusionSession,
    Patient,
    PatientEmail,
    SessionEvent,
    SessionStatus,
)
from common.treatment_words import treatment_words_in
from notifications import links
from notifications.link_pages import CANCEL_REASON
from scheduler.models import Clinic, Protocol
from tests.factories import DEPRESSION_DAYS, ClinicFactory, PatientFactory, book_course
from tests.helpers import client_for
from tests.helpers import staff_user as staff

NY = ZoneInfo("America/New_York")
T0 = dt.datetime(2027, 2, 25, 17, 0, tzinfo=dt.UTC)  # Thursday 25 February 2027, 12:00 in New York
ACTIONS = (links.CONFIRM, links.RESCHEDULE, links.CANCEL, links.UNSUBSCRIBE)
SESSION_ACTIONS = (links.CONFIRM, links.RESCHEDULE, links.CANCEL)
BUTTONS = {
    links.CONFIRM: "Confirm my appointment",
    links.RESCHEDULE: "Ask to reschedule",
    links.CANCEL: "Cancel my appointment",
    links.UNSUBSCRIBE: "Stop emails",
}


pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def clinic(db):
    """A clinic named for what it treats, as many are; its pages name it by its email name only."""
    return ClinicFactory(start_stagger_minutes=0, name="Riverside Ketamine Infusion Center", email_name="Riverside Clinic")


@pytest.fixture
def patient(clinic):
    """A patient living an hour behind the clinic, who consented to email."""
    return PatientFactory(
        clinic=clinic, first_name="Rosalind", email="rosalind@example.org", timezone="America/Chicago",
        email_consent=True, email_consent_at=timezone.now(), email_consent_source="intake form",
    )


@pytest.fixture
def cycle(clinic, chairs, nurse, patient):
    """Mon, Wed, Fri, Mon, Wed, Fri from 1 March 2027, at 09:00 New York."""
    return book_course(patient=patient, clinic=clinic, days=DEPRESSION_DAYS, hour=9).cycle


@pytest.fixture
def second(cycle) -> InfusionSession:
    """Session 2 of 6: Wednesday 3 March, 09:00 in New York, 08:00 in Chicago."""
    return cycle.sessions.get(sequence=2)


def token(session: InfusionSession, action: str, *, version: int | None = None, expires_at=None) -> str:
    """A token as the emails issue it: bound to the session's version now, good until the session starts."""
    session.refresh_from_db()
    return links.link_token(
        action=action, session_id=session.pk, version=session.version if version is None else version,
        expires_at=expires_at or session.starts_at,
    )


def url(session: InfusionSession, action: str, **kwargs) -> str:
    return reverse("patient-link", kwargs={"action": action, "token": token(session, action, **kwargs)})


def snapshot(session: InfusionSession) -> dict:
    """Everything a link could change."""
    return {
        "session": InfusionSession.objects.filter(pk=session.pk).values().get(),
        "patient": Patient.objects.filter(pk=session.patient_id).values().get(),
        "events": list(SessionEvent.objects.filter(session__cycle=session.cycle_id).values_list("pk", flat=True)),
        "reminders": list(PatientEmail.objects.filter(patient=session.patient_id).values_list("pk", "status")),
    }


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def assert_private(response) -> None:
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    body = text(response)
    # The deny-list, and every word of the stored protocols (this course's is "Depression induction (IV)").
    protocols = Protocol.objects.values_list("name", "slug", "indication")
    assert treatment_words_in(body, extra={w for row in protocols for w in re.findall(r"[A-Za-z]{2,}", " ".join(row))}) == []
    assert "Ketamine" not in body and "rosalind" not in body.lower() and "@example.org" not in body


# --- GET shows, changes nothing -----------------------------------------------------------------


class TestGet:
    @pytest.mark.parametrize("action", ACTIONS)
    def test_changes_nothing(self, second, action):
        before = snapshot(second)
        for _ in range(2):  # a mail scanner, then the patient
            response = Client().get(url(second, action))
            assert response.status_code == 200
        assert snapshot(second) == before
        assert_private(response)

    @pytest.mark.parametrize("action", ACTIONS)
    def test_one_button_posting_to_itself_with_csrf(self, second, action):
        response = Client().get(url(second, action))
        body = text(response)
        assert body.count("<form") == 1 and 'method="post"' in body and "csrfmiddlewaretoken" in body
        assert body.count("<button") == 1 and BUTTONS[action] in body
        assert 'name="note"' in body if action == links.RESCHEDULE else 'name="note"' not in body

    @pytest.mark.parametrize("action", SESSION_ACTIONS)
    def test_shows_the_clinic_and_the_time_in_the_patients_zone(self, clinic, second, action):
        body = text(Client().get(url(second, action)))
        assert clinic.email_name in body and clinic.name not in body
        assert "Wednesday 3 March 2027" in body and "08:00" in body
        assert "America/Chicago" in body and "CST" in body
        assert "Appointment 2 of 6" in body

    @pytest.mark.parametrize("action", SESSION_ACTIONS)
    def test_a_12_hour_clinic_shows_the_time_in_its_format(self, clinic, second, action):
        Clinic.objects.filter(pk=clinic.pk).update(clock_format="12h")
        body = text(Client().get(url(second, action)))
        assert ">8:00 AM</time>" in body and ">08:00<" not in body  # the datetime attribute stays ISO

    def test_cancel_far_ahead_is_not_late(self, second):
        assert "late cancellation" not in text(Client().get(url(second, links.CANCEL)))

    def test_cancel_inside_the_window_says_it_will_be_late(self, second, frozen):
        frozen.move_to(dt.datetime(2027, 3, 2, 12, 0, tzinfo=NY))  # 21 h before
        body = text(Client().get(url(second, links.CANCEL)))
        assert "recorded as a late cancellation" in body and "24 hours" in body


# --- POST acts once -----------------------------------------------------------------------------


class TestPost:
    def test_confirm(self, second):
        link = url(second, links.CONFIRM)
        response = Client().post(link)
        assert response.status_code == 200 and "Appointment confirmed" in text(response)
        assert_private(response)
        second.refresh_from_db()
        assert second.status == SessionStatus.CONFIRMED and second.confirmed_by is None
        version = second.version

        again = Client().post(link)
        assert again.status_code == 200 and "Already confirmed" in text(again)
        second.refresh_from_db()
        assert (second.status, second.version) == (SessionStatus.CONFIRMED, version)
        assert SessionEvent.objects.filter(session=second, kind="confirm").count() == 1

    def test_cancel_well_ahead(self, second):
        link = url(second, links.CANCEL)
        response = Client().post(link)
        assert response.status_code == 200 and "Appointment cancelled" in text(response)
        assert "late cancellation" not in text(response)
        second.refresh_from_db()
        assert second.status == SessionStatus.CANCELLED
        assert (second.cancelled_by_party, second.cancel_reason, second.cancelled_by) == (
            CancelledBy.PATIENT, CANCEL_REASON, None
        )
        assert not PatientEmail.objects.filter(session=second, status=EmailStatus.PENDING, kind__startswith="reminder_")

        again = Client().post(link)
        assert again.status_code == 200 and "Already cancelled" in text(again)
        assert SessionEvent.objects.filter(session=second, kind="cancel").count() == 1

    def test_cancel_inside_the_window_is_late(self, second, frozen):
        frozen.move_to(dt.datetime(2027, 3, 2, 12, 0, tzinfo=NY))
        response = Client().post(url(second, links.CANCEL))
        assert response.status_code == 200 and "recorded as a late cancellation" in text(response)
        second.refresh_from_db()
        assert (second.status, second.cancelled_by_party) == (SessionStatus.LATE_CANCELLED, CancelledBy.PATIENT)
        # Session 2 cancelled by the patient: the course is flagged (half of patients drop out early).
        second.cycle.refresh_from_db()
        assert second.cycle.needs_review

    def test_reschedule_request_shows_on_the_staff_side(self, clinic, second):
        link = url(second, links.RESCHEDULE)
        response = Client().post(link, {"note": "  Afternoons suit me better  "})
        assert response.status_code == 200 and "Request received" in text(response)
        second.refresh_from_db()
        assert second.reschedule_requested_at == T0 and second.status == SessionStatus.BOOKED
        event = SessionEvent.objects.get(session=second, kind="reschedule_requested")
        assert event.data == {"note": "Afternoons suit me better"}

        desk = client_for(staff("front_desk", clinic))
        asked = desk.get("/api/v1/sessions/", {"reschedule_requested": "true"}).json()["results"]
        assert [(s["id"], s["reschedule_requested_at"]) for s in asked] == [(second.pk, "2027-02-25T17:00:00Z")]
        others = desk.get("/api/v1/sessions/", {"reschedule_requested": "false"}).json()["results"]
        assert second.pk not in {s["id"] for s in others} and len(others) == 5

        again = Client().post(link, {"note": "again"})
        assert again.status_code == 200 and "Already requested" in text(again)
        assert SessionEvent.objects.filter(session=second, kind="reschedule_requested").count() == 1

    def test_a_long_note_is_cut(self, second):
        Client().post(url(second, links.RESCHEDULE), {"note": "x" * 5000})
        assert SessionEvent.objects.get(session=second, kind="reschedule_requested").data["note"] == "x" * 300

    def test_control_characters_are_left_out_of_the_note(self, second):
        """A NUL was a 500: PostgreSQL stores no NUL in text, nor in JSON."""
        response = Client().post(url(second, links.RESCHEDULE), {"note": "Mor\x00nings\x1b[31m\x7f\nplease"})
        assert response.status_code == 200
        note = SessionEvent.objects.get(session=second, kind="reschedule_requested").data["note"]
        assert note == "Mornings[31m\nplease"

    def test_unsubscribe(self, second, patient):
        pending = PatientEmail.objects.filter(patient=patient, status=EmailStatus.PENDING)
        assert pending.exists()
        link = url(second, links.UNSUBSCRIBE)
        response = Client().post(link)
        assert response.status_code == 200 and "Emails stopped" in text(response)
        patient.refresh_from_db()
        assert not patient.email_consent and patient.email_consent_withdrawn_at == T0
        assert not pending.exists()
        assert InfusionSession.objects.get(pk=second.pk).status == SessionStatus.BOOKED

        again = Client().post(link)
        assert again.status_code == 200 and "Already unsubscribed" in text(again)

    def test_confirm_then_cancel_from_the_same_email(self, second):
        confirm, cancel = url(second, links.CONFIRM), url(second, links.CANCEL)  # both bound to version 1
        assert Client().post(confirm).status_code == 200
        assert Client().get(cancel).status_code == 200
        assert Client().post(cancel).status_code == 200
        second.refresh_from_db()
        assert second.status == SessionStatus.CANCELLED
        # The confirm link now points at a session the patient cancelled: it is over.
        assert Client().get(confirm).status_code == 410

    def test_reschedule_request_then_confirm_from_the_same_email(self, second):
        reschedule, confirm = url(second, links.RESCHEDULE), url(second, links.CONFIRM)
        assert Client().post(reschedule).status_code == 200
        assert Client().post(confirm).status_code == 200
        assert InfusionSession.objects.get(pk=second.pk).status == SessionStatus.CONFIRMED

    def test_csrf_is_required(self, second):
        client = Client(enforce_csrf_checks=True)
        link = url(second, links.CONFIRM)
        assert client.post(link).status_code == 403
        page = text(client.get(link))
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        assert client.post(link, {"csrfmiddlewaretoken": csrf}).status_code == 200
        assert InfusionSession.objects.get(pk=second.pk).status == SessionStatus.CONFIRMED

    @pytest.mark.parametrize("secure", [False, True])
    def test_a_browser_posting_the_form_from_the_page(self, second, secure, settings):
        """A browser posts with the page's own Origin (same-origin referrer policy); another site's post fails."""
        settings.ALLOWED_HOSTS = ["clinic.example"]
        origin = ("https" if secure else "http") + "://clinic.example"
        client = Client(enforce_csrf_checks=True, HTTP_HOST="clinic.example")
        link = url(second, links.CONFIRM)
        page = text(client.get(link, secure=secure))
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        for other in ("https://evil.example", "null"):
            refused = client.post(link, {"csrfmiddlewaretoken": csrf}, secure=secure, HTTP_ORIGIN=other)
            assert refused.status_code == 403, other
        assert InfusionSession.objects.get(pk=second.pk).status == SessionStatus.BOOKED
        assert client.post(link, {}, secure=secure, HTTP_ORIGIN=origin).status_code == 403  # no token
        response = client.post(link, {"csrfmiddlewaretoken": csrf}, secure=secure, HTTP_ORIGIN=origin)
        assert response.status_code == 200
        assert InfusionSession.objects.get(pk=second.pk).status == SessionStatus.CONFIRMED

    def test_other_methods_are_refused(self, second):
        assert Client().put(url(second, links.CONFIRM)).status_code == 405

    def test_logs_carry_ids_only(self, second, patient, caplog):
        used = []
        with caplog.at_level(logging.DEBUG):
            for action in ACTIONS:
                used.append(url(second, action))
                assert Client().get(used[-1]).status_code == 200
                assert Client().post(used[-1]).status_code == 200
            Client().get("/p/confirm/garbage/")
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert f"session {second.pk}" in logged
        for secret in (patient.first_name, patient.last_name, patient.email, *used):
            assert secret not in logged


# --- Bad, expired and superseded links ------------------------------------------------------------


def flipped(value: str, at: int) -> str:
    return value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1:]


class TestRefused:
    @pytest.mark.parametrize("where", ["payload", "signature"])
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_tampered(self, second, where, method):
        good = token(second, links.CANCEL)
        bad = flipped(good, 2 if where == "payload" else len(good) - 3)
        before = snapshot(second)
        response = getattr(Client(), method)(f"/p/cancel/{bad}/")
        assert response.status_code == 400
        assert_private(response)
        assert snapshot(second) == before

    def test_another_actions_token(self, second):
        cancel_token = token(second, links.CANCEL)
        before = snapshot(second)
        for action in (links.CONFIRM, links.UNSUBSCRIBE):
            assert Client().post(f"/p/{action}/{cancel_token}/").status_code == 400
        assert Client().post(f"/p/delete/{cancel_token}/").status_code == 400
        assert snapshot(second) == before

    def test_every_bad_link_gets_the_same_page(self, second):
        pages = {
            text(Client().get(path))
            for path in (f"/p/cancel/{flipped(token(second, links.CANCEL), 2)}/", "/p/confirm/garbage/",
                         f"/p/teleport/{token(second, links.CANCEL)}/", "/p/unsubscribe/a:b:c/")
        }
        assert len(pages) == 1 and "This link does not work" in pages.pop()

    @pytest.mark.parametrize("action", ACTIONS)
    def test_expired(self, second, frozen, action):
        link = url(second, action)
        frozen.move_to(second.starts_at + dt.timedelta(minutes=1))
        before = snapshot(second)
        for method in ("get", "post"):
            response = getattr(Client(), method)(link)
            assert response.status_code == 410 and "expired" in text(response)
            assert_private(response)
        assert snapshot(second) == before

    @pytest.mark.parametrize("action", SESSION_ACTIONS)
    def test_superseded_by_a_move(self, second, action):
        link = url(second, action)
        services.session_reschedule(session=second, starts_at=dt.datetime(2027, 3, 3, 14))
        before = snapshot(second)
        for method in ("get", "post"):
            response = getattr(Client(), method)(link)
            assert response.status_code == 410 and "moved" in text(response)
            assert_private(response)
        assert snapshot(second) == before
        # The new email's links work.
        assert Client().post(url(second, action)).status_code == 200

    def test_a_move_does_not_supersede_unsubscribing(self, second, patient):
        link = url(second, links.UNSUBSCRIBE)
        services.session_reschedule(session=second, starts_at=dt.datetime(2027, 3, 3, 14))
        assert Client().post(link).status_code == 200
        patient.refresh_from_db()
        assert not patient.email_consent

    @pytest.mark.parametrize("action", SESSION_ACTIONS)
    def test_cancelled_by_the_clinic(self, second, action):
        link = url(second, action)
        services.session_cancel(session=second, by_party=CancelledBy.CLINIC, reason="Nurse unwell")
        before = snapshot(second)
        for method in ("get", "post"):
            response = getattr(Client(), method)(link)
            assert response.status_code == 410 and "This appointment was cancelled" in text(response)
        assert snapshot(second) == before

    def test_a_whole_course_cancelled(self, second):
        link = url(second, links.CONFIRM)
        services.cycle_cancel(cycle=second.cycle, reason="Moved away")
        assert Client().post(link).status_code == 410

    def test_a_session_under_way(self, cycle, frozen):
        first = cycle.sessions.get(sequence=1)
        link = url(first, links.CANCEL, expires_at=first.starts_at + dt.timedelta(hours=4))
        frozen.move_to(first.starts_at - dt.timedelta(minutes=10))
        services.session_check_in(session=first)
        response = Client().post(link)
        assert response.status_code == 410 and "already begun" in text(response)
        assert InfusionSession.objects.get(pk=first.pk).status == SessionStatus.CHECKED_IN

    def test_a_link_past_the_start_does_not_cancel(self, cycle, frozen):
        """With links working past the start (a setting), a session that has begun is not cancelled by one."""
        first = cycle.sessions.get(sequence=1)
        link = url(first, links.CANCEL, expires_at=first.starts_at + dt.timedelta(hours=4))
        frozen.move_to(first.starts_at + dt.timedelta(minutes=5))
        assert Client().post(link).status_code == 410
        assert InfusionSession.objects.get(pk=first.pk).status == SessionStatus.BOOKED
