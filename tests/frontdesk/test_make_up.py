"""Make-up sessions at the desk: the course page says a course is short and offers a make-up, whose slot grid
books one after a confirmation; roles, another clinic's course and hostile input."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from bookings import services
from bookings.models import InfusionSession, SessionStatus
from common.api import CLINICIAN, FRONT_DESK
from tests.frontdesk.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

HTMX = {"HTTP_HX_REQUEST": "true"}
#: The site's three one-hour sessions (20 h apart, within 14 days): Tuesday, Thursday, the next Monday.
COURSE = [dt.datetime(2027, 3, 2, 9, 0), dt.datetime(2027, 3, 4, 9, 0), dt.datetime(2027, 3, 8, 9, 0)]


@pytest.fixture
def short(home):
    """The course with its second session (Thursday) cancelled: (cycle, missed)."""
    cycle = home.book(COURSE).cycle
    missed = services.session_cancel(session=cycle.sessions.get(sequence=2), by_party="patient", reason="Away")
    return cycle, missed


def grid_url(cycle) -> str:
    return reverse("frontdesk:course-make-up", args=[cycle.pk])


def book_url(cycle) -> str:
    return reverse("frontdesk:course-make-up-book", args=[cycle.pk])


def made_ups() -> int:
    return InfusionSession.objects.filter(made_up_for__isnull=False).count()


class TestShortCourse:
    def test_the_course_page_says_short_and_offers_a_make_up(self, as_user, home, short):
        cycle, _ = short
        text = as_user(home.users[FRONT_DESK]).get(reverse("frontdesk:course", args=[cycle.pk])).content.decode()
        assert "1 session short" in text and "Add a make-up session" in text
        clinician = as_user(home.users[CLINICIAN]).get(reverse("frontdesk:course", args=[cycle.pk])).content.decode()
        assert "1 session short" in clinician and "Add a make-up session" not in clinician

    def test_the_patient_page_marks_it(self, as_user, home, short):
        text = as_user(home.users[FRONT_DESK]).get(reverse("frontdesk:patient", args=[home.patient.pk])).content.decode()
        assert "1 session short" in text

    def test_a_full_course_is_not_marked(self, as_user, home):
        cycle = home.book(COURSE).cycle
        text = as_user(home.users[FRONT_DESK]).get(reverse("frontdesk:course", args=[cycle.pk])).content.decode()
        assert "short" not in text.replace("Short course", "")


class TestMakeUp:
    def test_the_grid_offers_the_gap_and_after_the_last(self, as_user, home, short):
        cycle, missed = short
        response = as_user(home.users[FRONT_DESK]).get(grid_url(cycle))
        assert response.status_code == 200
        text = response.content.decode()
        assert "Free times" in text and "In place of session 2 (cancelled" in text
        assert f'name="replaces" value="{missed.pk}"' in text
        assert "Add on Wed 3 Mar" in text  # in the gap the missed Thursday left
        partial = as_user(home.users[FRONT_DESK]).get(grid_url(cycle) + "?part=afternoon", **HTMX)
        assert partial.status_code == 200 and "<html" not in partial.content.decode()

    def test_a_time_is_confirmed_then_booked(self, as_user, home, short):
        cycle, missed = short
        client = as_user(home.users[FRONT_DESK])
        asked = client.post(book_url(cycle), {"starts_at": "2027-03-10T10:00", "replaces": missed.pk})
        assert asked.status_code == 200 and "Add the make-up session?" in asked.content.decode()
        assert made_ups() == 0
        done = client.post(book_url(cycle), {"starts_at": "2027-03-10T10:00", "replaces": missed.pk, "confirm": "on"},
                           follow=True)
        made = InfusionSession.objects.get(made_up_for=missed)
        assert (made.sequence, made.status) == (3, SessionStatus.BOOKED)
        assert cycle.sessions.get(starts_at__date=dt.date(2027, 3, 8)).sequence == 2  # Monday is now session 2
        assert "Make-up session added: session 3 of 3, Wed 10 Mar 2027 10:00" in done.content.decode()
        assert LogEntry.objects.filter(object_pk=str(made.pk), actor=home.users[FRONT_DESK]).exists()

    def test_htmx_confirmation_redirects_to_the_course(self, as_user, home, short):
        cycle, missed = short
        response = as_user(home.users[FRONT_DESK]).post(
            book_url(cycle), {"starts_at": "2027-03-03T10:00", "replaces": missed.pk, "confirm": "on"}, **HTMX
        )
        assert response.status_code == 204 and response["HX-Redirect"] == reverse("frontdesk:course", args=[cycle.pk])
        assert InfusionSession.objects.get(made_up_for=missed).sequence == 2

    def test_a_broken_rule_is_shown_and_nothing_stored(self, as_user, home, short):
        cycle, missed = short
        response = as_user(home.users[FRONT_DESK]).post(
            book_url(cycle), {"starts_at": "2027-03-08T12:00", "replaces": missed.pk, "confirm": "on"}
        )
        assert response.status_code == 200 and "apart" in response.content.decode()
        assert made_ups() == 0

    @pytest.mark.parametrize("data", [
        {"starts_at": "soon", "replaces": "1"},
        {"starts_at": "2027-03-10T10:00", "replaces": "999999"},
        {"starts_at": "2027-03-10T10:00"},
        {"starts_at": "2027-02-30T10:00", "replaces": "1", "confirm": "on"},
    ])
    def test_hostile_input(self, as_user, home, short, data):
        cycle, missed = short
        data = {**data, "replaces": missed.pk} if data.get("replaces") == "1" else data
        response = as_user(home.users[FRONT_DESK]).post(book_url(cycle), data)
        assert response.status_code == 200 and 'role="alert"' in response.content.decode() and made_ups() == 0

    def test_a_course_not_short_says_so(self, as_user, home):
        cycle = home.book(COURSE).cycle
        text = as_user(home.users[FRONT_DESK]).get(grid_url(cycle)).content.decode()
        assert "holds all 3 of its sessions" in text

    def test_roles_and_another_clinic(self, as_user, home, away, short):
        cycle, missed = short
        assert as_user(home.users[CLINICIAN]).get(grid_url(cycle)).status_code == 403
        body = {"starts_at": "2027-03-10T10:00", "replaces": missed.pk, "confirm": "on"}
        assert as_user(home.users[CLINICIAN]).post(book_url(cycle), body).status_code == 403
        assert as_user(away.users[FRONT_DESK]).get(grid_url(cycle)).status_code == 404
        assert as_user(away.users[FRONT_DESK]).post(book_url(cycle), body).status_code == 404
        assert made_ups() == 0
