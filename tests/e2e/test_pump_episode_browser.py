"""A pump episode from the pump board to the pump's return, in a real browser (issue 16).

A person with the desk's and the clinicians' roles opens the pump board, goes to book an episode, finds the patient,
asks for proposals, books the earliest one (clicks and keys counted, held to a budget), sees it on the board; then
over three days records its visits: the fitting, the daily review, the removal and the pump's return. The clock is a
fixed Monday in March moved on day by day (time-machine, in the live server's process); the idle sign-out is set
longer than the test's days, since a person would sign in again each morning.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine

from common.api import CLINICIAN, FRONT_DESK
from pumps.models import EpisodeEmail, EpisodeStatus, Pump, VisitKind, VisitStatus
from tests.e2e.conftest import assert_accessible, navigate, screenshot, sign_in, type_in
from tests.e2e.hands import count_hands
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory
from tests.helpers import staff_user
from tests.pumps.factories import PumpFactory, PumpProtocolFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TZ = zoneinfo.ZoneInfo("America/New_York")
MONDAY = dt.datetime(2027, 3, 1, 7, 30, tzinfo=TZ)


def test_an_episode_is_booked_from_the_pump_board_and_its_visits_recorded(live_server, contexts, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 4 * 24 * 60
    clinic = ClinicFactory(name="Harbour Infusion", slug="harbour", timezone=TZ.key,
                           hours={d: [("08:00", "18:00")] for d in range(7)})
    ChairFactory(clinic=clinic, name="Chair 1")
    NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    PumpFactory(clinic=clinic, label="Pump 1")
    PumpProtocolFactory(clinic=clinic, name="Two-day pump", episode_days=2, fitting_minutes=60,
                        review_minutes=30, removal_minutes=45)
    patient = PatientFactory(clinic=clinic, first_name="Lena", last_name="Marsh", email="lena@example.org")
    user = staff_user(FRONT_DESK, clinic, username="sam", first_name="Sam")
    user.groups.add(*staff_user(CLINICIAN, clinic).groups.all())

    with time_machine.travel(MONDAY, tick=True) as clock:
        page = contexts().page()
        sign_in(page, live_server.url, "sam")
        hands = count_hands(page)

        # From the pump board to the patient, to the proposals, to the booking.
        navigate(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Pumps"))
        navigate(page, page.get_by_role("link", name="Book an episode"))
        type_in(page.get_by_label("Find a patient"), "Marsh")
        link = page.get_by_role("link", name="Pump episode for Lena Marsh")
        link.wait_for()
        navigate(page, link)
        page.get_by_role("heading", name="Book a pump episode for Lena Marsh").wait_for()
        protocol = page.get_by_label("Pump protocol")
        protocol.click()
        protocol.select_option(label="Two-day pump")
        navigate(page, page.get_by_role("button", name="Propose an episode"))
        earliest = page.get_by_role("heading", name=re.compile("^Earliest: Pump 1, Mon 1 Mar"))
        earliest.wait_for()
        assert_accessible(page, "pump episode proposals")
        screenshot(page, "pump-episode-proposals")
        navigate(page, page.get_by_role("button", name="Book this episode").first)
        page.get_by_text("Episode booked.").wait_for()
        clicks, keys = hands.assert_within(page, clicks=8, keys=10, what="an episode booked from the pump board")
        print(f"pump episode booked from the board: {clicks} clicks, {keys} key presses")

        pump = Pump.objects.get(clinic=clinic)
        episode = pump.episodes.get()
        assert episode.patient == patient and episode.status == EpisodeStatus.BOOKED
        assert episode.starts_at.astimezone(TZ).date() == MONDAY.date()
        assert [v.kind for v in episode.visits.order_by("day")] == [VisitKind.FITTING, VisitKind.REVIEW, VisitKind.REMOVAL]
        assert EpisodeEmail.objects.filter(episode=episode).exists()  # the confirmation and reminders, written

        # It is on the board.
        navigate(page, page.get_by_role("link", name="Pump board"))
        cell = page.get_by_role("link", name=re.compile("^LM Episode 1"))
        assert cell.count() == 1
        navigate(page, cell)

        # Monday: the pump is fitted at its visit.
        clock.move_to(episode.starts_at + dt.timedelta(minutes=5))
        navigate(page, page.get_by_role("button", name="Pump fitted"))
        page.get_by_text("Pump fitted.").wait_for()
        assert_accessible(page, "a fitted episode with its review to record")
        screenshot(page, "pump-episode-fitted")

        # Tuesday: the daily review is done.
        review = episode.visits.get(kind=VisitKind.REVIEW)
        clock.move_to(review.starts_at + dt.timedelta(minutes=10))
        page.reload()
        navigate(page, page.get_by_role("button", name="Review of day 1 done"))
        page.get_by_text("Review recorded.").wait_for()

        # Wednesday: removed at its visit, then the pump is back in the clinic's hands.
        removal = episode.visits.get(kind=VisitKind.REMOVAL)
        clock.move_to(removal.starts_at + dt.timedelta(minutes=10))
        page.reload()
        navigate(page, page.get_by_role("button", name="Pump removed"))
        page.get_by_text("Pump removed.").wait_for()
        navigate(page, page.get_by_role("button", name="Pump returned to the clinic"))
        page.get_by_text(re.compile("^Pump returned: it is free again")).wait_for()

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.RETURNED and episode.returned_at is not None
    assert dict(episode.visits.values_list("kind", "status")) == {
        VisitKind.FITTING: VisitStatus.DONE, VisitKind.REVIEW: VisitStatus.DONE, VisitKind.REMOVAL: VisitStatus.DONE}
