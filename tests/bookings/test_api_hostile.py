"""The API given out-of-range input: a 400 naming the parameter, never a 500.

Dates and instants at the edges of Python's datetime range (year 1, year 9999) overflowed in the zone
conversions of the planner; a partial update with half an opening hour or shift lost its missing half.
"""

from __future__ import annotations

import datetime as dt

import pytest

from common.api import ADMIN
from tests.factories import NurseFactory, book_course, shared_protocol
from tests.helpers import assert_error, client_for
from tests.helpers import staff_user as staff

T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)  # midnight starting Monday 1 March 2027 in New York
API = "/api/v1"

pytestmark = pytest.mark.frozen(T0)

EXTREME_DATES = ["9999-12-31", "0001-01-01"]
EXTREME_STARTS = ["9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"]


@pytest.mark.parametrize("day", EXTREME_DATES)
def test_availability_refuses_a_date_out_of_range(clinic, chairs, nurse, desk, day):
    protocol = shared_protocol("depression-iv")
    response = desk.get(f"{API}/availability/", {"clinic": clinic.pk, "protocol": protocol.pk, "date": day})
    body = assert_error(response, 400, "validation_error", "date")
    assert "between" in body["details"]["date"][0]


def test_availability_of_an_ordinary_day_still_answers(clinic, chairs, nurse, desk):
    protocol = shared_protocol("depression-iv")
    response = desk.get(f"{API}/availability/", {"clinic": clinic.pk, "protocol": protocol.pk, "date": "2027-03-02"})
    assert response.status_code == 200 and response.json()["slots"]


@pytest.mark.parametrize("day, status", [("9999-12-31", 400), ("0001-01-01", 200)])
def test_a_proposal_from_an_extreme_earliest_date(clinic, chairs, nurse, patient, desk, day, status):
    """Year 9999 is more than a year ahead; year 1 is before today, so the plan starts today."""
    body = {"patient": patient.pk, "protocol": shared_protocol("booster-iv").pk, "clinic": clinic.pk, "earliest_date": day}
    response = desk.post(f"{API}/cycles/proposals/", body, format="json")
    if status == 400:
        assert_error(response, 400, "validation_error", "earliest_date")
    else:
        assert response.status_code == 200, response.content


@pytest.mark.parametrize("starts_at", EXTREME_STARTS)
def test_a_reschedule_or_booking_at_an_extreme_start_is_a_400(clinic, chairs, nurse, patient, desk, starts_at):
    session = book_course(patient=patient, clinic=clinic).cycle.sessions.get(sequence=2)
    response = desk.post(f"{API}/sessions/{session.pk}/reschedule/", {"starts_at": starts_at}, format="json")
    assert_error(response, 400, "validation_error", "starts_at")
    assert desk.get(f"{API}/sessions/{session.pk}/options/").status_code == 200


@pytest.mark.parametrize(
    "row, missing",
    [({"weekday": 0, "closes": "08:00"}, "opens"), ({"weekday": 0, "opens": "08:00"}, "closes"),
     ({"opens": "08:00", "closes": "12:00"}, "weekday")],
)
def test_a_partial_update_with_half_an_opening_hour_names_the_missing_field(clinic, row, missing):
    client = client_for(staff(ADMIN, clinic))
    response = client.patch(f"{API}/clinics/{clinic.pk}/", {"opening_hours": [row]}, format="json")
    body = assert_error(response, 400, "validation_error", "opening_hours")
    assert missing in body["details"]["opening_hours"]["0"]
    posted = client.post(f"{API}/clinics/", {"name": "X", "slug": "x", "opening_hours": [row]}, format="json")
    assert assert_error(posted, 400, "validation_error")["details"] == body["details"]  # as a create answers


@pytest.mark.parametrize(
    "row, missing",
    [({"weekday": 0, "ends": "12:00"}, "starts"), ({"weekday": 0, "starts": "08:00"}, "ends"),
     ({"starts": "08:00", "ends": "12:00"}, "weekday")],
)
def test_a_partial_update_with_half_a_shift_names_the_missing_field(clinic, row, missing):
    nurse = NurseFactory(clinic=clinic)
    client = client_for(staff(ADMIN, clinic))
    response = client.patch(f"{API}/staff/{nurse.pk}/", {"shifts": [row]}, format="json")
    body = assert_error(response, 400, "validation_error", "shifts")
    assert missing in body["details"]["shifts"]["0"]
    assert nurse.shifts.exists()  # the stored set stays
