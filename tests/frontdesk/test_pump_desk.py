"""The desk's writes on pump courses (issue 16): booking an episode from a patient's page (proposals, then one
click) and an episode's actions (fit, a review done or missed, remove, return, cancel): roles, clinic scoping,
refusals shown in the service's words, nothing written on a refusal."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from common.api import ADMIN, CLINICIAN, FRONT_DESK
from pumps.models import Episode, EpisodeStatus, VisitKind, VisitStatus
from tests.factories import PatientFactory
from tests.frontdesk.conftest import NOW
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpProtocolFactory, episode_with_visits

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]


def said(response) -> list[str]:
    """The messages the response leaves for the next page, this request's last (earlier ones not yet shown before)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


@pytest.fixture
def pump_world(home):
    pump = PumpFactory(clinic=home.clinic, label="Pump 1")
    protocol = PumpProtocolFactory(clinic=home.clinic, name="Three-day pump", episode_days=3)
    return pump, protocol


class TestBooking:
    def test_the_proposals_then_one_click_books_the_earliest(self, as_user, home, pump_world):
        pump, protocol = pump_world
        desk = as_user(home.users[FRONT_DESK])
        url = reverse("frontdesk:pump-propose", args=[home.patient.pk])
        assert "Propose an episode" in desk.get(url).content.decode()
        html = desk.get(url, {"protocol": protocol.pk, "earliest": "2027-03-02"}).content.decode()
        assert "Earliest: Pump 1, Tue 2 Mar" in html and html.count("Book this episode") >= 1
        start = html.split('name="fitting_start" value="', 1)[1].split('"', 1)[0]
        response = desk.post(reverse("frontdesk:pump-book", args=[home.patient.pk]),
                             {"protocol": protocol.pk, "pump": pump.pk, "fitting_start": start})
        episode = Episode.objects.get(patient=home.patient)
        assert response.status_code == 302 and response["Location"] == reverse("frontdesk:episode", args=[episode.pk])
        assert episode.starts_at == dt.datetime.fromisoformat(start) and episode.pump == pump
        assert "Episode booked. The patient has been emailed the visits." in said(response)

    def test_a_refused_booking_says_why_and_writes_nothing(self, as_user, home, pump_world):
        pump, protocol = pump_world
        response = as_user(home.users[FRONT_DESK]).post(
            reverse("frontdesk:pump-book", args=[home.patient.pk]),
            {"protocol": protocol.pk, "pump": pump.pk, "fitting_start": "2027-02-26T15:00:00+00:00"})  # the past
        assert response.status_code == 302 and "pump/?protocol=" in response["Location"]
        assert said(response)[0].startswith("Not booked: ") and not Episode.objects.exists()

    def test_another_clinics_pump_or_a_bad_start_is_refused(self, as_user, home, away, pump_world):
        _, protocol = pump_world
        theirs = PumpFactory(clinic=away.clinic)
        desk = as_user(home.users[FRONT_DESK])
        book = reverse("frontdesk:pump-book", args=[home.patient.pk])
        for body in ({"protocol": protocol.pk, "pump": theirs.pk, "fitting_start": "2027-03-02T15:00:00+00:00"},
                     {"protocol": protocol.pk, "pump": theirs.pk, "fitting_start": "2027-03-02T10:00"},
                     {"protocol": protocol.pk, "pump": "x\x00", "fitting_start": "soon"}):
            response = desk.post(book, body)
            assert response.status_code == 302 and said(response), body
        assert not Episode.objects.exists()

    def test_roles_and_clinics(self, as_user, home, away, pump_world):
        url = reverse("frontdesk:pump-propose", args=[home.patient.pk])
        assert as_user(home.users[CLINICIAN]).get(url).status_code == 403
        assert as_user(away.users[FRONT_DESK]).get(url).status_code == 404
        response = as_user(home.users[FRONT_DESK]).get(url, {"protocol": pump_world[1].pk, "earliest": "9999-12-31"})
        assert response.status_code == 200 and "Choose a day from today" in response.content.decode()


def booked(home, pump, protocol, *, at=dt.datetime(2027, 3, 1, 14, 0), status=EpisodeStatus.BOOKED, patient=None):
    course = PumpCourseFactory(clinic=home.clinic, patient=patient or home.patient, protocol=protocol)
    return episode_with_visits(course=course, pump=pump, fitting_at=at.replace(tzinfo=home.clinic.tz),
                               chair=home.chairs[0], nurse=home.nurses[0], status=status)


