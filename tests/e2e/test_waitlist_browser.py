"""The waitlist in a real browser, with a real Celery worker: the desk puts a patient on the waitlist from her
page, cancels another patient's session; the worker offers the freed time and the offer email reaches an SMTP
server; the patient follows its accept link and books it; the desk's waitlist shows the entry booked, the offer
accepted, and her session moved. Typing and clicking as a person does, within a budget of clicks and keys."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import partial

import pytest

from bookings.models import FreedSlot, InfusionSession, SessionStatus
from common.api import FRONT_DESK
from tests.e2e.conftest import assert_accessible, morning_zone, navigate, screenshot, sign_in, type_in
from tests.e2e.hands import count_hands
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, ProtocolFactory, book_course
from tests.helpers import staff_user
from tests.notifications.delivery import delivery_rig, smtp_server  # noqa: F401 (fixtures)
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ACCEPT_LINK = re.compile(r"https?://\S+(/p/offer-accept/[^/\s]+/)")


def test_a_freed_chair_is_offered_by_email_and_booked_from_the_link(live_server, contexts, delivery_rig, monkeypatch):  # noqa: F811
    from config.celery import app

    rig = delivery_rig(workers=1, env={"SITE_URL": live_server.url})
    monkeypatch.setattr(app, "send_task", partial(app.send_task, queue=rig.queue))  # to this test's worker

    tz = zoneinfo.ZoneInfo(morning_zone())
    clinic = ClinicFactory(name="Harbour Infusion", slug="harbour", timezone=tz.key, start_stagger_minutes=0,
                           email="desk@example.org", hours={d: [("08:00", "18:00")] for d in range(7)})
    ChairFactory(clinic=clinic, name="Chair 1")
    NurseFactory(clinic=clinic, first_name="Ada", last_name="Nurse")
    protocol = ProtocolFactory(clinic=clinic, name="Iron infusion", session_count=1, chair_minutes=60)
    today = dt.datetime.now(tz).date()
    omar = PatientFactory(clinic=clinic, first_name="Omar", last_name="Reyes")
    freed = book_course(patient=omar, clinic=clinic, protocol=protocol,
                        starts=[dt.datetime.combine(today + dt.timedelta(days=2), dt.time(10))]).sessions[0]
    lena = PatientFactory(clinic=clinic, first_name="Lena", last_name="Marsh", email="lena@example.org",
                          consenting=True)
    later = book_course(patient=lena, clinic=clinic, protocol=protocol,
                        starts=[dt.datetime.combine(today + dt.timedelta(days=9), dt.time(10))]).sessions[0]
    staff_user(FRONT_DESK, clinic, username="dora", first_name="Dora")

    desk = contexts().page()
    sign_in(desk, live_server.url, "dora")
    desk.goto(f"{live_server.url}/patients/{lena.pk}/")
    hands = count_hands(desk)

    # Lena waits for an earlier time of her booked session.
    navigate(desk, desk.get_by_role("link", name="Add to waitlist"))
    desk.get_by_role("heading", name="Add Lena Marsh to the waitlist").wait_for()
    desk.get_by_text("An earlier time for").click()  # the label: the list takes the keys
    desk.keyboard.press("ArrowDown")
    assert desk.get_by_label("An earlier time for").input_value() == str(later.pk)
    assert_accessible(desk, "add to the waitlist")
    navigate(desk, desk.get_by_role("button", name="Add to the waitlist"))
    row = desk.locator(f'[data-entry="{WaitlistEntry.objects.get().pk}"]')
    row.get_by_text("Waiting", exact=True).wait_for()

    # Omar's session is cancelled at the desk.
    desk.goto(f"{live_server.url}/sessions/{freed.pk}/")
    panel = desk.locator("#panel")
    panel.locator("summary", has_text="Cancel this session").click()
    type_in(panel.get_by_label("Reason"), "Travelling")
    panel.get_by_role("button", name=re.compile("^Cancel session")).click()
    panel.get_by_role("button", name=re.compile("^Yes, cancel it")).click()
    desk.get_by_text("Session cancelled").first.wait_for()
    assert InfusionSession.objects.get(pk=freed.pk).status == SessionStatus.CANCELLED

    # The worker offers the freed hour to Lena: her email arrives.
    (mail,) = rig.smtp.wait_for(1)
    assert mail.rcpt_tos == ["lena@example.org"]
    assert mail.message["Subject"] == "An earlier appointment is available"
    text = mail.message.get_body(("plain",)).get_content()
    assert "Iron" not in text  # what the appointment is for never goes in an email
    accept_path = ACCEPT_LINK.search(text).group(1)
    assert FreedSlot.objects.get().outcome == "offered"

    # Lena, on her phone, follows the link and books it.
    patient = contexts().page()
    patient.goto(f"{live_server.url}{accept_path}")
    patient.get_by_role("heading", name="An earlier appointment is available").wait_for()
    assert_accessible(patient, "the offer page")
    patient.get_by_role("button", name="Book this appointment").click()
    patient.get_by_role("heading", name="Appointment booked").wait_for()
    screenshot(patient, "waitlist-offer-booked")

    # The desk's waitlist: booked, the offer accepted; her session moved to Omar's old time.
    navigate(desk, desk.get_by_role("link", name="Waitlist"))
    row = desk.locator(f'[data-entry="{WaitlistEntry.objects.get().pk}"]')
    row.get_by_text("Booked", exact=True).wait_for()
    row.get_by_text(re.compile("Accepted")).wait_for()
    assert_accessible(desk, "the waitlist")
    screenshot(desk, "waitlist-booked")
    assert WaitlistEntry.objects.get().status == EntryStatus.BOOKED
    assert WaitlistOffer.objects.get().status == OfferStatus.ACCEPTED
    moved = InfusionSession.objects.get(pk=later.pk)
    assert (moved.starts_at, moved.status) == (freed.starts_at, SessionStatus.BOOKED)
    navigate(desk, row.get_by_role("link", name="Marsh, Lena"))
    when = freed.starts_at.astimezone(tz)
    desk.get_by_text(re.compile(f"{when:%a} {when.day} {when:%b}")).first.wait_for()

    clicks, keys = hands.assert_within(desk, clicks=10, keys=12, what="waitlist entry to a booked offer, at the desk")
    print(f"waitlist at the desk: {clicks} clicks, {keys} key presses")  # noqa: T201
