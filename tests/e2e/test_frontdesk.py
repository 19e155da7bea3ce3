"""The front desk in a real browser: a morning at the desk (with a patient's reschedule request from an email
link), and two desks booking the same chair at once."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from bookings.models import (
    CycleStatus,
    EmailKind,
    EmailStatus,
    InfusionSession,
    PatientEmail,
    SessionStatus,
    TreatmentCycle,
)
from common.api import ADMIN, FRONT_DESK
from notifications import links
from tests.e2e.conftest import (
    assert_accessible,
    morning_zone,
    navigate,
    screenshot_at_widths,
    sign_in,
    type_date,
    type_in,
)
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
from tests.safety.helpers import checks_pass, recovery_pass

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

DEPRESSION = "Depression induction (IV) (6 sessions)"


def staff(role: str, clinic, username: str):
    return staff_user(role, clinic, username=username, first_name=username.capitalize())


def build_clinic():
    """A clinic open 06:00–20:00 every day, where it is mid-morning now, with today's board filled in."""
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside", timezone=tz.key,
                           hours={d: [("06:00", "20:00")] for d in range(7)})
    chairs = [ChairFactory(clinic=clinic, name=f"Chair {i}") for i in range(1, 7)]
    nurses = [NurseFactory(clinic=clinic, first_name=n, last_name="Nurse") for n in ("Ada", "Ben", "Cleo")]
    protocol = shared_protocol("depression-iv")
    now = dt.datetime.now(tz)
    hour = now.replace(minute=0, second=0, microsecond=0)

    def on_board(first, last, chair, nurse, start, hours, status, sequence):
        patient = PatientFactory(clinic=clinic, first_name=first, last_name=last)
        cycle = CycleFactory(patient=patient, protocol=protocol, status=CycleStatus.ACTIVE)
        return SessionFactory(cycle=cycle, chair=chairs[chair], nurse=nurses[nurse], starts_at=start,
                              ends_at=start + dt.timedelta(hours=hours), status=status, sequence=sequence)

    on_board("Omar", "Haddad", 0, 0, hour - dt.timedelta(hours=3), 2, SessionStatus.COMPLETED, 4)
    on_board("Ines", "Duarte", 1, 1, hour - dt.timedelta(hours=2, minutes=30), 2, SessionStatus.COMPLETED, 2)
    on_board("Tom", "Becker", 2, 0, hour - dt.timedelta(hours=1), 2, SessionStatus.IN_CHAIR, 1)
    on_board("Ruth", "Okafor", 3, 1, hour + dt.timedelta(hours=2), 2, SessionStatus.CONFIRMED, 5)
    on_board("Ken", "Sato", 0, 2, hour + dt.timedelta(hours=3), 2, SessionStatus.BOOKED, 3)
    today = on_board("Maria", "Lopez", 5, 2, hour + dt.timedelta(hours=1), 2, SessionStatus.BOOKED, 3)
    return {
        "clinic": clinic,
        "tz": tz,
        "today": today,
        "admin": staff(ADMIN, clinic, "alice"),
        "desk": staff(FRONT_DESK, clinic, "bob"),
        "jane": PatientFactory(clinic=clinic, first_name="Jane", last_name="Rowe", phone="+1 555 0142",
                               email="jane.rowe@example.org", email_consent=True, email_consent_at=now,
                               email_consent_source="intake form"),
    }


def propose(page, base: str, patient, earliest: dt.date) -> None:
    page.goto(f"{base}/patients/{patient.pk}/book/")
    page.get_by_label("Protocol").select_option(label=DEPRESSION)
    type_date(page.get_by_label("Earliest date"), earliest)
    assert page.get_by_label("Earliest date").input_value() == earliest.isoformat()
    navigate(page, page.get_by_role("button", name="Propose dates"))
    page.locator("#series").wait_for()