class TestActions:
    def test_the_episodes_life_on_the_desk(self, as_user, home, pump_world, settings):
        settings.SESSION_IDLE_TIMEOUT_MINUTES = 3 * 24 * 60  # the clock moves on a day; the desk stays signed in
        episode = booked(home, *pump_world)
        clinician = as_user(home.users[CLINICIAN])
        act = lambda name, **body: clinician.post(reverse("frontdesk:episode-action", args=[episode.pk, name]), body)  # noqa: E731
        assert "Pump fitted." in said(act("fit"))
        review = episode.visits.get(kind=VisitKind.REVIEW, day=1)
        with time_machine.travel(review.starts_at, tick=False):
            response = clinician.post(reverse("frontdesk:pump-visit-record", args=[review.pk]), {"outcome": "missed"})
        assert "on the clinicians' worklist" in said(response)[0]
        review.refresh_from_db()
        assert review.status == VisitStatus.MISSED
        with time_machine.travel(review.starts_at + dt.timedelta(hours=2), tick=False):
            assert "say why the pump is removed early" in " ".join(said(act("remove")))  # early: a reason is needed
            assert "Pump removed." in said(act("remove", reason="Site sore"))
        assert "Pump returned" in said(act("return"))[0]
        episode.refresh_from_db()
        assert episode.status == EpisodeStatus.RETURNED and episode.early_removal_reason == "Site sore"

    def test_each_action_for_its_roles(self, as_user, home, pump_world):
        episode = booked(home, *pump_world)
        desk = as_user(home.users[FRONT_DESK])
        assert desk.post(reverse("frontdesk:episode-action", args=[episode.pk, "fit"])).status_code == 403
        review = episode.visits.get(kind=VisitKind.REVIEW, day=1)
        assert desk.post(reverse("frontdesk:pump-visit-record", args=[review.pk]), {"outcome": "done"}).status_code == 403
        response = desk.post(reverse("frontdesk:episode-action", args=[episode.pk, "cancel"]), {"reason": ""})
        assert said(response) and Episode.objects.get(pk=episode.pk).status == EpisodeStatus.BOOKED
        response = desk.post(reverse("frontdesk:episode-action", args=[episode.pk, "cancel"]), {"reason": "Unwell"})
        assert "Episode cancelled. The patient has been emailed." in said(response)
        assert Episode.objects.get(pk=episode.pk).status == EpisodeStatus.CANCELLED

    def test_other_clinics_and_unknown_actions_are_not_found(self, as_user, home, away, pump_world):
        episode = booked(home, *pump_world)
        admin = as_user(away.users[ADMIN])
        assert admin.post(reverse("frontdesk:episode-action", args=[episode.pk, "cancel"]), {"reason": "x"}).status_code == 404
        review = episode.visits.get(kind=VisitKind.REVIEW, day=1)
        assert admin.post(reverse("frontdesk:pump-visit-record", args=[review.pk]), {"outcome": "done"}).status_code == 404
        assert as_user(home.users[ADMIN]).post(f"/episodes/{episode.pk}/explode/").status_code == 404
        assert Episode.objects.get(pk=episode.pk).status == EpisodeStatus.BOOKED

    def test_the_page_offers_what_the_state_and_role_allow(self, as_user, home, pump_world):
        episode = booked(home, *pump_world)
        page = reverse("frontdesk:episode", args=[episode.pk])
        html = as_user(home.users[FRONT_DESK]).get(page).content.decode()
        assert "Cancel this episode" in html and "Pump fitted" not in html
        html = as_user(home.users[CLINICIAN]).get(page).content.decode()
        assert "Pump fitted" in html and "Cancel this episode" not in html
        Episode.objects.filter(pk=episode.pk).update(status=EpisodeStatus.FITTED)
        html = as_user(home.users[CLINICIAN]).get(page).content.decode()
        assert html.count("Review of day") == 2 * 2 and "Reason for removing early" in html


class TestStrandedVisits:
    def test_a_closure_over_pump_visits_lists_them_in_a_fixed_number_of_queries(self, as_user, home, pump_world):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from scheduler.models import Closure

        pump, protocol = pump_world
        Closure.objects.create(clinic=home.clinic, starts_at=dt.datetime(2027, 3, 3, tzinfo=home.clinic.tz),
                               ends_at=dt.datetime(2027, 3, 4, tzinfo=home.clinic.tz), reason="Burst pipe")
        desk = as_user(home.users[FRONT_DESK])
        booked(home, pump, protocol, at=dt.datetime(2027, 3, 2, 10, 0))  # its day-1 review falls on the closed day
        desk.get(reverse("frontdesk:worklists"))  # the content types of the audit trail, cached as in a running server
        with CaptureQueriesContext(connection) as one:
            html = desk.get(reverse("frontdesk:worklists")).content.decode()
        assert html.count("data-pump-visit-stranded=") == 1 and "The clinic is closed" in html
        for hour in (11, 12, 13):
            booked(home, PumpFactory(clinic=home.clinic), protocol, at=dt.datetime(2027, 3, 2, hour, 0),
                   patient=PatientFactory(clinic=home.clinic))
        with CaptureQueriesContext(connection) as four:
            html = desk.get(reverse("frontdesk:worklists")).content.decode()
        assert html.count("data-pump-visit-stranded=") == 4
        assert len(four.captured_queries) == len(one.captured_queries)
