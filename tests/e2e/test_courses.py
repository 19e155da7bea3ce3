"""The course page in a real browser: cancelling a whole course from the desk (patient → course → cancel →
confirm, told beforehand which sessions count as late), and cancelling one session with its late warning.
Both held to a click and key budget (tests/e2e/hands.py)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from bookings.models import CycleStatus, InfusionSession, SessionStatus, TreatmentCycle
from common.api import FRONT_DESK
from tests.e2e.conftest import (
    assert_accessible,
    focus_lands,
    morning_zone,
    navigate,
    screenshot,
    screenshot_at_widths,
    sign_in,
    type_in,
)
from tests.e2e.hands import count_hands
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, ProtocolFactory, book_course
from tests.helpers import staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WIDTHS = (1440, 768)


def build_clinic():
    """A clinic where it is mid-morning now, open 06:00–20:00 every day, with a three-session protocol."""
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside", timezone=tz.key, start_stagger_minutes=0,
                           hours={d: [("06:00", "20:00")] for d in range(7)})
    for i in (1, 2):
        ChairFactory(clinic=clinic, name=f"Chair {i}")
    NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    protocol = ProtocolFactory(clinic=clinic, name="Short course", session_count=3, chair_minutes=60,
                               min_gap_hours=20, window_days=14)
    staff_user(FRONT_DESK, clinic, username="bob", first_name="Bob")
    return clinic, tz, protocol


def book_soon(clinic, tz, protocol, first_name: str, hour_offset: int = 0):
    """A course whose first session is tomorrow, less than 24 hours away (a cancel would be late), the others later."""
    now = dt.datetime.now(tz)
    tomorrow = (now + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0, tzinfo=None)
    first = tomorrow - dt.timedelta(hours=1 - hour_offset)  # about 23 hours away, inside opening hours
    patient = PatientFactory(clinic=clinic, first_name=first_name, last_name="Rowe", email=f"{first_name.lower()}@example.org",
                             email_consent=True, email_consent_at=dt.datetime.now(dt.UTC), email_consent_source="intake form")
    later = [(first + dt.timedelta(days=d)).replace(hour=10) for d in (3, 5)]
    return patient, book_course(patient=patient, clinic=clinic, protocol=protocol, starts=[first, *later])


def test_cancelling_a_whole_course_from_the_desk(live_server, contexts):
    clinic, tz, protocol = build_clinic()
    patient, booked = book_soon(clinic, tz, protocol, "Jane")
    base = live_server.url
    page = contexts().page()
    sign_in(page, base, "bob")
    page.goto(f"{base}/patients/{patient.pk}/")
    hands = count_hands(page)

    # The patient page → the course page: its sessions and progress, in the clinic's time.
    navigate(page, page.get_by_role("link", name="Short course"))
    page.get_by_role("heading", name=re.compile("^Short course")).wait_for()
    page.get_by_text("0 completed, 3 booked, 0 cancelled of 3").wait_for()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"course page at {width} px")
        screenshot(page, f"course-{width}")

    # Cancel: who asked (the patient, the default) and why; then the confirmation says what will happen.
    page.locator("summary", has_text="Cancel the whole course").click()
    reason = "Moving away"
    type_in(page.get_by_label("Reason"), reason)
    navigate(page, page.get_by_role("button", name="Cancel course…"))
    confirm = page.locator(".confirm-panel")
    confirm.get_by_text("These 3 sessions will be cancelled; 1 of them counts as late").wait_for()
    assert confirm.locator(".cancel-preview li").count() == 3
    assert confirm.locator(".cancel-preview li", has_text="Late").count() == 1
    assert TreatmentCycle.objects.get(pk=booked.cycle.pk).status == CycleStatus.PLANNED  # nothing done yet
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"course cancel confirmation at {width} px")
        screenshot(page, f"course-cancel-confirm-{width}")
    navigate(page, page.get_by_role("button", name="Yes, cancel the course"))
    page.get_by_text("Course cancelled: 3 sessions cancelled, 1 of them late.").wait_for()

    # Open the course, the cancel form, the reason field, "Cancel course…", "Yes": 5 clicks; the reason typed.
    hands.assert_within(page, clicks=5, keys=len(reason), what="cancelling a course from the patient page")
    cycle = TreatmentCycle.objects.get(pk=booked.cycle.pk)
    assert cycle.status == CycleStatus.CANCELLED and cycle.cancel_reason == reason
    assert sorted(InfusionSession.objects.filter(cycle=cycle).values_list("status", flat=True)) == sorted(
        [SessionStatus.LATE_CANCELLED, SessionStatus.CANCELLED, SessionStatus.CANCELLED]
    )


def test_cancelling_one_session_warns_that_it_will_be_late(live_server, contexts):
    clinic, tz, protocol = build_clinic()
    _, booked = book_soon(clinic, tz, protocol, "Lena")
    first = booked.sessions[0]
    base = live_server.url
    page = contexts().page()
    sign_in(page, base, "bob")
    page.goto(f"{base}/sessions/{first.pk}/")
    hands = count_hands(page)

    panel = page.locator("#panel")
    panel.locator("summary", has_text="Cancel this session").click()
    # Said before anything is pressed: a cancel now counts as late.
    panel.get_by_text(re.compile("Cancelling now counts as late")).wait_for()
    reason = "Unwell"
    type_in(panel.get_by_label("Reason"), reason)
    panel.get_by_role("button", name="Cancel session…").click()
    panel.get_by_text("It will be recorded as a late cancellation.").wait_for()
    assert InfusionSession.objects.get(pk=first.pk).status == SessionStatus.BOOKED  # asked first
    # The confirm button has the focus: Enter would do; a person clicks it.
    focus_lands(page, "Yes, cancel it (late)", on="text")
    assert_accessible(page, "session cancel confirmation")
    screenshot_at_widths(page, "session-cancel-confirm")
    panel.get_by_role("button", name="Yes, cancel it (late)").click()
    panel.get_by_text(re.compile(r"^Session cancelled \(late")).wait_for()

    # The cancel section, the reason field, "Cancel session…", "Yes": 4 clicks; the reason typed.
    hands.assert_within(page, clicks=4, keys=len(reason), what="cancelling one session")
    assert InfusionSession.objects.get(pk=first.pk).status == SessionStatus.LATE_CANCELLED