def starts(page) -> list[str]:
    """Each session's start as the page holds it: its date field and its time list, "YYYY-MM-DDTHH:MM"."""
    days = page.locator('#series input[name="day"]').evaluate_all("inputs => inputs.map(i => i.value)")
    times = page.locator('#series select[name="time"]').evaluate_all("lists => lists.map(s => s.value)")
    return [f"{day}T{time}" for day, time in zip(days, times, strict=True)]


def step_hour(page, row: int, *, later: bool) -> None:
    """Move a session by an hour with the keys, as a person does: click into its date, Tab past the date's parts
    to its time list and press Down (Up) four times, one 15-minute step each; the check follows the pause."""
    day = page.locator(f"#day-{row}")
    day.click(position={"x": 6, "y": day.bounding_box()["height"] / 2})
    for _ in range(3):  # month → day → year → the time list
        page.keyboard.press("Tab")
    for _ in range(4):
        page.keyboard.press("ArrowDown" if later else "ArrowUp")


def placements(page) -> list[tuple[str, str]]:
    """(start, chair id) of each session of the series on the page."""
    chairs = page.locator('#series input[name="chair"]').evaluate_all("inputs => inputs.map(i => i.value)")
    return list(zip(starts(page), chairs, strict=True))


def test_a_morning_at_the_desk(live_server, contexts, settings):
    world = build_clinic()
    base = live_server.url
    settings.SITE_URL = base  # the links in patients' emails point at this server
    jane = world["jane"]
    page = contexts().page()
    sign_in(page, base, world["admin"].username)

    # The day board: open today's session for Maria, check her in, start and complete it.
    page.get_by_role("heading", name=re.compile("Day board: Riverside Infusion")).wait_for()
    page.locator(f'[data-session="{world["today"].pk}"]').click()
    panel = page.locator("#panel")
    panel.get_by_role("heading", name="Maria Lopez: session 3 of 6").wait_for()
    assert_accessible(page, "day board")
    screenshot_at_widths(page, "day-board")
    panel.get_by_role("button", name="Check in").click()
    panel.get_by_text("Patient checked in.").wait_for()
    # The safety checks pass (the clinician's page for them is walked in tests/e2e/test_safety.py).
    checks_pass(InfusionSession.objects.get(pk=world["today"].pk))
    panel.get_by_role("button", name="Start (in chair)").click()
    panel.get_by_text("Patient is in the chair.").wait_for()
    recovery_pass(InfusionSession.objects.get(pk=world["today"].pk))
    # Seconds after the start, before the protocol's chair time: Complete asks why.
    type_in(panel.get_by_label("Why end it early"), "Felt unwell")
    panel.get_by_role("button", name="Complete early").click()
    panel.get_by_text("Session completed.").wait_for()
    assert InfusionSession.objects.get(pk=world["today"].pk).status == SessionStatus.COMPLETED
    page.locator(f'[data-session="{world["today"].pk}"]').get_by_text("Completed").wait_for()  # the board redrew

    # Find the patient as you type, open her page.
    navigate(page, page.get_by_role("link", name="Patients"))
    with page.expect_response(lambda r: "/patients/?q=rowe" in r.url):
        type_in(page.get_by_label("Find a patient"), "rowe")
    navigate(page, page.get_by_role("link", name="Rowe, Jane"))
    page.get_by_role("heading", name="Jane Rowe").wait_for()
    assert_accessible(page, "patient page")

    # Book a six-session course from the planner's proposal, moving one session on the spot.
    tomorrow = dt.datetime.now(world["tz"]).date() + dt.timedelta(days=1)
    propose(page, base, jane, tomorrow)
    proposed = starts(page)
    assert len(proposed) == 6
    assert_accessible(page, "booking page")
    third = dt.datetime.fromisoformat(proposed[2])
    forward = third.hour < 17  # the time list ends at 18:00 (a two-hour session ends by closing at 20:00)
    moved = (third + dt.timedelta(hours=1 if forward else -1)).strftime("%Y-%m-%dT%H:%M")
    with page.expect_response(lambda r: "/book/check/" in r.url):
        step_hour(page, 2, later=forward)
    page.locator("#check-2", has_text=moved[-5:]).wait_for()
    page.get_by_text("Every session fits.").wait_for()
    assert starts(page)[2] == moved
    screenshot_at_widths(page, "booking-proposal")
    navigate(page, page.get_by_role("button", name="Book all 6 sessions"))
    page.get_by_role("heading", name="Course booked for Jane Rowe").wait_for()
    page.get_by_text("jane.rowe@example.org").wait_for()
    screenshot_at_widths(page, "booking-confirmed")
    cycle = TreatmentCycle.objects.get(patient=jane)
    sessions = list(cycle.sessions.order_by("sequence"))
    assert sessions[2].starts_at == dt.datetime.fromisoformat(moved).replace(tzinfo=world["tz"])

    # Move session 2 to the first free time the planner offers.
    page.goto(f"{base}/sessions/{sessions[1].pk}/")
    page.locator("summary", has_text="Move this session").click()  # the slot grid loads as it opens
    page.get_by_role("button", name=re.compile("^Move to")).first.click()
    page.locator("#panel").get_by_text(re.compile("^Moved to")).wait_for()
    assert InfusionSession.objects.get(pk=sessions[1].pk).version == 2

    # Cancel session 4: the patient called.
    page.goto(f"{base}/sessions/{sessions[3].pk}/")
    page.locator("summary", has_text="Cancel this session").click()
    type_in(page.get_by_label("Reason"), "Family emergency")
    page.get_by_role("button", name="Cancel session").click()
    page.get_by_role("button", name=re.compile("^Yes, cancel it")).click()  # the confirmation step
    page.locator("#panel").get_by_text("Session cancelled.").wait_for()
    assert InfusionSession.objects.get(pk=sessions[3].pk).status in (SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED)

    # Jane asks, from the link in her email, to move session 5: she opens it and presses the button.
    fifth = sessions[4]
    token = links.link_token(action=links.RESCHEDULE, session_id=fifth.pk, version=fifth.version,
                             expires_at=fifth.starts_at)
    patient_page = contexts().page()  # her own browser: no staff sign-in
    patient_page.goto(links.link_url(action=links.RESCHEDULE, token=token))
    patient_page.get_by_role("heading", name="Ask to reschedule").wait_for()
    assert_accessible(patient_page, "patient's reschedule link page")
    assert InfusionSession.objects.get(pk=fifth.pk).reschedule_requested_at is None  # opening the link did nothing
    type_in(patient_page.get_by_label("A short note for the clinic (optional)"), "Afternoons suit me better")
    navigate(patient_page, patient_page.get_by_role("button", name="Ask to reschedule"))
    patient_page.get_by_role("heading", name="Request received").wait_for()
    assert InfusionSession.objects.get(pk=fifth.pk).reschedule_requested_at is not None

    # Meanwhile the mail server refused her 24 h reminder for session 6 after the last try.
    failed = PatientEmail.objects.get(session=sessions[5], kind=EmailKind.reminder(24))
    PatientEmail.objects.filter(pk=failed.pk).update(
        status=EmailStatus.FAILED, attempts=6, last_error="SMTPDataError: (554, b'5.7.1 Message rejected')"
    )

    # The desk's worklists show both: send the email again, then open the request and move the session.
    navigate(page, page.get_by_role("link", name="Worklists"))
    requests = page.locator("section", has=page.get_by_role("heading", name="Reschedule requests"))
    request_row = requests.locator(f'[data-request="{fifth.pk}"]')
    request_row.get_by_text("“Afternoons suit me better”").wait_for()
    failed_emails = page.locator("#failed-reminders")
    failed_emails.locator(f'[data-reminder="{failed.pk}"]').get_by_text("5.7.1 Message rejected").wait_for()
    assert_accessible(page, "worklists page")
    screenshot_at_widths(page, "worklists")
    failed_emails.get_by_role("button", name=re.compile("^Send again")).click()
    failed_emails.get_by_text("Reminder 24 h before: back in the outbox").wait_for()
    assert PatientEmail.objects.get(pk=failed.pk).status == EmailStatus.PENDING
    failed_emails.get_by_text("No email has failed.").wait_for()

    navigate(page, request_row.get_by_role("link", name=re.compile("^Open session")))
    panel = page.locator("#panel")
    panel.get_by_text("Patient asked to reschedule on").wait_for()
    assert_accessible(page, "session page with a reschedule request")
    panel.get_by_role("button", name=re.compile("^Move to")).first.wait_for()
    screenshot_at_widths(page, "session-request")
    panel.get_by_role("button", name=re.compile("^Move to")).first.click()
    panel.get_by_text(re.compile("^Moved to")).wait_for()
    assert panel.get_by_text("Patient asked to reschedule on").count() == 0
    moved = InfusionSession.objects.get(pk=fifth.pk)
    assert moved.reschedule_requested_at is None and moved.version > fifth.version
    navigate(page, page.get_by_role("link", name="Worklists"))
    page.get_by_text("No patient has asked to reschedule.").wait_for()

    page.goto(f"{base}/patients/{jane.pk}/")
    page.get_by_text("Family emergency").wait_for()
    screenshot_at_widths(page, "patient")


