"""The desk when plans break (issue 14): the closures page and a nurse's time off show the booked sessions a
change strands before saving; saving marks them (Needs moving, the day board); only admins, only their clinics."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.models import InfusionSession
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from scheduler.models import Closure, TimeOff
from tests.frontdesk.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

FRIDAY = {"first_day": "2027-03-05", "last_day": "2027-03-05", "reason": "Burst pipe"}


@pytest.fixture
def booked(home):
    """The home patient's course: Wed 3, Fri 5 and Mon 8 March at 10:00, chair 1."""
    return home.book([dt.datetime(2027, 3, 3, 10), dt.datetime(2027, 3, 5, 10), dt.datetime(2027, 3, 8, 10)],
                     chair=home.chairs[0]).sessions


def test_a_closure_over_booked_sessions_is_shown_first_then_saved_and_marked(as_user, home, booked):
    client = as_user(home.users[ADMIN])
    assert client.get("/closures/").status_code == 200
    page = client.post("/closures/", {"clinic": home.clinic.pk, **FRIDAY})
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 booked session would need moving" in text
    assert f'data-stranded="{booked[1].pk}"' in text and "Jane Roe" in text
    assert not Closure.objects.filter(clinic=home.clinic).exists()
    saved = client.post("/closures/", {"clinic": home.clinic.pk, **FRIDAY, "confirm": "1"}, follow=True)
    assert "1 booked session now needs moving" in saved.content.decode()
    closure = Closure.objects.get(clinic=home.clinic, reason="Burst pipe")
    assert closure.chair is None
    friday = InfusionSession.objects.get(pk=booked[1].pk)
    assert friday.needs_moving_reasons == ["clinic_closed"]
    worklist = client.get("/worklists/").content.decode()
    assert f'data-needs-moving="{friday.pk}"' in worklist and "Closure added: Burst pipe" in worklist
    board = client.get(f"/?clinic={home.clinic.pk}&date=2027-03-05").content.decode()
    assert "Closed all day: Burst pipe" in board and "Open 08:00" not in board
    assert "Needs moving</span>" in board


def test_a_chair_closure_strands_only_that_chair_and_the_board_says_so(as_user, home, booked):
    client = as_user(home.users[ADMIN])
    other_chair = home.chairs[1]
    saved = client.post("/closures/", {"clinic": home.clinic.pk, **FRIDAY, "chair": other_chair.pk,
                                       "reason": "Maintenance"}, follow=True)
    assert "No booked session is affected" in saved.content.decode()  # saved at once: nothing to confirm
    assert Closure.objects.get(reason="Maintenance").chair == other_chair
    board = client.get(f"/?clinic={home.clinic.pk}&date=2027-03-05").content.decode()
    assert f"{other_chair.name} out of service: Maintenance" in board and "Open 08:00–18:00" in board
    assert not InfusionSession.objects.filter(needs_moving_since__isnull=False).exists()


def test_no_save_without_a_reason_or_with_another_clinics_chair(as_user, home, away, booked):
    client = as_user(home.users[ADMIN])
    page = client.post("/closures/", {"clinic": home.clinic.pk, **FRIDAY, "reason": "  "})
    assert page.status_code == 200 and "This field is required" in page.content.decode()
    page = client.post("/closures/", {"clinic": home.clinic.pk, **FRIDAY, "chair": away.chairs[0].pk, "confirm": "1"})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    page = client.post("/closures/", {"clinic": home.clinic.pk, **FRIDAY, "last_day": "2027-03-04"})
    assert "Must be on or after the first day" in page.content.decode()
    assert not Closure.objects.filter(clinic=home.clinic).exists()


@pytest.mark.parametrize("role", [FRONT_DESK, CLINICIAN, None])
def test_only_admins(as_user, home, role):
    client = as_user(home.users[role])
    assert client.get("/closures/").status_code == 403
    assert client.post("/closures/", {"clinic": home.clinic.pk, **FRIDAY, "confirm": "1"}).status_code == 403
    assert not Closure.objects.filter(reason="Burst pipe").exists()


def test_another_clinics_closure_is_not_found_and_removing_clears_marks(as_user, home, away, booked):
    client = as_user(home.users[ADMIN])
    theirs = Closure.objects.create(clinic=away.clinic, starts_at=NOW, ends_at=NOW + dt.timedelta(days=1), reason="x")
    assert client.post(f"/closures/{theirs.pk}/remove/").status_code == 404
    assert Closure.objects.filter(pk=theirs.pk).exists()
    client.post("/closures/", {"clinic": home.clinic.pk, **FRIDAY, "confirm": "1"})
    mine = Closure.objects.get(reason="Burst pipe")
    assert InfusionSession.objects.filter(needs_moving_since__isnull=False).count() == 1
    assert client.post(f"/closures/{mine.pk}/remove/", {"clinic": home.clinic.pk}).status_code == 302
    assert not InfusionSession.objects.filter(needs_moving_since__isnull=False).exists()


def test_time_off_shows_the_impact_first(as_user, home, booked):
    client = as_user(home.users[ADMIN])
    nurse = InfusionSession.objects.get(pk=booked[1].pk).nurse
    form = {"time_off": "1", "first_day": "2027-03-05", "last_day": "2027-03-05", "reason": "Ill"}
    page = client.post(f"/staff/nurses/{nurse.pk}/", form)
    assert page.status_code == 200
    assert "1 booked session with this nurse would need moving" in page.content.decode()
    assert not TimeOff.objects.filter(staff=nurse, reason="Ill").exists()
    saved = client.post(f"/staff/nurses/{nurse.pk}/", {**form, "confirm": "1"}, follow=True)
    assert "1 booked session with this nurse now needs moving" in saved.content.decode()
    assert TimeOff.objects.filter(staff=nurse, reason="Ill").exists()
    assert InfusionSession.objects.get(pk=booked[1].pk).needs_moving_reasons == ["nurse_absent"]
