"""Re-plan, in a real browser (issue 14's browser test): a clinic admin adds a closure over booked sessions, sees
them listed, re-plans all of them from the Needs moving worklist, and finds the patients' "moved" emails in the
outbox. Typing and clicking as a person does, within a budget of clicks and keys."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from bookings.models import InfusionSession
from common.api import ADMIN
from notifications import services as delivery
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


def test_a_closure_over_booked_sessions_is_replanned_and_the_patients_are_told(live_server, contexts, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.SITE_URL = live_server.url
    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside", timezone=tz.key, start_stagger_minutes=0,
                           hours={d: [("06:00", "20:00")] for d in range(7)})
    chair = ChairFactory(clinic=clinic, name="Chair 1")
    ChairFactory(clinic=clinic, name="Chair 2")
    nurse = NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    day = dt.datetime.now(tz).date() + dt.timedelta(days=7)
    booked = [
        book_course(
            patient=PatientFactory(clinic=clinic, first_name=first, last_name=last, email=f"{first.lower()}@example.org",
                                   email_consent=True, email_consent_at=dt.datetime.now(dt.UTC),
                                   email_consent_source="intake form", timezone=tz.key),
            clinic=clinic, protocol="booster-iv", starts=[dt.datetime.combine(day, dt.time(hour))], chair=chair,
            nurse=nurse,
        ).sessions[0]
        for first, last, hour in (("Jane", "Roe", 9), ("Omar", "Haddad", 13))
    ]
    for email_id in delivery.emails_claim_due():  # the booking confirmations go out first
        delivery.email_send(email_id=email_id)
    staff_user(ADMIN, clinic, username="alice", first_name="Alice", last_name="Grant")
    base = live_server.url
    page = contexts().page()
    sign_in(page, base, "alice")
    page.get_by_role("heading", name=re.compile("Day board")).wait_for()
    hands = count_hands(page)

    navigate(page, page.get_by_role("link", name="Closures"))
    page.get_by_role("heading", name="Closures: Riverside Infusion").wait_for()
    type_date(page.get_by_label("First day"), day)
    type_date(page.get_by_label("Last day"), day)
    type_in(page.get_by_label("Reason"), "Burst pipe")
    navigate(page, page.get_by_role("button", name="Check and save the closure"))
    page.get_by_role("heading", name="2 booked sessions would need moving").wait_for()
    navigate(page, page.get_by_role("button", name="Save the closure and mark them"))
    page.get_by_text("The closure is saved. 2 booked sessions now need moving").wait_for()

    # See them listed, then re-plan from the worklist: each with the nearest time proposed (the day before).
    navigate(page, page.get_by_role("link", name="Worklists"))
    moving = page.get_by_role("region", name="Needs moving")
    for name in ("Roe, Jane", "Haddad, Omar"):
        moving.get_by_role("link", name=name).wait_for()
    navigate(page, page.get_by_role("link", name=re.compile("^Re-plan them")))
    page.get_by_role("heading", name="Re-plan: Riverside Infusion").wait_for()
    proposals = page.get_by_role("table", name="Stranded sessions and the place proposed for each")
    before = day - dt.timedelta(days=1)
    for s in booked:
        row = proposals.locator(f'[data-replan="{s.pk}"]')
        assert row.get_attribute("data-kind") == "move"
        assert f"{before:%a} {before.day} {before:%b %Y}" in row.inner_text()
    accessible_at_both_widths(page, "re-plan proposals", "replan")

    navigate(page, page.get_by_role("button", name="Apply all proposals"))
    page.get_by_role("heading", name="Done: 2 moved, 0 given another chair or nurse, 0 refused").wait_for()
    results = page.get_by_role("table", name="What happened to each session")
    assert results.get_by_text("the patient is emailed").count() == 2
    page.get_by_text("No booked session needs moving.").wait_for()
    accessible_at_both_widths(page, "re-plan results", "replan-done")
    for s in booked:
        moved = InfusionSession.objects.get(pk=s.pk)
        assert moved.starts_at.astimezone(tz).date() == before and moved.needs_moving_since is None

    # The worker sends what the moves wrote; the desk reads the patients' emails in the outbox.
    for email_id in delivery.emails_claim_due():
        delivery.email_send(email_id=email_id)
    navigate(page, page.get_by_role("link", name="The patients' emails (outbox)"))
    page.get_by_role("heading", name="Mail outbox").wait_for()
    listed = page.locator("table.list tbody")
    for who in ("jane@example.org", "omar@example.org"):
        listed.locator("tr", has_text=who).filter(has_text="has moved to").first.wait_for()
    used = hands.assert_within(page, clicks=14, keys=40, what="a closure over booked sessions to its re-planned emails")
    print(f"budget: closure to re-planned emails {used}")  # noqa: T201