def test_two_desks_book_the_same_chair_at_once(live_server, contexts):
    world = build_clinic()
    base = live_server.url
    first, second = PatientFactory(clinic=world["clinic"], first_name="Sam", last_name="Park"), PatientFactory(
        clinic=world["clinic"], first_name="Lee", last_name="Chan"
    )
    earliest = dt.datetime.now(world["tz"]).date() + dt.timedelta(days=2)
    desk_a, desk_b = contexts().page(), contexts().page()
    sign_in(desk_a, base, world["admin"].username)
    sign_in(desk_b, base, world["desk"].username)
    propose(desk_a, base, first, earliest)
    propose(desk_b, base, second, earliest)
    seen_by_a = placements(desk_a)
    assert placements(desk_b) == seen_by_a  # the same chairs and times offered to both

    # Both desks press "Book" at the same moment: the live server is threaded, so the two requests race.
    # Exactly one course is booked; the other desk sees the conflict and a fresh proposal.
    for desk in (desk_a, desk_b):
        desk.get_by_role("button", name="Book all 6 sessions").click(no_wait_after=True)
    outcome = {}
    for name, desk in (("a", desk_a), ("b", desk_b)):
        desk.locator("#conflict, h1:has-text('Course booked for')").first.wait_for()
        outcome[name] = "conflict" if desk.locator("#conflict").count() else "booked"
    assert sorted(outcome.values()) == ["booked", "conflict"], outcome
    loser, loser_patient, winner_patient = (
        (desk_a, first, second) if outcome["a"] == "conflict" else (desk_b, second, first)
    )
    assert TreatmentCycle.objects.filter(patient=winner_patient).count() == 1
    conflict = loser.locator("#conflict")
    assert "Nothing was booked" in conflict.inner_text() and "fresh proposal" in conflict.inner_text()
    fresh = placements(loser)
    assert len(fresh) == 6 and fresh != seen_by_a  # another chair or another time
    assert not TreatmentCycle.objects.filter(patient=loser_patient).exists()
    desk_a = loser
    screenshot_at_widths(desk_a, "booking-conflict")
    navigate(desk_a, desk_a.get_by_role("button", name="Book all 6 sessions"))
    desk_a.get_by_role("heading", name=f"Course booked for {loser_patient.first_name} {loser_patient.last_name}").wait_for()
    assert TreatmentCycle.objects.filter(patient=loser_patient).count() == 1
