"""When plans break, in a real browser (issue 14): a clinic admin adds a closure over booked sessions on the desk's
closures page, sees them listed before anything is saved, saves, and finds them in the Needs moving worklist."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from bookings.models import InfusionSession
from common.api import ADMIN
from scheduler.models import Closure
from tests.e2e.conftest import assert_accessible, morning_zone, navigate, screenshot, sign_in, type_date, type_in
from tests.e2e.hands import count_hands
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, book_course
from tests.helpers import staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WIDTHS = (1440, 768)


def accessible_at_both_widths(page, what: str, shot: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{what} at {width} px")
        screenshot(page, f"{shot}-{width}")
    page.set_viewport_size({"width": 1280, "height": 860})


def test_an_admin_closes_a_day_over_booked_sessions_and_finds_them_to_move(live_server, contexts):
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside", timezone=tz.key, start_stagger_minutes=0,
                           hours={d: [("06:00", "20:00")] for d in range(7)})
    chair = ChairFactory(clinic=clinic, name="Chair 1")
    ChairFactory(clinic=clinic, name="Chair 2")
    nurse = NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    day = dt.datetime.now(tz).date() + dt.timedelta(days=7)
    booked = [
        book_course(patient=PatientFactory(clinic=clinic, first_name=first, last_name=last), clinic=clinic,
                    protocol="booster-iv", starts=[dt.datetime.combine(day, dt.time(hour))], chair=chair, nurse=nurse)
        .sessions[0]
        for first, last, hour in (("Jane", "Roe", 9), ("Omar", "Haddad", 13))
    ]
    staff_user(ADMIN, clinic, username="alice", first_name="Alice", last_name="Grant")
    base = live_server.url
    page = contexts().page()
    sign_in(page, base, "alice")
    page.get_by_role("heading", name=re.compile("Day board")).wait_for()
    hands = count_hands(page)

    navigate(page, page.get_by_role("link", name="Closures"))
    page.get_by_role("heading", name="Closures: Riverside Infusion").wait_for()
    assert page.get_by_label("What closes").input_value() == ""  # the whole clinic, the usual case
    type_date(page.get_by_label("First day"), day)
    type_date(page.get_by_label("Last day"), day)
    type_in(page.get_by_label("Reason"), "Burst pipe")
    navigate(page, page.get_by_role("button", name="Check and save the closure"))

    # Nothing saved yet: the two booked sessions are listed, with why they cannot stay.
    page.get_by_role("heading", name="2 booked sessions would need moving").wait_for()
    table = page.get_by_role("table", name="Booked sessions this closure strands")
    for name in ("Jane Roe", "Omar Haddad"):
        table.get_by_role("link", name=name).wait_for()
    assert "The clinic is closed" in table.inner_text()
    assert not Closure.objects.exists()
    accessible_at_both_widths(page, "closure impact", "closures-impact")

    navigate(page, page.get_by_role("button", name="Save the closure and mark them"))
    page.get_by_text("The closure is saved. 2 booked sessions now need moving").wait_for()
    page.get_by_role("cell", name="Burst pipe").wait_for()
    assert Closure.objects.get().reason == "Burst pipe"
    assert set(InfusionSession.objects.filter(needs_moving_since__isnull=False).values_list("pk", flat=True)) == {
        s.pk for s in booked
    }

    navigate(page, page.get_by_role("link", name="Worklists"))
    moving = page.get_by_role("region", name="Needs moving")
    for name in ("Roe, Jane", "Haddad, Omar"):
        moving.get_by_role("link", name=name).wait_for()
    assert moving.get_by_text("Closure added: Burst pipe").count() == 2
    accessible_at_both_widths(page, "needs moving worklist", "closures-needs-moving")
    used = hands.assert_within(page, clicks=12, keys=40, what="day board to a saved closure and its worklist")
    print(f"budget: closure with impact {used}")  # noqa: T201
