"""The cycles API: book a whole course at once, read it with its sessions and progress, cancel it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bookings import services
from bookings.models import CycleStatus, InfusionSession, SessionEvent, SessionStatus, TreatmentCycle
from tests.factories import (
    DEPRESSION_DAYS,
    ChairFactory,
    ClinicFactory,
    NurseFactory,
    PatientFactory,
    ProtocolFactory,
    book_course,
    shared_protocol,
)
from tests.helpers import assert_error, client_for
from tests.helpers import staff_user as staff
from tests.safety.helpers import checks_pass, recovery_pass

NY = ZoneInfo("America/New_York")
T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)  # midnight starting Monday 1 March 2027 in New York
URL = "/api/v1/cycles/"


pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def other(db):
    """Another clinic, with everything a booking needs."""
    clinic = ClinicFactory(start_stagger_minutes=0)
    return {
        "clinic": clinic, "chair": ChairFactory(clinic=clinic), "nurse": NurseFactory(clinic=clinic),
        "patient": PatientFactory(clinic=clinic), "protocol": ProtocolFactory(clinic=clinic, session_count=6),
    }


def depression(patient, clinic, days=DEPRESSION_DAYS, time="09:00", **session):
    return {
        "patient": patient.pk, "protocol": shared_protocol("depression-iv").pk, "clinic": clinic.pk,
        "sessions": [{"starts_at": f"2027-{m:02d}-{d:02d}T{time}", **session} for m, d in days],
    }


def counts():
    return TreatmentCycle.objects.count(), InfusionSession.objects.count(), SessionEvent.objects.count()


def parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- Booking ---------------------------------------------------------------------------------------


class TestBook:
    def test_books_every_session_at_once(self, clinic, chairs, nurse, patient, desk):
        response = desk.post(URL, depression(patient, clinic), format="json")
        assert response.status_code == 201, response.data
        data = response.data
        cycle = TreatmentCycle.objects.get(pk=data["id"])
        assert (data["patient"], data["clinic"], data["status"], data["session_count"]) == (patient.pk, clinic.pk, "planned", 6)
        assert data["protocol"] == shared_protocol("depression-iv").pk
        assert data["progress"] == {"completed": 0, "total": 6, "next_sequence": 1, "label": "session 1 of 6"}
        assert data["warnings"] == [] and data["needs_review"] is False and data["created_at"]
        assert [s["sequence"] for s in data["sessions"]] == [1, 2, 3, 4, 5, 6]
        assert {s["status"] for s in data["sessions"]} == {"booked"}
        assert [s["id"] for s in data["sessions"]] == list(cycle.sessions.order_by("sequence").values_list("pk", flat=True))
        first = data["sessions"][0]
        assert {"id", "sequence", "starts_at", "ends_at", "chair", "nurse", "status"} <= set(first)
        assert first["chair"] in {c.pk for c in chairs} and first["nurse"] == nurse.pk
        assert first["extra_monitoring"] is True and data["sessions"][3]["extra_monitoring"] is False
        assert cycle.created_by.groups.filter(name="front_desk").exists()

    def test_a_naive_start_is_clinic_time(self, clinic, chairs, nurse, patient, desk):
        response = desk.post(URL, depression(patient, clinic), format="json")
        first = response.data["sessions"][0]
        assert parse(first["starts_at"]) == dt.datetime(2027, 3, 1, 14, 0, tzinfo=dt.UTC)  # 09:00 EST is 14:00Z
        assert first["starts_local"] == "2027-03-01T09:00:00-05:00"
        assert parse(first["ends_at"]) - parse(first["starts_at"]) == dt.timedelta(minutes=150)  # first visit longer

    def test_an_instant_is_taken_as_given(self, clinic, chairs, nurse, patient, desk):
        data = depression(patient, clinic)
        data["sessions"][0]["starts_at"] = "2027-03-01T15:30:00Z"
        data["sessions"][1]["starts_at"] = "2027-03-03T10:00:00-05:00"
        response = desk.post(URL, data, format="json")
        assert response.status_code == 201, response.data
        starts = [parse(s["starts_at"]) for s in response.data["sessions"][:2]]
        assert starts == [dt.datetime(2027, 3, 1, 15, 30, tzinfo=dt.UTC), dt.datetime(2027, 3, 3, 15, 0, tzinfo=dt.UTC)]

    def test_chair_and_nurse_as_asked(self, clinic, chairs, nurse, patient, desk):
        second = NurseFactory(clinic=clinic)
        response = desk.post(URL, depression(patient, clinic, chair=chairs[2].pk, nurse=second.pk), format="json")
        assert response.status_code == 201
        assert {(s["chair"], s["nurse"]) for s in response.data["sessions"]} == {(chairs[2].pk, second.pk)}

    def test_a_long_course_is_booked_with_a_warning(self, clinic, chairs, nurse, patient, desk):
        days = [(3, 1), (3, 3), (3, 5), (3, 8), (3, 10), (3, 29)]
        response = desk.post(URL, depression(patient, clinic, days=days), format="json")
        assert response.status_code == 201
        assert response.data["warnings"] == [{
            "code": "window_warning",
            "message": "The course takes 29 days, longer than the 28 days advised.",
            "details": {"span_days": 29, "warn_window_days": 28},
        }]

    def test_a_conflict_at_session_5_stores_nothing(self, clinic, chairs, nurse, patient, desk):
        taken = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, days=[(3, 10)], protocol="booster-iv", chair=chairs[0]).cycle
        blocking = taken.sessions.get()
        before = counts()
        response = desk.post(URL, depression(patient, clinic, chair=chairs[0].pk), format="json")
        assert_error(response, 409, "chair_conflict")
        assert response.data["details"] == {"chair": chairs[0].pk, "session": blocking.pk, "sequence": 5}
        assert counts() == before

    def test_patient_already_booked_elsewhere(self, clinic, chairs, nurse, patient, desk):
        theirs = book_course(patient=patient, clinic=clinic, days=[(3, 1)], protocol="booster-iv").cycle.sessions.get()
        response = desk.post(URL, depression(patient, clinic), format="json")
        assert_error(response, 409, "patient_conflict")
        assert response.data["details"]["session"] == theirs.pk and response.data["details"]["sequence"] == 1

    def test_nurse_capacity(self, clinic, nurse, patient, desk):
        clinic.nurse_max_concurrent = 1
        clinic.save()
        chairs = [ChairFactory(clinic=clinic) for _ in range(2)]
        taken = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, days=[(3, 3)], protocol="booster-iv", chair=chairs[0]).cycle
        response = desk.post(URL, depression(patient, clinic, chair=chairs[1].pk, nurse=nurse.pk), format="json")
        assert_error(response, 409, "nurse_capacity")
        assert response.data["details"]["sessions"] == [taken.sessions.get().pk]

    @pytest.mark.parametrize(
        "days, time, code",
        [
            (DEPRESSION_DAYS, "07:00", "outside_hours"),
            ([(3, 1), (3, 2), (3, 5), (3, 8), (3, 10), (3, 12)], "09:00", "spacing_too_close"),
            (DEPRESSION_DAYS[:5], "09:00", "session_count_mismatch"),
            ([(2, 26), (3, 3), (3, 5), (3, 8), (3, 10), (3, 12)], "09:00", "in_past"),
        ],
    )
    def test_rule_violations_are_400_with_their_code(self, clinic, chairs, nurse, patient, desk, days, time, code):
        before = counts()
        assert_error(desk.post(URL, depression(patient, clinic, days=days, time=time), format="json"), 400, code)
        assert counts() == before

    def test_a_nonexistent_local_time_is_refused(self, db):
        clinic = ClinicFactory(hours={6: [("00:00", "12:00")]})  # open on Sunday 14 March, when clocks skip 02:00–03:00
        ChairFactory(clinic=clinic)
        NurseFactory(clinic=clinic)
        patient = PatientFactory(clinic=clinic)
        desk = client_for(staff("front_desk", clinic))
        data = {"patient": patient.pk, "protocol": shared_protocol("booster-iv").pk, "clinic": clinic.pk,
                "sessions": [{"starts_at": "2027-03-14T02:30"}]}
        response = desk.post(URL, data, format="json")
        assert_error(response, 400, "nonexistent_local_time")
        assert response.data["details"] == {"local_time": "2027-03-14T02:30:00", "timezone": "America/New_York"}
        data["sessions"] = [{"starts_at": "2027-03-14T07:30:00Z"}]  # the same hour as an instant exists
        assert desk.post(URL, data, format="json").status_code == 201

    @pytest.mark.parametrize(
        "change, field",
        [
            ({"patient": None}, "patient"),
            ({"patient": "abc"}, "patient"),
            ({"protocol": 10**30}, "protocol"),
            ({"sessions": []}, "sessions"),
            ({"sessions": "monday"}, "sessions"),
            ({"sessions": [{"starts_at": "tomorrow"}]}, "sessions"),
            ({"sessions": [{"starts_at": "2027-03-02"}]}, "sessions"),
            ({"sessions": [{"starts_at": 1700000000}]}, "sessions"),
            ({"sessions": [{"starts_at": "0001-01-01T00:00"}]}, "sessions"),
            ({"sessions": [{"starts_at": "9999-12-31T23:00-05:00"}]}, "sessions"),
            ({"sessions": [{"starts_at": "2027-03-02T09:00", "chair": "x"}]}, "sessions"),
        ],
    )
    def test_bad_input(self, clinic, chairs, nurse, patient, desk, change, field):
        response = desk.post(URL, {**depression(patient, clinic), **change}, format="json")
        assert_error(response, 400, "validation_error", field)

    def test_a_bad_start_names_the_session_and_field(self, clinic, chairs, nurse, patient, desk):
        data = depression(patient, clinic)
        data["sessions"][2]["starts_at"] = "next tuesday"
        response = desk.post(URL, data, format="json")
        assert_error(response, 400, "validation_error", "sessions")
        assert "starts_at" in response.data["details"]["sessions"][2]

    @pytest.mark.parametrize("name", ["patient", "protocol", "clinic"])
    def test_another_clinics_ids_in_the_body_are_refused(self, clinic, chairs, nurse, patient, desk, other, name):
        data = {**depression(patient, clinic), name: other[name].pk}
        before = counts()
        assert_error(desk.post(URL, data, format="json"), 400, "validation_error", name)
        assert counts() == before

    @pytest.mark.parametrize("name", ["chair", "nurse"])
    def test_another_clinics_chair_or_nurse_is_refused(self, clinic, chairs, nurse, patient, desk, other, name):
        data = depression(patient, clinic)
        data["sessions"][1][name] = other[name].pk
        response = desk.post(URL, data, format="json")
        assert_error(response, 400, "validation_error", "sessions")
        assert name in response.data["details"]["sessions"][1]

    def test_a_chair_of_another_of_the_users_clinics_is_the_services_refusal(self, clinic, chairs, nurse, patient):
        second = ClinicFactory()
        user = staff("front_desk", clinic, second)
        data = depression(patient, clinic, chair=ChairFactory(clinic=second).pk)
        assert_error(client_for(user).post(URL, data, format="json"), 400, "wrong_clinic", "chair")

    def test_a_protocol_of_the_clinic_is_accepted(self, clinic, chairs, nurse, patient, desk):
        own = ProtocolFactory(clinic=clinic, session_count=1)
        data = {"patient": patient.pk, "protocol": own.pk, "clinic": clinic.pk, "sessions": [{"starts_at": "2027-03-02T09:00"}]}
        assert desk.post(URL, data, format="json").status_code == 201

    def test_clinicians_may_not_book(self, clinic, chairs, nurse, patient, clinician):
        assert_error(clinician.post(URL, depression(patient, clinic), format="json"), 403, "permission_denied")
        assert TreatmentCycle.objects.count() == 0

    def test_unauthenticated(self, clinic, patient):
        assert_error(APIClient().post(URL, depression(patient, clinic), format="json"), 401, "not_authenticated")


# --- Reading ---------------------------------------------------------------------------------------


class TestRead:
    def test_retrieve_shows_progress(self, clinic, chairs, nurse, patient, desk, frozen):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        first = cycle.sessions.get(sequence=1)
        frozen.move_to(first.starts_at)
        services.session_check_in(session=first)
        checks_pass(first)
        services.session_start(session=first)
        frozen.move_to(first.ends_at)  # the protocol's chair time has passed
        recovery_pass(first)
        services.session_complete(session=first)
        response = desk.get(f"{URL}{cycle.pk}/")
        assert response.status_code == 200
        assert response.data["status"] == "active"
        assert response.data["progress"] == {"completed": 1, "total": 6, "next_sequence": 2, "label": "session 2 of 6"}
        assert response.data["warnings"] == []
        assert [s["status"] for s in response.data["sessions"]] == ["completed"] + ["booked"] * 5

    def test_clinicians_read_courses(self, clinic, chairs, nurse, patient, clinician):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        assert clinician.get(f"{URL}{cycle.pk}/").status_code == 200

    def test_another_clinics_course_is_not_found(self, desk, other):
        cycle = book_course(patient=other["patient"], clinic=other["clinic"], days=[(3, 2)], protocol="booster-iv").cycle
        assert_error(desk.get(f"{URL}{cycle.pk}/"), 404, "not_found")

    def test_retrieve_unauthenticated_and_without_role(self, clinic, chairs, nurse, patient):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        assert_error(APIClient().get(f"{URL}{cycle.pk}/"), 401, "not_authenticated")
        assert_error(client_for(staff(None, clinic)).get(f"{URL}{cycle.pk}/"), 403, "permission_denied")

    def test_list_and_filters(self, clinic, chairs, nurse, patient, desk, other):
        mine = book_course(patient=patient, clinic=clinic).cycle
        second = PatientFactory(clinic=clinic)
        cancelled = book_course(patient=second, clinic=clinic, days=[(3, 2)], protocol="booster-iv").cycle
        services.cycle_cancel(cycle=cancelled, reason="Changed mind")
        book_course(patient=other["patient"], clinic=other["clinic"], days=[(3, 2)], protocol="booster-iv")

        def ids(**params):
            response = desk.get(URL, params)
            assert response.status_code == 200, response.data
            return [c["id"] for c in response.data["results"]]

        assert ids() == [cancelled.pk, mine.pk]  # newest first; another clinic's never
        assert ids(patient=patient.pk) == [mine.pk]
        assert ids(status="planned") == [mine.pk]
        assert ids(status="planned,cancelled") == [cancelled.pk, mine.pk]
        assert ids(clinic=clinic.pk) == [cancelled.pk, mine.pk]
        assert ids(clinic=other["clinic"].pk) == []

    @pytest.mark.parametrize("params, field", [({"status": "done"}, "status"), ({"patient": "1.5"}, "patient")])
    def test_bad_filters(self, desk, params, field):
        assert_error(desk.get(URL, params), 400, "validation_error", field)

    def test_list_unauthenticated_and_without_role(self, clinic):
        assert_error(APIClient().get(URL), 401, "not_authenticated")
        assert_error(client_for(staff(None, clinic)).get(URL), 403, "permission_denied")

    def test_query_count_does_not_grow_with_the_page(self, crowded, django_assert_max_num_queries):
        user = crowded.user
        crowded.fill(5)
        with CaptureQueriesContext(connection) as few:
            assert len(client_for(user).get(URL).data["results"]) == 5
        crowded.fill(60)
        with django_assert_max_num_queries(len(few)) as many:
            response = client_for(user).get(URL, {"page_size": 50})
        assert len(response.data["results"]) == 50 and response.data["results"][0]["sessions"]
        assert len(many) == len(few)


# --- Cancelling ------------------------------------------------------------------------------------


class TestCancel:
    def test_cancel_a_planned_course(self, clinic, chairs, nurse, patient, desk):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        response = desk.post(f"{URL}{cycle.pk}/cancel/", {"reason": "Moved away", "by": "patient"}, format="json")
        assert response.status_code == 200, response.data
        assert response.data["status"] == "cancelled" and response.data["cancel_reason"] == "Moved away"
        assert response.data["progress"]["next_sequence"] is None
        # Session 1 starts within 24 h: a late cancellation.
        assert [s["status"] for s in response.data["sessions"]] == ["late_cancelled"] + ["cancelled"] * 5
        assert {s["cancelled_by_party"] for s in response.data["sessions"]} == {"patient"}
        cycle.refresh_from_db()
        assert cycle.status == CycleStatus.CANCELLED

    def test_the_clinic_cancels_by_default(self, clinic, chairs, nurse, patient, desk):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        response = desk.post(f"{URL}{cycle.pk}/cancel/", {"reason": "Protocol withdrawn"}, format="json")
        assert {s["cancelled_by_party"] for s in response.data["sessions"]} == {"clinic"}

    def test_twice_is_a_conflict(self, clinic, chairs, nurse, patient, desk):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        desk.post(f"{URL}{cycle.pk}/cancel/", {"reason": "x"}, format="json")
        response = desk.post(f"{URL}{cycle.pk}/cancel/", {"reason": "x"}, format="json")
        assert_error(response, 409, "invalid_transition")
        assert response.data["details"] == {"cycle": cycle.pk, "status": "cancelled", "action": "cancel"}

    def test_refused_while_a_session_runs(self, clinic, chairs, nurse, patient, desk, frozen):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        first = cycle.sessions.get(sequence=1)
        frozen.move_to(first.starts_at)
        services.session_check_in(session=first)
        response = desk.post(f"{URL}{cycle.pk}/cancel/", {"reason": "x"}, format="json")
        assert_error(response, 409, "session_in_progress")
        assert response.data["details"] == {"sessions": [first.pk]}

    @pytest.mark.parametrize(
        "data, field", [({}, "reason"), ({"reason": ""}, "reason"), ({"reason": "x", "by": "robot"}, "by"),
                        ({"reason": "x" * 301}, "reason")]
    )
    def test_bad_input(self, clinic, chairs, nurse, patient, desk, data, field):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        assert_error(desk.post(f"{URL}{cycle.pk}/cancel/", data, format="json"), 400, "validation_error", field)
        assert cycle.sessions.filter(status=SessionStatus.BOOKED).count() == 6

    def test_another_clinics_course_is_not_found(self, desk, other):
        cycle = book_course(patient=other["patient"], clinic=other["clinic"], days=[(3, 2)], protocol="booster-iv").cycle
        assert_error(desk.post(f"{URL}{cycle.pk}/cancel/", {"reason": "x"}, format="json"), 404, "not_found")
        cycle.refresh_from_db()
        assert cycle.status == CycleStatus.PLANNED

    def test_clinicians_may_not_cancel(self, clinic, chairs, nurse, patient, clinician):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        assert_error(clinician.post(f"{URL}{cycle.pk}/cancel/", {"reason": "x"}, format="json"), 403, "permission_denied")

    def test_unauthenticated(self, clinic, chairs, nurse, patient):
        cycle = book_course(patient=patient, clinic=clinic).cycle
        assert_error(APIClient().post(f"{URL}{cycle.pk}/cancel/", {"reason": "x"}, format="json"), 401, "not_authenticated")


def test_progress_label_once_nothing_is_left():
    from types import SimpleNamespace

    from bookings.api.serializers import CycleSerializer
    from bookings.models import SessionStatus

    done = [SimpleNamespace(sequence=k, status=SessionStatus.COMPLETED) for k in (1, 2)]
    cycle = SimpleNamespace(session_count=2, sessions=SimpleNamespace(all=lambda: done))
    assert CycleSerializer().get_progress(cycle) == {"completed": 2, "total": 2, "next_sequence": None, "label": "2 of 2 done"}
