"""The make-up API: the free times for a make-up session of a short course, and adding one."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from bookings import services
from bookings.models import InfusionSession, SessionStatus
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, book_course
from tests.helpers import assert_error

T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)  # midnight starting Monday 1 March 2027 in New York
URL = "/api/v1/cycles/"

pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def short(clinic, chairs, nurse, patient):
    """A depression course (1–12 March) whose session 3 (5 March) the patient cancelled: (cycle, missed)."""
    cycle = book_course(patient=patient, clinic=clinic).cycle
    missed = services.session_cancel(session=cycle.sessions.get(sequence=3), by_party="patient", reason="Away")
    return cycle, missed


def made_ups():
    return InfusionSession.objects.filter(made_up_for__isnull=False).count()


class TestMakeUp:
    def test_adds_the_session(self, short, desk):
        cycle, missed = short
        assert desk.get(f"{URL}{cycle.pk}/").json()["sessions_short"] == 1
        answer = desk.post(f"{URL}{cycle.pk}/make-up/", {"starts_at": "2027-03-15T09:00", "replaces": missed.pk}, format="json")
        assert answer.status_code == 201, answer.content
        body = answer.json()
        assert (body["sequence"], body["made_up_for"], body["status"]) == (6, missed.pk, "booked")
        assert body["starts_local"] == "2027-03-15T09:00:00-04:00"
        course = desk.get(f"{URL}{cycle.pk}/").json()
        assert course["sessions_short"] == 0
        held = sorted((s["starts_local"][:10], s["sequence"]) for s in course["sessions"] if s["status"] == "booked")
        assert [k for _, k in held] == [1, 2, 3, 4, 5, 6]

    def test_a_course_not_short(self, short, desk):
        cycle, missed = short
        desk.post(f"{URL}{cycle.pk}/make-up/", {"starts_at": "2027-03-15T09:00", "replaces": missed.pk}, format="json")
        answer = desk.post(f"{URL}{cycle.pk}/make-up/", {"starts_at": "2027-03-17T09:00", "replaces": missed.pk}, format="json")
        assert_error(answer, 409, "course_not_short")
        assert made_ups() == 1

    def test_a_session_not_missed(self, short, desk):
        cycle, _ = short
        booked = cycle.sessions.get(sequence=4)
        answer = desk.post(f"{URL}{cycle.pk}/make-up/", {"starts_at": "2027-03-15T09:00", "replaces": booked.pk}, format="json")
        assert_error(answer, 409, "not_missed")

    def test_spacing(self, short, desk):
        cycle, missed = short
        answer = desk.post(f"{URL}{cycle.pk}/make-up/", {"starts_at": "2027-03-12T15:00", "replaces": missed.pk}, format="json")
        assert_error(answer, 400, "spacing_too_close")
        assert made_ups() == 0

    @pytest.mark.parametrize("body, field", [
        ({"starts_at": "2027-03-15T09:00"}, "replaces"),
        ({"replaces": "1", "starts_at": "2027-03-15T09:00"}, "replaces"),
        ({"replaces": 1, "starts_at": 20270315}, "starts_at"),
        ({"replaces": 1, "starts_at": "2027-03-15T09:00", "chair": "x"}, "chair"),
    ])
    def test_strict_input(self, short, desk, body, field):
        cycle, missed = short
        body = {**body, "replaces": missed.pk} if body.get("replaces") == 1 else body
        assert_error(desk.post(f"{URL}{cycle.pk}/make-up/", body, format="json"), 400, "validation_error", field)
        assert made_ups() == 0

    def test_another_clinics_ids(self, short, desk):
        cycle, missed = short
        elsewhere = ClinicFactory(start_stagger_minutes=0)
        ChairFactory(clinic=elsewhere)
        NurseFactory(clinic=elsewhere)
        theirs = book_course(patient=PatientFactory(clinic=elsewhere), clinic=elsewhere).cycle
        their_missed = services.session_cancel(session=theirs.sessions.get(sequence=3), by_party="clinic", reason="x")
        body = {"starts_at": "2027-03-15T09:00", "replaces": their_missed.pk}
        assert_error(desk.post(f"{URL}{theirs.pk}/make-up/", body, format="json"), 404, "not_found")
        assert_error(desk.get(f"{URL}{theirs.pk}/make-up/options/"), 404, "not_found")
        assert_error(desk.post(f"{URL}{cycle.pk}/make-up/", body, format="json"), 400, "validation_error", "replaces")
        assert their_missed.cycle.sessions.filter(status=SessionStatus.BOOKED).count() == 5 and made_ups() == 0

    def test_roles(self, short, clinician):
        cycle, missed = short
        body = {"starts_at": "2027-03-15T09:00", "replaces": missed.pk}
        assert_error(clinician.post(f"{URL}{cycle.pk}/make-up/", body, format="json"), 403, "permission_denied")
        assert_error(clinician.get(f"{URL}{cycle.pk}/make-up/options/"), 403, "permission_denied")
        assert_error(APIClient().post(f"{URL}{cycle.pk}/make-up/", body, format="json"), 401, "not_authenticated")


class TestOptions:
    def test_every_option_is_accepted(self, short, desk):
        cycle, missed = short
        options = desk.get(f"{URL}{cycle.pk}/make-up/options/?count=3")
        assert options.status_code == 200, options.content
        found = options.json()
        assert len(found) == 3 and found[0]["starts_local"].startswith("2027-03-05")  # in the gap session 3 left
        answer = desk.post(f"{URL}{cycle.pk}/make-up/", {"starts_at": found[0]["starts_at"], "replaces": missed.pk,
                                                          "chair": found[0]["chair"]}, format="json")
        assert answer.status_code == 201 and answer.json()["sequence"] == found[0]["sequence"] == 3

    def test_a_course_not_short(self, clinic, chairs, nurse, patient, desk):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        assert_error(desk.get(f"{URL}{cycle.pk}/make-up/options/"), 409, "course_not_short")

    def test_bad_count(self, short, desk):
        cycle, _ = short
        assert_error(desk.get(f"{URL}{cycle.pk}/make-up/options/?count=0"), 400, "validation_error", "count")
