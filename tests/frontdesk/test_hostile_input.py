"""The staff pages given out-of-range or hostile input: a page with a clear error, never a 500.

Each input here was a 500 before (an outside probe found them): extreme dates on the day board, a NUL byte
in the patient search, times at the edges of Python's datetime range in the booking check, the booking
confirmation and a move, and a 1 MB username on the sign-in forms.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from bookings.models import InfusionSession
from common.api import FRONT_DESK
from tests.frontdesk.conftest import NOW
from tests.frontdesk.test_pages import HTMX, LATER_COURSE, confirm_data, propose, series_from

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

EXTREME_DATES = ["9999-12-31", "0001-01-01"]
EXTREME_TIMES = ["9999-12-31T23:59", "0001-01-01T00:00"]


@pytest.mark.parametrize("day", EXTREME_DATES)
def test_the_day_board_refuses_a_date_out_of_range(as_user, home, day):
    response = as_user(home.users[FRONT_DESK]).get("/", {"clinic": home.clinic.pk, "date": day})
    assert response.status_code == 200
    assert b"Choose a date between 1900-01-01 and 2999-12-31" in response.content
    assert response.context["day"] == NOW.astimezone(home.clinic.tz).date()  # today, instead


@pytest.mark.parametrize("term", ["\x00", "Roe\x00", "\x01\x1f", "Ro\x7fe"])
def test_the_patient_search_ignores_nul_and_control_characters(as_user, home, term):
    response = as_user(home.users[FRONT_DESK]).get("/patients/", {"q": term}, **HTMX)
    assert response.status_code == 200
    if "Ro" in term:
        assert b"Roe" in response.content  # the characters left out, the rest is searched


@pytest.mark.parametrize("when", EXTREME_TIMES)
def test_the_booking_check_marks_a_time_out_of_range(as_user, home, when):
    client = as_user(home.users[FRONT_DESK])
    rows = series_from(propose(client, home))
    rows[1] = (when, "", "")
    response = client.get(f"/patients/{home.patient.pk}/book/check/", confirm_data(home, rows), **HTMX)
    assert response.status_code == 200
    assert b"This time is out of range." in response.content


@pytest.mark.parametrize("when", EXTREME_TIMES)
def test_the_booking_confirmation_refuses_a_time_out_of_range(as_user, home, when):
    client = as_user(home.users[FRONT_DESK])
    rows = series_from(propose(client, home))
    rows[0] = (when, rows[0][1], rows[0][2])
    response = client.post(f"/patients/{home.patient.pk}/book/confirm/", confirm_data(home, rows))
    assert response.status_code == 200
    assert b"Nothing was booked" in response.content and b"This time is out of range." in response.content
    assert not InfusionSession.objects.filter(patient=home.patient).exists()


@pytest.mark.parametrize("when", EXTREME_TIMES)
def test_a_move_to_a_time_out_of_range_is_refused(as_user, home, when):
    session = home.book(LATER_COURSE).sessions[1]
    before = session.starts_at
    url = reverse("frontdesk:session-move", args=[session.pk])
    response = as_user(home.users[FRONT_DESK]).post(url, {"starts_at": when, "scope": "following"}, **HTMX)
    assert response.status_code == 200
    assert b"This time is out of range." in response.content
    assert InfusionSession.objects.get(pk=session.pk).starts_at == before


@pytest.mark.parametrize("earliest", EXTREME_DATES)
def test_a_proposal_from_an_extreme_earliest_date(as_user, home, earliest):
    """Year 9999 is more than a year ahead (a form error); year 1 is before today, so the plan starts today."""
    response = propose(as_user(home.users[FRONT_DESK]), home, earliest_date=earliest)
    assert response.status_code == 200
    assert (b"Plans reach at most a year ahead." in response.content) == (earliest == "9999-12-31")


@pytest.mark.parametrize("resource_id", ["99999999999999999999", "-1", "1e400"])
def test_the_booking_check_ignores_a_chair_or_nurse_id_out_of_range(as_user, home, resource_id):
    client = as_user(home.users[FRONT_DESK])
    rows = [(start, resource_id, resource_id) for start, _, _ in series_from(propose(client, home))]
    response = client.get(f"/patients/{home.patient.pk}/book/check/", confirm_data(home, rows), **HTMX)
    assert response.status_code == 200
    booked = client.post(f"/patients/{home.patient.pk}/book/confirm/", confirm_data(home, rows))
    assert booked.status_code in (200, 302)


def test_a_username_too_long_to_record_is_a_failed_sign_in(client):
    """axes records each failure with the username, in a 255-character column: a 1 MB one was a 500.

    The one sign-in form: the admin's sends people to it (two-factor), so it reads no credentials itself.
    """
    assert client.post("/admin/login/", {"username": "x" * (1 << 20), "password": "nope"}).status_code == 302
    response = client.post("/login/", {"username": "x" * (1 << 20), "password": "nope"}, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert AccessAttempt.objects.get().username == "x" * 255
