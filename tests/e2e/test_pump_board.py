"""The pump board in a real browser (issue 16): the front desk signs in, opens the pump board from the navigation,
moves a week on, opens an episode from its cell and reads its visits. Clicking as a person does."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from common.api import FRONT_DESK
from pumps.models import ReviewMode
from tests.e2e.conftest import assert_accessible, morning_zone, navigate, screenshot, sign_in
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory
from tests.helpers import staff_user
from tests.pumps.factories import PumpCourseFactory, PumpFactory, episode_with_visits

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_desk_finds_next_weeks_episode_on_the_pump_board(live_server, contexts):
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Harbour Infusion", slug="harbour", timezone=tz.key,
                           hours={d: [("08:00", "18:00")] for d in range(5)})
    chair = ChairFactory(clinic=clinic, name="Chair 1")
    nurse = NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    PumpFactory(clinic=clinic, label="Pump 1")
    pump = PumpFactory(clinic=clinic, label="Pump 2")
    patient = PatientFactory(clinic=clinic, first_name="Lena", last_name="Marsh")
    course = PumpCourseFactory(clinic=clinic, patient=patient, protocol__name="Five-day pump",
                               protocol__episode_days=3, protocol__review_mode=ReviewMode.PHONE)
    # Fitted on the Wednesday of next week at 10:00: past this board's first week, inside its second.
    today = dt.datetime.now(tz).date()
    wednesday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=9)
    episode = episode_with_visits(course=course, pump=pump, chair=chair, nurse=nurse,
                                  fitting_at=dt.datetime.combine(wednesday, dt.time(10), tz))
    staff_user(FRONT_DESK, clinic, username="dora", first_name="Dora")

    desk = contexts().page()
    sign_in(desk, live_server.url, "dora")
    navigate(desk, desk.get_by_role("navigation", name="Main").get_by_role("link", name="Pumps"))
    desk.get_by_role("heading", name=re.compile("^Pump board: Harbour Infusion")).wait_for()
    board = desk.get_by_role("table")
    assert board.get_by_role("rowheader", name="Pump 1").is_visible()
    assert board.get_by_role("rowheader", name="Pump 2").is_visible()
    assert_accessible(desk, "pump board")

    navigate(desk, desk.get_by_role("link", name="Next week"))
    monday = wednesday - dt.timedelta(days=2)
    desk.get_by_role("heading", name=re.compile(f"{monday.day} {monday:%b}")).wait_for()
    cell = desk.get_by_role("link", name=re.compile("^LM Episode 1"))
    assert cell.count() == 1
    screenshot(desk, "pump-board-1440")
    desk.set_viewport_size({"width": 768, "height": 1024})
    assert_accessible(desk, "pump board at 768 px")
    screenshot(desk, "pump-board-768")
    cell.scroll_into_view_if_needed()
    navigate(desk, cell)

    desk.wait_for_url(re.compile(rf"/episodes/{episode.pk}/$"))
    desk.get_by_role("heading", name=re.compile("^Pump episode 1 of 1")).wait_for()
    assert desk.get_by_text("Pump 2").first.is_visible()
    visits = desk.get_by_role("table").get_by_role("row")
    assert visits.count() == 1 + 4  # the header, the fitting, two reviews, the removal
    rows = [visits.nth(i).inner_text() for i in range(1, 5)]
    assert rows[0].startswith("Fitting") and "Day 0" in rows[0] and "Chair 1" in rows[0] and "Ada Nurse" in rows[0]
    assert "Daily review" in rows[1] and "by phone" in rows[1] and "Day 1" in rows[1]
    assert "Daily review" in rows[2] and "Day 2" in rows[2]
    assert rows[3].startswith("Removal") and "Day 3" in rows[3] and "Planned" in rows[3]
    assert_accessible(desk, "episode page at 768 px")
    screenshot(desk, "pump-episode-768")
