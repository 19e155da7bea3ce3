"""The day board's nurse, now-line and marks; tomorrow's unconfirmed patients phoned and marked called; the
huddle sheet; an email's HTML part in the outbox: in a real browser, at desk and tablet widths (issue 13)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from bookings.models import CycleStatus, EmailKind, EmailStatus, InfusionSession, PatientEmail, SessionStatus
from common.api import FRONT_DESK
from tests.e2e.conftest import assert_accessible, focus_lands, morning_zone, navigate, screenshot, sign_in
from tests.e2e.hands import count_hands
from tests.factories import (
    ChairFactory,
    ClinicFactory,
    CycleFactory,
    NurseFactory,
    PatientFactory,
    SessionFactory,
    shared_protocol,
)
from tests.helpers import staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WIDTHS = (1440, 768)


def build_clinic():
    """A clinic where it is mid-morning now: today's board with a request and a failed email, and tomorrow's
    sessions, two of them not confirmed."""
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside", timezone=tz.key,
                           hours={d: [("06:00", "20:00")] for d in range(7)})
    chairs = [ChairFactory(clinic=clinic, name=f"Chair {i}") for i in range(1, 5)]
    nurses = [NurseFactory(clinic=clinic, first_name=n, last_name="Nurse") for n in ("Ada", "Ben")]
    protocol = shared_protocol("depression-iv")
    now = dt.datetime.now(tz)
    hour = now.replace(minute=0, second=0, microsecond=0)
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(9), tzinfo=tz)

    def session(first, last, chair, nurse, start, status, sequence, phone="+1 (212) 555-0100"):
        patient = PatientFactory(clinic=clinic, first_name=first, last_name=last, phone=phone)
        cycle = CycleFactory(patient=patient, protocol=protocol, status=CycleStatus.ACTIVE)
        return SessionFactory(cycle=cycle, chair=chairs[chair], nurse=nurses[nurse], starts_at=start,
                              ends_at=start + dt.timedelta(hours=2), status=status, sequence=sequence)

    session("Tom", "Becker", 0, 0, hour - dt.timedelta(hours=1), SessionStatus.IN_CHAIR, 2)
    asked = session("Ruth", "Okafor", 1, 1, hour + dt.timedelta(hours=2), SessionStatus.CONFIRMED, 4)
    InfusionSession.objects.filter(pk=asked.pk).update(reschedule_requested_at=now)
    failed = session("Ken", "Sato", 2, 0, hour + dt.timedelta(hours=3), SessionStatus.BOOKED, 3)
    PatientEmail.objects.create(
        clinic=clinic, patient=failed.patient, cycle=failed.cycle, session=failed, kind=EmailKind.CONFIRMATION,
        session_starts_at=failed.starts_at, session_version=1, due_at=now, send_after=now,
        status=EmailStatus.FAILED, attempts=6, last_error="550 mailbox unavailable",
    )
    first = session("Lena", "Fischer", 0, 0, tomorrow, SessionStatus.BOOKED, 1, phone="+1 (212) 555-0142")
    session("Omar", "Haddad", 1, 1, tomorrow + dt.timedelta(hours=1), SessionStatus.BOOKED, 3)
    session("Ines", "Duarte", 2, 0, tomorrow, SessionStatus.CONFIRMED, 5)
    return {"clinic": clinic, "desk": staff_user(FRONT_DESK, clinic, username="bob", first_name="Bob"),
            "first": first}


def accessible_at_both_widths(page, what: str, shot: str) -> None:
    """axe-core at a desk's and a tablet's width, with a screenshot at each (`<shot>-<width>.png`)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{what} at {width} px")
        screenshot(page, f"{shot}-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})


def test_the_board_marks_and_tomorrows_calls(live_server, contexts):
    world = build_clinic()
    base = live_server.url
    page = contexts().page()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, base, world["desk"].username)

    # The board: each card names its nurse; the now-line is drawn; the marks say what they mean in words.
    page.get_by_role("heading", name=re.compile("Day board: Riverside Infusion")).wait_for()
    board = page.locator("#board")
    assert board.locator("a.slot", has_text="Ruth Okafor").locator("text=Nurse Ben Nurse").count() == 1
    assert board.locator("a.slot", has_text="Ruth Okafor").get_by_text("Asked to move").is_visible()
    assert board.locator("a.slot", has_text="Ken Sato").get_by_text("Email failed").is_visible()
    assert board.locator("td.now-line").count() >= 1 and board.locator("td.now-line").first.is_visible()
    assert page.get_by_text(re.compile(r"Now \d\d:\d\d: the red line")).is_visible()
    accessible_at_both_widths(page, "day board with marks", "day-board-marks")

    # Tomorrow's unconfirmed patients: phone one, mark her called. Two clicks from the board.
    hands = count_hands(page)
    navigate(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Tomorrow"))
    page.get_by_role("heading", name=re.compile("Not yet confirmed: Riverside Infusion, tomorrow")).wait_for()
    row = page.locator(f"#unconfirmed-{world['first'].pk}")
    assert row.get_by_role("link", name="+1 (212) 555-0142").get_attribute("href") == "tel:+12125550142"
    assert row.get_by_text("First visit").is_visible()
    assert page.get_by_text("Duarte, Ines").count() == 0  # confirmed: not on the list
    row.get_by_role("button", name=re.compile("Mark called.*Lena Fischer")).click()
    row.get_by_text(re.compile(r"Called .* by Bob")).wait_for()
    hands.settle(page)
    clicks, keys = hands.assert_within(page, clicks=2, keys=0, what="board to a patient marked called")
    assert (clicks, keys) == (2, 0)
    # The button kept its place for the keyboard: focus is on it again after the row was redrawn.
    focus_lands(page, f"called-{world['first'].pk}")
    accessible_at_both_widths(page, "unconfirmed list", "tomorrow-unconfirmed")
    page.reload()
    assert page.locator(f"#unconfirmed-{world['first'].pk}").get_by_text(re.compile(r"Called .* by Bob")).is_visible()
    first = InfusionSession.objects.get(pk=world["first"].pk)
    assert first.called_at is not None and first.called_by == world["desk"]

    # The huddle sheet: times, chairs, nurses, patients, first visits; printed without the site's header.
    navigate(page, page.get_by_role("link", name="Print the day's list for the huddle"))
    sheet = page.locator("table.huddle-sheet")
    sheet.wait_for()
    assert sheet.locator("tbody tr").count() == 3
    first_row = sheet.locator("tr", has_text="Fischer, Lena")
    assert first_row.get_by_text("09:00–11:00").is_visible() and first_row.get_by_text("Chair 1").is_visible()
    assert first_row.get_by_text("Ada Nurse").is_visible() and first_row.get_by_text("First visit").is_visible()
    accessible_at_both_widths(page, "huddle sheet", "tomorrow-print")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.get_by_role("button", name="Print this list").is_visible()
    assert sheet.is_visible()
    page.emulate_media(media="screen")


def test_the_outbox_shows_an_email_as_the_patient_sees_it(live_server, contexts, settings, tmp_path):
    from notifications import services as delivery
    from tests.factories import book_course

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.SITE_URL = live_server.url
    world = build_clinic()
    clinic = world["clinic"]
    patient = PatientFactory(clinic=clinic, first_name="Jane", last_name="Rowe", email="jane.rowe@example.org",
                             email_consent=True, email_consent_at=dt.datetime.now(dt.UTC), email_consent_source="intake form")
    day = dt.datetime.now(clinic.tz).date() + dt.timedelta(days=2)
    protocol = shared_protocol("booster-iv")
    book_course(patient=patient, clinic=clinic, protocol=protocol, starts=[dt.datetime.combine(day, dt.time(14))])
    for email_id in delivery.emails_claim_due():
        delivery.email_send(email_id=email_id)

    page = contexts().page()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server.url, world["desk"].username)
    page.goto(f"{live_server.url}/outbox/")
    zone_abbreviation = dt.datetime.now(clinic.tz).strftime("%Z")
    assert page.locator("table.list tbody tr").first.get_by_text(re.compile(re.escape(zone_abbreviation))).is_visible()
    navigate(page, page.locator("table.list a").first)
    frame = page.frame_locator("iframe.mail-html")
    frame.get_by_text(re.compile("Jane")).first.wait_for()
    accessible_at_both_widths(page, "email page", "outbox-email-html")


def test_the_now_line_is_redrawn_when_the_clock_reaches_the_next_column(live_server, contexts):
    """board.js asks for a redraw once the browser's clock passes into the next 5-minute column, and only then
    (the browser's clock is Playwright's: it jumps ahead; the server's is real)."""
    world = build_clinic()
    page = contexts().page()
    page.clock.install()
    sign_in(page, live_server.url, world["desk"].username)
    page.locator("td.now-line").first.wait_for()
    redraws: list[str] = []
    page.on("request", lambda request: redraws.append(request.url) if "part=board" in request.url else None)
    page.clock.run_for(60_000)  # a minute: still the same column, at most
    minute = int(page.locator("#board").get_attribute("data-now-minute"))
    quiet = 5 - minute % 5 - 1  # whole minutes left in the column after the one just run
    if quiet > 0:
        page.clock.run_for(quiet * 60_000 - 30_000)
        assert redraws == []
    with page.expect_response(lambda response: "part=board" in response.url):
        page.clock.run_for(5 * 60_000)
    page.locator("td.now-line").first.wait_for()
    count = len(redraws)
    page.clock.run_for(40_000)  # the redrawn board is not redrawn again at once
    assert len(redraws) == count
