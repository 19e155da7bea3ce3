"""A make-up session in a real browser: a course whose second session was cancelled says "1 session short";
"Add a make-up session" opens the slot grid of a new session of the course; a time, then "Yes, add the
session": the course page shows it, numbered by its time. Clicks and key presses are counted (hands.py)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from bookings import services
from bookings.models import InfusionSession
from common.api import FRONT_DESK
from tests.e2e.conftest import assert_accessible, focus_lands, morning_zone, navigate, screenshot, sign_in
from tests.e2e.hands import count_hands
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, ProtocolFactory, book_course
from tests.helpers import staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_make_up_session_through_the_grid(live_server, contexts):
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Harbour Infusion", slug="harbour", timezone=tz.key,
                           hours={d: [("08:00", "18:00")] for d in range(7)})
    for i in (1, 2):
        ChairFactory(clinic=clinic, name=f"Chair {i}")
    NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    protocol = ProtocolFactory(clinic=clinic, name="Short course", session_count=3, chair_minutes=60,
                               min_gap_hours=20, window_days=21)
    patient = PatientFactory(clinic=clinic, first_name="Lena", last_name="Marsh")
    today = dt.datetime.now(tz).date()
    at_ten = [dt.datetime.combine(today + dt.timedelta(days=d), dt.time(10)) for d in (1, 3, 5)]
    cycle = book_course(patient=patient, clinic=clinic, protocol=protocol, starts=at_ten).cycle
    missed = services.session_cancel(session=cycle.sessions.get(sequence=2), by_party="patient", reason="Away")
    staff_user(FRONT_DESK, clinic, username="dora", first_name="Dora")

    page = contexts().page()
    sign_in(page, live_server.url, "dora")
    page.goto(f"{live_server.url}/courses/{cycle.pk}/")
    page.get_by_text("1 session short").wait_for()
    hands = count_hands(page)

    navigate(page, page.get_by_role("link", name="Add a make-up session"))
    grid = page.locator(".slot-grid")
    grid.locator(".slot-day button.slot-time").first.wait_for()
    for width in (1440, 768):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"make-up grid at {width} px")
        screenshot(page, f"course-make-up-{width}")

    # The last day shown: after the course's last session, so the make-up becomes session 3 of 3.
    choice = grid.locator(".slot-day").last.locator("button.slot-time").first
    starts_at = choice.get_attribute("value")
    choice.click()
    page.get_by_role("heading", name="Add the make-up session?").wait_for()
    focus_lands(page, "Yes, add the session", on="text")
    assert_accessible(page, "make-up confirmation")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Yes, add the session").click()
    page.get_by_text(re.compile("^Make-up session added: session 3 of 3")).wait_for()
    made = InfusionSession.objects.get(made_up_for=missed)
    assert made.starts_at == dt.datetime.fromisoformat(starts_at).replace(tzinfo=tz) and made.sequence == 3
    assert page.get_by_text("1 session short").count() == 0
    clicks, keys = hands.assert_within(page, clicks=3, keys=0, what="a make-up session through the grid")
    print(f"make-up through the grid: {clicks} clicks, {keys} key presses")
