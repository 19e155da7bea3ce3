"""Moving a session through the slot grid in a real browser: open the session, open "Move this session" (the
grid loads with Thursday and Afternoon ticked from the patient's note "Thursday afternoon"), click a time: moved,
and the answer has the focus. Clicks and key presses are counted (tests/e2e/hands.py)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from bookings import services
from bookings.models import InfusionSession
from common.api import FRONT_DESK
from tests.e2e.conftest import assert_accessible, focus_lands, morning_zone, screenshot, sign_in
from tests.e2e.hands import count_hands
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, ProtocolFactory, book_course
from tests.helpers import staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THURSDAY = 3


def test_moving_a_session_through_the_slot_grid(live_server, contexts):
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Harbour Infusion", slug="harbour", timezone=tz.key,
                           hours={d: [("08:00", "18:00")] for d in range(7)})
    for i in (1, 2):
        ChairFactory(clinic=clinic, name=f"Chair {i}")
    NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    # Three one-hour sessions at least 20 h apart within 21 days: the third may move to any of about 18 days.
    protocol = ProtocolFactory(clinic=clinic, name="Short course", session_count=3, chair_minutes=60,
                               min_gap_hours=20, window_days=21)
    patient = PatientFactory(clinic=clinic, first_name="Lena", last_name="Marsh")
    today = dt.datetime.now(tz).date()
    at_ten = [dt.datetime.combine(today + dt.timedelta(days=d), dt.time(10)) for d in (1, 2, 16)]
    third = book_course(patient=patient, clinic=clinic, protocol=protocol, starts=at_ten).sessions[2]
    services.session_request_reschedule(session=third, note="Thursday afternoon would be easier")
    staff_user(FRONT_DESK, clinic, username="dora", first_name="Dora")

    page = contexts().page()
    sign_in(page, live_server.url, "dora")
    page.goto(f"{live_server.url}/sessions/{third.pk}/")
    panel = page.locator("#panel")
    panel.get_by_text("Patient asked to reschedule on").wait_for()
    hands = count_hands(page)

    # The request keeps "Move this session" open and the grid loads with the panel, the note just above it.
    panel.get_by_text("“Thursday afternoon would be easier”").wait_for()
    grid = panel.locator(".slot-grid")
    grid.locator(".slot-day").first.wait_for()
    # The note ticks Thursday and Afternoon itself, and says so (the person could untick them).
    grid.get_by_text("Filters set from the patient's note: Thu, afternoon.").wait_for()
    assert panel.get_by_role("checkbox", name="Thu").is_checked()
    assert panel.get_by_role("checkbox", name="Afternoon").is_checked()
    days = grid.locator(".slot-day h4")
    page.wait_for_function(
        """() => {
          const heads = [...document.querySelectorAll('.slot-day h4')].map(h => h.textContent);
          const times = [...document.querySelectorAll('.slot-day button.slot-time')].map(b => b.value.slice(11));
          return heads.length > 0 && heads.every(h => h.startsWith('Thu'))
            && times.length > 0 && times.every(t => t >= '12:00' && t < '17:00');
        }"""
    )
    assert all(text.startswith("Thu ") for text in days.all_text_contents())
    for width in (1440, 768):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"slot grid at {width} px")
        screenshot(page, f"slot-grid-{width}")

    choice = grid.locator(".slot-day button.slot-time").nth(1)
    starts_at = choice.get_attribute("value")
    choice.click()
    panel.get_by_text(re.compile("^Moved to")).wait_for()
    focus_lands(page, f"panel-answer-{third.pk}")
    moved = InfusionSession.objects.get(pk=third.pk)
    assert moved.starts_at == dt.datetime.fromisoformat(starts_at).replace(tzinfo=tz)
    assert moved.starts_at.astimezone(tz).weekday() == THURSDAY and 12 <= moved.starts_at.astimezone(tz).hour < 17
    assert moved.reschedule_requested_at is None
    clicks, keys = hands.assert_within(page, clicks=1, keys=0, what="a session moved through the slot grid")
    print(f"slot grid move: {clicks} clicks, {keys} key presses")
