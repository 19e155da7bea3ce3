"""Staff management in a real browser: a clinic admin (with two-factor sign-in) invites a receptionist, who opens the
link of her email in her own browser, types a password, signs in and lands on the day board. Clicks and keys counted."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail as django_mail

from common.api import ADMIN, FRONT_DESK
from scheduler.models import Shift, StaffRole, TimeOff
from tests.e2e.conftest import assert_accessible, morning_zone, navigate, screenshot, sign_in, type_date, type_in
from tests.e2e.hands import count_hands
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, book_course
from tests.helpers import staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

NEW_PASSWORD = "river-stone-lantern-42"
WIDTHS = (1440, 768)


def accessible_at_both_widths(page, what: str, shot: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{what} at {width} px")
        screenshot(page, f"{shot}-{width}")
    page.set_viewport_size({"width": 1280, "height": 860})


def test_an_admin_invites_a_receptionist_who_then_signs_in(live_server, contexts, settings):
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside", timezone=tz.key,
                           hours={d: [("06:00", "20:00")] for d in range(7)})
    staff_user(ADMIN, clinic, username="alice", first_name="Alice", last_name="Grant")  # signs in with her app
    staff_user(FRONT_DESK, clinic, username="frank", first_name="Frank", last_name="Desk")
    base = live_server.url
    settings.SITE_URL = base  # the link in the email points at this server
    django_mail.outbox.clear()

    # The admin, signed in with her second factor, goes from the day board to Staff and invites Rita.
    page = contexts().page()
    sign_in(page, base, "alice")
    page.get_by_role("heading", name=re.compile("Day board")).wait_for()
    hands = count_hands(page)
    navigate(page, page.get_by_role("link", name="Staff"))
    page.get_by_role("cell", name="frank", exact=True).wait_for()
    accessible_at_both_widths(page, "staff list", "staff-list")
    navigate(page, page.get_by_role("link", name="Invite a staff member"))
    assert page.get_by_role("radio", name="Front desk").is_checked()  # the usual role is chosen already
    assert page.get_by_role("checkbox", name="Riverside Infusion").is_checked()  # her only clinic
    accessible_at_both_widths(page, "invite form", "staff-invite")
    hands.settle(page)
    before_details = hands.mark()
    type_in(page.get_by_label("First name"), "Rita")
    type_in(page.get_by_label("Last name"), "Ames")
    type_in(page.get_by_label("Email"), "rita@example.org")
    type_in(page.get_by_label("Username"), "rita")
    hands.settle(page)
    details = hands.count(before_details)
    after_details = hands.mark()
    navigate(page, page.get_by_role("button", name="Send the invitation"))
    page.get_by_text("Rita Ames is invited: a link to set a password went to rita@example.org.").wait_for()
    page.get_by_role("heading", name="Rita Ames").wait_for()
    accessible_at_both_widths(page, "staff member page", "staff-member")
    clicks, keys = hands.assert_within(page, since=after_details, clicks=1, keys=0, what="invite after the details")
    total = hands.assert_within(page, clicks=8, keys=40, what="day board to an invited receptionist")
    print(f"budget: details {details}, after them {(clicks, keys)}, total {total}")  # noqa: T201 (the report)

    # Rita's email: no password, a link; she opens it in her own browser and types a password twice.
    (sent,) = django_mail.outbox
    assert sent.to == ["rita@example.org"] and "rita" in sent.body
    link = re.search(r"(http://\S+/staff/welcome/\S+/)", sent.body)[1]
    rita = contexts().page()
    rita_hands = count_hands(rita)
    rita.goto(link)
    rita.get_by_role("heading", name="Set your password").wait_for()
    accessible_at_both_widths(rita, "set-password page", "staff-welcome")
    type_in(rita.get_by_label("New password", exact=True), NEW_PASSWORD)
    type_in(rita.get_by_label("New password confirmation"), NEW_PASSWORD)
    navigate(rita, rita.get_by_role("button", name="Set the password"))
    rita.get_by_text("Your password is set. Sign in as rita.").wait_for()
    type_in(rita.get_by_label("Username"), "rita")
    type_in(rita.get_by_label("Password"), NEW_PASSWORD)
    navigate(rita, rita.get_by_role("button", name="Sign in"))
    rita.wait_for_url(f"{base}/")
    rita.get_by_role("heading", name=re.compile("Day board: Riverside Infusion")).wait_for()
    assert rita.get_by_role("link", name="Staff").count() == 0  # a receptionist manages no one
    rita_used = rita_hands.assert_within(rita, clicks=6, keys=2 * len(NEW_PASSWORD) + len("rita") + len(NEW_PASSWORD),
                                         what="link to the day board")
    print(f"budget: receptionist {rita_used}")  # noqa: T201

    # The link worked once.
    rita.goto(link)
    rita.get_by_text("This link does not work any more").wait_for()
    assert get_user_model().objects.get(username="rita").check_password(NEW_PASSWORD)


def pick_time(locator, text: str) -> None:
    """Click a time list (labelled in the clinic's clock format) and type the time as it reads, e.g. "08:00";
    Enter takes it and closes the list."""
    locator.click()
    locator.page.keyboard.type(text, delay=15)
    locator.page.keyboard.press("Enter")


def tab_to_time(page, text: str) -> None:
    """Tab to the next time list and type the time as it reads: a closed list takes it as typed."""
    page.keyboard.press("Tab")
    page.keyboard.type(text, delay=15)


def test_an_admin_sets_a_nurses_week_and_time_off(live_server, contexts):
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside", timezone=tz.key,
                           hours={d: [("06:00", "20:00")] for d in range(5)})
    nurse = NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    NurseFactory(clinic=clinic, first_name="Elena", last_name="Marsh", role=StaffRole.PROVIDER, shifts={})
    staff_user(ADMIN, clinic, username="alice", first_name="Alice", last_name="Grant")
    base = live_server.url
    page = contexts().page()
    sign_in(page, base, "alice")
    hands = count_hands(page)
    navigate(page, page.get_by_role("link", name="Staff"))
    assert page.get_by_role("link", name="Marsh, Elena").count() == 0  # a provider has no shifts
    navigate(page, page.get_by_role("link", name="Nurse, Ada"))
    page.get_by_role("heading", name="Ada Nurse: week and time off").wait_for()
    accessible_at_both_widths(page, "nurse's week", "staff-nurse")

    # Saturdays from now on: 8:00 to 12:00, typed into the grid.
    pick_time(page.get_by_label("Saturday starts"), "08:00")
    tab_to_time(page, "12:00")  # Saturday ends
    navigate(page, page.get_by_role("button", name="Save the week"))
    page.get_by_text("Ada Nurse's week is saved.").wait_for()
    saturday = Shift.objects.get(staff=nurse, weekday=5)
    assert (saturday.starts, saturday.ends) == (dt.time(8), dt.time(12))
    assert Shift.objects.filter(staff=nurse).count() == 6  # the weekdays kept

    # A day off next week, with a reason.
    day = dt.datetime.now(tz).date() + dt.timedelta(days=7)
    type_date(page.get_by_label("First day"), day)
    type_date(page.get_by_label("Last day"), day)
    type_in(page.get_by_label("Reason"), "Training")
    navigate(page, page.get_by_role("button", name="Add the time off"))
    page.get_by_text("The time off is saved").wait_for()
    page.get_by_role("cell", name="Training").wait_for()
    off = TimeOff.objects.get(staff=nurse)
    assert off.starts_at == dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    accessible_at_both_widths(page, "nurse's week with time off", "staff-nurse-time-off")
    used = hands.assert_within(page, clicks=10, keys=40, what="staff list to a week and a day off")
    print(f"budget: week and time off {used}")  # noqa: T201


def test_a_week_that_strands_a_booked_session_lists_it_first(live_server, contexts):
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside", timezone=tz.key, start_stagger_minutes=0,
                           hours={d: [("06:00", "20:00")] for d in range(7)})
    chair = ChairFactory(clinic=clinic, name="Chair 1")
    nurse = NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    day = dt.datetime.now(tz).date() + dt.timedelta(days=7)
    session = book_course(patient=PatientFactory(clinic=clinic, first_name="Jane", last_name="Roe"), clinic=clinic,
                          protocol="booster-iv", starts=[dt.datetime.combine(day, dt.time(9))], chair=chair,
                          nurse=nurse).sessions[0]
    staff_user(ADMIN, clinic, username="alice", first_name="Alice", last_name="Grant")
    page = contexts().page()
    sign_in(page, live_server.url, "alice")
    navigate(page, page.get_by_role("link", name="Staff"))
    navigate(page, page.get_by_role("link", name="Nurse, Ada"))
    weekday = day.strftime("%A")

    # Her shift that day starts at 10:00 from now on: Jane Roe's 09:00 session is listed, nothing saved yet.
    pick_time(page.get_by_label(f"{weekday} starts"), "10:00")
    navigate(page, page.get_by_role("button", name="Save the week"))
    page.get_by_role("heading", name="1 booked session with this nurse would need moving").wait_for()
    table = page.get_by_role("table", name="Booked sessions this week strands")
    table.get_by_role("link", name="Jane Roe").wait_for()
    assert "not on shift" in table.inner_text()
    assert Shift.objects.get(staff=nurse, weekday=day.weekday()).starts == dt.time(6)
    accessible_at_both_widths(page, "nurse's week impact", "staff-nurse-week-impact")

    navigate(page, page.get_by_role("button", name="Save the week and mark them"))
    page.get_by_text("Ada Nurse's week is saved.").wait_for()
    page.get_by_text("1 booked session with this nurse needs moving").wait_for()
    assert Shift.objects.get(staff=nurse, weekday=day.weekday()).starts == dt.time(10)
    session.refresh_from_db()
    assert session.needs_moving_since is not None
