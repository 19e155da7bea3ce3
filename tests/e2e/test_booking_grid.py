"""The booking page's "change this session" through the slot grid, and a new patient to a booked course, in a
real browser (issue 13). Clicks and key presses are counted (tests/e2e/hands.py) and held to budgets; the
booking page with the grid open is checked with axe-core at 1440 and 768 px."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bookings.models import Patient, TreatmentCycle
from tests.e2e.conftest import assert_accessible, navigate, screenshot, sign_in
from tests.e2e.hands import count_hands
from tests.e2e.test_booking_keys import LAST, build_desk, choose_protocol, focused, open_patient, row_state
from tests.e2e.test_patients import register

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

#: "Change" on a row, and a time in its grid: two clicks, no key (measured: 2 and 0).
CHANGE = {"clicks": 2, "keys": 0}


def test_new_patient_to_a_booked_course(live_server, contexts):
    """From the patients page: register a new patient (the details typed as a person types them; those keys do
    not count), then book a six-session course: at most 15 clicks and 10 key presses beyond the details."""
    build_desk()
    base = live_server.url
    page = contexts().page()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, base, "rita")
    page.goto(f"{base}/patients/")
    hands = count_hands(page)
    register(
        page,
        first="Marta",
        last="Lindqvist",
        born=dt.date(1979, 4, 2),
        email="marta.l@example.org",
        phone="(212) 555-0144",
    )
    hands.settle(page)
    mark = hands.mark()

    navigate(page, page.get_by_role("button", name="Register"))
    page.get_by_role("heading", name="Marta Lindqvist").wait_for()
    navigate(page, page.get_by_role("link", name="Book a course"))
    choose_protocol(page)
    navigate(page, page.get_by_role("button", name="Propose dates"))
    page.get_by_text("Every session fits.").wait_for()
    navigate(page, page.get_by_role("button", name="Book all 6 sessions"))
    page.get_by_role("heading", name="Course booked for Marta Lindqvist").wait_for()
    clicks, keys = hands.assert_within(page, since=mark, clicks=15, keys=10, what="new patient to booked course")
    print(f"new patient to booked course: {clicks} clicks, {keys} key presses beyond the details")
    marta = Patient.objects.get(last_name="Lindqvist")
    assert TreatmentCycle.objects.get(patient=marta).sessions.count() == 6


def test_changing_a_proposed_session_through_the_slot_grid(live_server, contexts):
    """Propose a course, press Change on the sixth row: the grid offers times that keep the spacing with the
    other five rows; a click fills the row's date and time, the row is checked, the focus is back on the row."""
    tz, patient = build_desk()
    base = live_server.url
    page = contexts().page()
    page.set_viewport_size({"width": 1440, "height": 900})
    open_patient(page, base, patient)
    navigate(page, page.get_by_role("link", name="Book a course"))
    choose_protocol(page)
    navigate(page, page.get_by_role("button", name="Propose dates"))
    page.get_by_text("Every session fits.").wait_for()
    before = row_state(page, LAST)
    hands = count_hands(page)

    page.locator(f"#change-{LAST}").click()
    grid = page.locator("#change-grid .slot-grid")
    grid.locator(".slot-day").first.wait_for()
    assert focused(page) == f"slots-title-row-{LAST}"  # the grid's heading, to read on from
    assert page.locator(f"#change-{LAST}").get_attribute("aria-expanded") == "true"
    for width in (1440, 768):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"booking page with the slot grid open at {width} px")
        screenshot(page, f"booking-change-grid-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})

    # A later day than proposed: the second column's last time.
    choice = grid.locator(".slot-day").nth(1).locator("button.slot-time").last
    day, time = choice.get_attribute("data-pick-day"), choice.get_attribute("data-pick-time")
    assert (day, time) != (before["day"], before["time"])
    with page.expect_response(lambda response: "/book/check/" in response.url):
        choice.click()
    when = dt.date.fromisoformat(day)
    page.locator(f"#check-{LAST}", has_text=f"{when:%a} {when.day} {when:%b}").wait_for()
    state = row_state(page, LAST)
    assert (state["day"], state["time"]) == (day, time) and "Fits" in state["check"]
    assert page.locator("#change-grid .slot-grid").count() == 0 and focused(page) == f"change-{LAST}"
    page.get_by_text("Every session fits.").wait_for()
    clicks, keys = hands.assert_within(page, what="a proposed session changed through the slot grid", **CHANGE)

    # From the keyboard: Ctrl+Enter in a row's date opens its grid; Escape closes it, the focus back in the date.
    page.locator("#day-0").focus()
    page.keyboard.press("Control+Enter")
    page.locator("#slots-title-row-0").wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'slots-title-row-0'")
    page.keyboard.press("Escape")
    assert page.locator("#change-grid .slot-grid").count() == 0 and focused(page) == "day-0"

    navigate(page, page.get_by_role("button", name="Book all 6 sessions"))
    page.get_by_role("heading", name="Course booked for Laura Kowalski").wait_for()
    sessions = list(TreatmentCycle.objects.get(patient=patient).sessions.order_by("sequence"))
    assert sessions[-1].starts_at == dt.datetime.combine(when, dt.time.fromisoformat(time), zoneinfo.ZoneInfo(tz.key))
