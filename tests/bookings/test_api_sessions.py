"""The sessions API: the day's list, moving and cancelling sessions, and running them through their day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bookings import services
from bookings.models import CycleStatus, InfusionSession, SessionStatus
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, book_course
from tests.helpers import assert_error, client_for
from tests.helpers import staff_user as staff
from tests.safety.helpers import checks_pass, recovery_pass

NY = ZoneInfo("America/New_York")
T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)  # midnight starting Monday 1 March 2027 in New York
URL = "/api/v1/sessions/"


pytestmark = pytest.mark.frozen(T0)


def parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def cycle(clinic, chairs, nurse, patient):
    return book_course(patient=patient, clinic=clinic).cycle


@pytest.fixture
def first(cycle):
    return cycle.sessions.get(sequence=1)


@pytest.fixture
def theirs(db):
    """A session of another clinic."""
    clinic = ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1)
    return book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, days=[(3, 2)], protocol="booster-iv").cycle.sessions.get()


def url(session, verb: str = "") -> str:
    return f"{URL}{session.pk}/{verb + '/' if verb else ''}"


# --- List ------------------------------------------------------------------------------------------


class TestList:
    def test_lists_the_users_clinics_by_start(self, cycle, theirs, desk):
        response = desk.get(URL)
        assert response.status_code == 200
        assert [s["id"] for s in response.data["results"]] == list(
            cycle.sessions.order_by("starts_at").values_list("pk", flat=True)
        )
        session = response.data["results"][0]
        assert {
            "id", "cycle", "patient", "clinic", "chair", "nurse", "starts_at", "ends_at", "sequence", "session_count",
            "status", "version", "extra_monitoring", "confirmed_at", "checked_in_at", "chair_started_at",
            "completed_at", "cancelled_at", "cancelled_by_party", "cancel_reason", "no_show_at", "starts_local",
            "timezone",
        } <= set(session)
        assert (session["sequence"], session["session_count"], session["timezone"]) == (1, 6, "America/New_York")

    def test_filters(self, clinic, chairs, cycle, patient, nurse, desk):
        other_patient = PatientFactory(clinic=clinic)
        booster = book_course(patient=other_patient, clinic=clinic, days=[(3, 3)], hour=13, protocol="booster-iv", chair=chairs[3]).cycle.sessions.get()
        mine = list(cycle.sessions.order_by("sequence"))
        services.session_cancel(session=mine[5], by_party="clinic", reason="x")
        services.session_confirm(session=mine[1])

        def ids(**params):
            response = desk.get(URL, params)
            assert response.status_code == 200, response.data
            return [s["id"] for s in response.data["results"]]

        assert ids(patient=other_patient.pk) == [booster.pk]
        assert ids(chair=chairs[3].pk) == [booster.pk]
        assert ids(nurse=nurse.pk) == [mine[0].pk, mine[1].pk, booster.pk, *[s.pk for s in mine[2:]]]
        assert ids(cycle=cycle.pk, status="cancelled") == [mine[5].pk]
        assert ids(status="confirmed,cancelled") == [mine[1].pk, mine[5].pk]
        assert ids(date="2027-03-03") == [mine[1].pk, booster.pk]
        assert ids(clinic=clinic.pk, date="2027-03-04") == []
        # from/to: instants, clinic wall-clock times and dates (a date as `to` takes in its whole day).
        assert ids(**{"from": "2027-03-03T18:00:00Z", "to": "2027-03-05"}) == [booster.pk, mine[2].pk]
        assert ids(**{"from": "2027-03-03T13:00", "to": "2027-03-05T09:00"}) == [booster.pk]
        assert ids(**{"from": "2027-03-10"}) == [mine[4].pk, mine[5].pk]

    def test_date_is_the_clinics_local_day(self, db):
        # 09:00 on Tuesday 2 March in Auckland is 20:00 UTC on Monday 1 March.
        clinic = ClinicFactory(timezone="Pacific/Auckland", start_stagger_minutes=0)
        ChairFactory(clinic=clinic)
        NurseFactory(clinic=clinic)
        session = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, days=[(3, 2)], protocol="booster-iv").cycle.sessions.get()
        assert session.starts_at == dt.datetime(2027, 3, 1, 20, tzinfo=dt.UTC)
        desk = client_for(staff("front_desk", clinic))
        assert [s["id"] for s in desk.get(URL, {"date": "2027-03-02"}).data["results"]] == [session.pk]
        assert desk.get(URL, {"date": "2027-03-01"}).data["results"] == []
        assert desk.get(URL, {"from": "2027-03-02T09:00", "to": "2027-03-02T09:01"}).data["count"] == 1
        assert desk.get(URL, {"from": "2027-03-01T20:00:00Z", "to": "2027-03-01T20:00:01Z"}).data["count"] == 1
        assert desk.get(URL).data["results"][0]["starts_local"] == "2027-03-02T09:00:00+13:00"

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"date": "tuesday"}, "date"),
            ({"from": "soon"}, "from"),
            ({"to": "2027-02-30"}, "to"),
            ({"status": "booked,finished"}, "status"),
            ({"chair": "a"}, "chair"),
            ({"nurse": "1e3"}, "nurse"),
        ],
    )
    def test_bad_filters(self, desk, params, field):
        assert_error(desk.get(URL, params), 400, "validation_error", field)

    @pytest.mark.parametrize("params", [{"date": "9999-12-31"}, {"date": "0001-01-01"},
                                        {"from": "1900-01-01T00:00:00+14:00", "to": "2999-12-31T23:59:59-12:00"}])
    def test_extreme_dates_are_answered(self, cycle, desk, params):
        assert desk.get(URL, params).status_code == 200

    @pytest.mark.parametrize(("params", "field"), [({"from": "9999-12-31T23:59:59-12:00"}, "from"),
                                                   ({"to": "0001-01-01T00:00:00+14:00"}, "to"),
                                                   ({"from": "0001-01-01"}, "from")])
    def test_years_past_the_pattern_are_refused(self, desk, params, field):
        # `from` and `to` name the years 1900-2999, as their schema's pattern says.
        assert_error(desk.get(URL, params), 400, "validation_error", field)

    def test_clinicians_read_sessions(self, cycle, clinician):
        assert clinician.get(URL).data["count"] == 6

    def test_unauthenticated_and_without_role(self, clinic):
        assert_error(APIClient().get(URL), 401, "not_authenticated")
        assert_error(client_for(staff(None, clinic)).get(URL), 403, "permission_denied")

    def test_query_count_does_not_grow_with_the_page(self, crowded, django_assert_max_num_queries):
        user = crowded.user
        crowded.fill(5)
        params = {"from": "2027-03-01", "status": "booked,confirmed", "page_size": 50}
        with CaptureQueriesContext(connection) as few:
            assert len(client_for(user).get(URL, params).data["results"]) == 5
        crowded.fill(60)
        with django_assert_max_num_queries(len(few)) as many:
            response = client_for(user).get(URL, params)
        assert len(response.data["results"]) == 50
        assert len(many) == len(few)


# --- Retrieve --------------------------------------------------------------------------------------


class TestRetrieve:
    def test_success(self, first, desk):
        response = desk.get(url(first))
        assert response.status_code == 200
        assert (response.data["id"], response.data["status"], response.data["version"]) == (first.pk, "booked", 1)
        assert response.data["starts_local"] == "2027-03-01T09:00:00-05:00"

    def test_another_clinics_session_is_not_found(self, theirs, desk):
        assert_error(desk.get(url(theirs)), 404, "not_found")

    def test_unauthenticated_and_without_role(self, clinic, first):
        assert_error(APIClient().get(url(first)), 401, "not_authenticated")
        assert_error(client_for(staff(None, clinic)).get(url(first)), 403, "permission_denied")


# --- Reschedule ------------------------------------------------------------------------------------


class TestReschedule:
    def test_move_this_one_in_clinic_time(self, cycle, desk):
        second = cycle.sessions.get(sequence=2)
        services.session_confirm(session=second)
        response = desk.post(url(second, "reschedule"), {"starts_at": "2027-03-03T13:00"}, format="json")
        assert response.status_code == 200, response.data
        assert response.data["session"]["id"] == second.pk
        assert parse(response.data["session"]["starts_at"]) == dt.datetime(2027, 3, 3, 18, tzinfo=dt.UTC)
        assert response.data["session"]["status"] == "booked" and response.data["session"]["version"] == 3
        assert [s["id"] for s in response.data["moved"]] == [second.pk]

    def test_move_this_and_following(self, cycle, desk):
        fifth = cycle.sessions.get(sequence=5)
        response = desk.post(url(fifth, "reschedule"), {"starts_at": "2027-03-17T09:00", "scope": "following"}, format="json")
        assert response.status_code == 200, response.data
        assert [s["sequence"] for s in response.data["moved"]] == [5, 6]
        assert [parse(s["starts_at"]).astimezone(NY).day for s in response.data["moved"]] == [17, 19]
        days = [s.starts_at.astimezone(NY).day for s in cycle.sessions.order_by("sequence")]
        assert days == [1, 3, 5, 8, 17, 19]

    def test_an_instant_and_a_chosen_chair(self, cycle, chairs, desk):
        second = cycle.sessions.get(sequence=2)
        chair = next(c for c in chairs if c.pk != second.chair_id)
        response = desk.post(url(second, "reschedule"), {"starts_at": "2027-03-03T16:00:00Z", "chair": chair.pk}, format="json")
        assert response.status_code == 200, response.data
        assert parse(response.data["session"]["starts_at"]) == dt.datetime(2027, 3, 3, 16, tzinfo=dt.UTC)
        assert response.data["session"]["chair"] == chair.pk

    def test_a_conflict_names_the_session_in_the_way(self, clinic, chairs, cycle, desk):
        second = cycle.sessions.get(sequence=2)
        blocking = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, days=[(3, 3)], hour=14, protocol="booster-iv", chair=chairs[0]).cycle.sessions.get()
        response = desk.post(url(second, "reschedule"), {"starts_at": "2027-03-03T14:30", "chair": chairs[0].pk}, format="json")
        assert_error(response, 409, "chair_conflict")
        assert response.data["details"]["session"] == blocking.pk and response.data["details"]["chair"] == chairs[0].pk
        second.refresh_from_db()
        assert second.version == 1

    def test_a_rule_violation_changes_nothing(self, cycle, desk):
        third = cycle.sessions.get(sequence=3)
        assert_error(desk.post(url(third, "reschedule"), {"starts_at": "2027-03-04T09:00"}, format="json"), 400,
                     "spacing_too_close")
        third.refresh_from_db()
        assert third.version == 1

    def test_a_finished_session_cannot_move(self, first, desk, frozen):
        frozen.move_to(first.starts_at)
        services.session_check_in(session=first)
        checks_pass(first)
        services.session_start(session=first)
        recovery_pass(first)
        services.session_complete(session=first, reason="The clinician ended it early")
        response = desk.post(url(first, "reschedule"), {"starts_at": "2027-03-02T09:00"}, format="json")
        assert_error(response, 409, "invalid_transition")
        assert response.data["details"] == {"session": first.pk, "status": "completed", "action": "move"}

    @pytest.mark.parametrize(
        "data, field",
        [
            ({}, "starts_at"),
            ({"starts_at": "half past nine"}, "starts_at"),
            ({"starts_at": "2027-03-02"}, "starts_at"),
            ({"starts_at": "2027-03-02T09:00", "scope": "all"}, "scope"),
            ({"starts_at": "2027-03-02T09:00", "nurse": -1}, "nurse"),
        ],
    )
    def test_bad_input(self, first, desk, data, field):
        assert_error(desk.post(url(first, "reschedule"), data, format="json"), 400, "validation_error", field)

    def test_nonexistent_local_time(self, db):
        clinic = ClinicFactory(hours={d: [("00:00", "12:00")] for d in range(7)}, start_stagger_minutes=0)
        ChairFactory(clinic=clinic)
        NurseFactory(clinic=clinic)
        session = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, days=[(3, 13)], protocol="booster-iv").cycle.sessions.get()
        desk = client_for(staff("front_desk", clinic))
        response = desk.post(url(session, "reschedule"), {"starts_at": "2027-03-14T02:15"}, format="json")
        assert_error(response, 400, "nonexistent_local_time")

    def test_another_clinics_chair_is_refused(self, first, theirs, desk):
        response = desk.post(url(first, "reschedule"), {"starts_at": "2027-03-02T09:00", "chair": theirs.chair_id}, format="json")
        assert_error(response, 400, "validation_error", "chair")

    def test_another_clinics_session_is_not_found(self, theirs, desk):
        assert_error(desk.post(url(theirs, "reschedule"), {"starts_at": "2027-03-03T09:00"}, format="json"), 404, "not_found")

    def test_clinicians_may_not_move(self, first, clinician):
        response = clinician.post(url(first, "reschedule"), {"starts_at": "2027-03-02T09:00"}, format="json")
        assert_error(response, 403, "permission_denied")

    def test_unauthenticated(self, first):
        assert_error(APIClient().post(url(first, "reschedule"), {"starts_at": "2027-03-02T09:00"}, format="json"), 401,
                     "not_authenticated")


# --- Cancel ----------------------------------------------------------------------------------------


class TestCancel:
    def test_cancel_well_ahead(self, cycle, desk):
        last = cycle.sessions.get(sequence=6)
        response = desk.post(url(last, "cancel"), {"reason": "Chair maintenance", "by": "clinic"}, format="json")
        assert response.status_code == 200, response.data
        assert (response.data["status"], response.data["cancelled_by_party"], response.data["cancel_reason"]) == (
            "cancelled", "clinic", "Chair maintenance")
        assert parse(response.data["cancelled_at"]) == T0

    def test_inside_the_cutoff_is_late(self, first, desk):
        response = desk.post(url(first, "cancel"), {"reason": "Unwell", "by": "patient"}, format="json")
        assert response.data["status"] == "late_cancelled"

    def test_twice_is_a_conflict(self, first, desk):
        desk.post(url(first, "cancel"), {"reason": "Unwell", "by": "patient"}, format="json")
        assert_error(desk.post(url(first, "cancel"), {"reason": "Unwell", "by": "patient"}, format="json"), 409,
                     "invalid_transition")

    @pytest.mark.parametrize(
        "data, field", [({"reason": "x"}, "by"), ({"by": "patient"}, "reason"), ({"reason": " ", "by": "patient"}, "reason"),
                        ({"reason": "x", "by": "robot"}, "by")]
    )
    def test_bad_input(self, first, desk, data, field):
        assert_error(desk.post(url(first, "cancel"), data, format="json"), 400, "validation_error", field)
        first.refresh_from_db()
        assert first.status == SessionStatus.BOOKED

    def test_another_clinics_session_is_not_found(self, theirs, desk):
        assert_error(desk.post(url(theirs, "cancel"), {"reason": "x", "by": "clinic"}, format="json"), 404, "not_found")

    def test_clinicians_may_not_cancel(self, first, clinician):
        assert_error(clinician.post(url(first, "cancel"), {"reason": "x", "by": "clinic"}, format="json"), 403,
                     "permission_denied")

    def test_unauthenticated(self, first):
        assert_error(APIClient().post(url(first, "cancel"), {"reason": "x", "by": "clinic"}, format="json"), 401,
                     "not_authenticated")


# --- The day of a session --------------------------------------------------------------------------

DESK_ACTIONS = ["confirm", "check-in", "no-show"]
INFUSION_ACTIONS = ["start", "complete"]


class TestTransitions:
    def test_the_full_day_of_a_session(self, clinic, cycle, first, desk, clinician, frozen):
        response = desk.post(url(first, "confirm"))
        assert response.status_code == 200 and response.data["status"] == "confirmed" and response.data["confirmed_at"]
        frozen.move_to(first.starts_at - dt.timedelta(minutes=20))
        response = desk.post(url(first, "check-in"))
        assert response.status_code == 200 and response.data["status"] == "checked_in" and response.data["checked_in_at"]
        checks_pass(first)
        response = clinician.post(url(first, "start"))
        assert response.status_code == 200 and response.data["status"] == "in_chair" and response.data["chair_started_at"]
        frozen.move_to(first.ends_at)
        recovery_pass(first)
        response = clinician.post(url(first, "complete"))
        assert response.status_code == 200, response.data
        assert response.data["status"] == "completed" and parse(response.data["completed_at"]) == first.ends_at
        assert response.data["version"] == 5
        course = desk.get(f"/api/v1/cycles/{cycle.pk}/").data
        assert course["status"] == CycleStatus.ACTIVE
        assert course["progress"] == {"completed": 1, "total": 6, "next_sequence": 2, "label": "session 2 of 6"}

    def test_admins_run_sessions_too(self, clinic, first, frozen):
        admin = client_for(staff("admin", clinic))
        frozen.move_to(first.starts_at)
        assert admin.post(url(first, "check-in")).status_code == 200
        checks_pass(first)
        assert admin.post(url(first, "start")).status_code == 200
        frozen.move_to(first.ends_at)  # the protocol's chair time has passed
        recovery_pass(first)
        assert admin.post(url(first, "complete")).status_code == 200

    def test_confirming_twice_changes_nothing(self, first, desk):
        desk.post(url(first, "confirm"))
        assert desk.post(url(first, "confirm")).data["version"] == 2

    def test_check_in_only_on_the_day(self, cycle, desk):
        second = cycle.sessions.get(sequence=2)
        response = desk.post(url(second, "check-in"))
        assert_error(response, 409, "not_today")
        assert response.data["details"]["session"] == second.pk

    @pytest.mark.parametrize("verb", INFUSION_ACTIONS)
    def test_an_illegal_step_is_a_conflict(self, first, clinician, verb):
        response = clinician.post(url(first, verb))
        assert_error(response, 409, "invalid_transition")
        assert response.data["details"]["session"] == first.pk and response.data["details"]["status"] == "booked"

    def test_no_show_only_after_the_grace_period(self, first, desk, frozen):
        frozen.move_to(first.starts_at + dt.timedelta(minutes=10))
        assert_error(desk.post(url(first, "no-show")), 409, "too_early_for_no_show")
        frozen.move_to(first.starts_at + dt.timedelta(minutes=15))
        response = desk.post(url(first, "no-show"))
        assert response.status_code == 200 and response.data["status"] == "no_show" and response.data["no_show_at"]

    def test_a_cancelled_session_cannot_be_confirmed(self, first, desk):
        services.session_cancel(session=first, by_party="patient", reason="x")
        assert_error(desk.post(url(first, "confirm")), 409, "invalid_transition")

    @pytest.mark.parametrize("verb", INFUSION_ACTIONS)
    def test_the_front_desk_does_not_run_infusions(self, first, desk, frozen, verb):
        frozen.move_to(first.starts_at)
        services.session_check_in(session=first)
        assert_error(desk.post(url(first, verb)), 403, "permission_denied")
        first.refresh_from_db()
        assert first.status == SessionStatus.CHECKED_IN

    @pytest.mark.parametrize("verb", DESK_ACTIONS)
    def test_clinicians_do_not_book(self, first, clinician, frozen, verb):
        frozen.move_to(first.starts_at + dt.timedelta(minutes=30))
        assert_error(clinician.post(url(first, verb)), 403, "permission_denied")
        first.refresh_from_db()
        assert first.status == SessionStatus.BOOKED

    @pytest.mark.parametrize("verb", DESK_ACTIONS + INFUSION_ACTIONS)
    def test_another_clinics_session_is_not_found(self, clinic, theirs, verb):
        admin = client_for(staff("admin", clinic))
        assert_error(admin.post(url(theirs, verb)), 404, "not_found")
        assert InfusionSession.objects.get(pk=theirs.pk).version == 1

    @pytest.mark.parametrize("verb", DESK_ACTIONS + INFUSION_ACTIONS)
    def test_unauthenticated(self, first, verb):
        assert_error(APIClient().post(url(first, verb)), 401, "not_authenticated")

    @pytest.mark.parametrize("verb", DESK_ACTIONS + INFUSION_ACTIONS)
    def test_get_is_not_allowed(self, first, desk, verb):
        assert_error(desk.get(url(first, verb)), 405, "method_not_allowed")
