"""The calendar files: one VEVENT per session, a VTIMEZONE for the clinic, UID stable, SEQUENCE growing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bookings import services
from bookings.models import CancelledBy
from notifications import ics
from tests.factories import book_course
from tests.notifications.conftest import make_clinic, make_patient, vtimezone_offsets

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
# Friday 20 February 2026: the course below runs across New York's spring-forward (Sunday 8 March).
T0 = dt.datetime(2026, 2, 20, 15, 0, tzinfo=dt.UTC)
ACROSS_DST = [dt.datetime(2026, 3, d, 10, 0) for d in (2, 4, 6, 9, 11, 13)]


pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def clinic(db):
    return make_clinic()


@pytest.fixture
def patient(clinic):
    return make_patient(clinic)


@pytest.fixture
def sessions(clinic, patient):
    booked = book_course(patient=patient, clinic=clinic, protocol="depression-iv", starts=ACROSS_DST)
    return sorted(booked.sessions, key=lambda s: s.sequence)


#: The email's From, which the calendar's ORGANIZER repeats.
SENDER = ("Riverside Clinic", "appointments@clinic.example")


def build(sessions, clinic, patient, method=ics.REQUEST, now=T0) -> tuple[Calendar, str]:
    raw = ics.calendar_bytes(sessions, method=method, clinic=clinic, patient=patient, now=now, organizer=SENDER)
    return Calendar.from_ical(raw), raw.decode()


def test_a_course_is_one_calendar_with_one_event_per_session(sessions, clinic, patient):
    cal, raw = build(sessions, clinic, patient)
    assert str(cal["PRODID"]) == ics.PRODID and str(cal["VERSION"]) == "2.0"
    assert str(cal["METHOD"]) == "REQUEST" and str(cal["CALSCALE"]) == "GREGORIAN"
    events = cal.walk("VEVENT")
    assert len(events) == 6
    for event, session in zip(events, sessions, strict=True):
        assert event["UID"] == f"session-{session.pk}@clinic.invalid"
        assert event["SEQUENCE"] == 0
        assert event["STATUS"] == "CONFIRMED"
        assert event["SUMMARY"] == "Appointment at Riverside Clinic"
        assert event["LOCATION"] == "12 River Road, Springfield, NY 10001"
        assert str(event["ORGANIZER"]) == "mailto:appointments@clinic.example"
        assert event["ORGANIZER"].params["CN"] == "Riverside Clinic"
        assert str(event["ATTENDEE"]) == "mailto:alice@example.org"
        assert event["ATTENDEE"].params["RSVP"] == "FALSE"
        assert event["DTSTAMP"].dt == T0
        assert event.start == session.starts_at and event.end == session.ends_at
        assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert raw.count("BEGIN:VEVENT") == 6


def test_times_are_wall_clock_in_the_clinics_zone_on_both_sides_of_a_dst_change(sessions, clinic, patient):
    cal, raw = build(sessions, clinic, patient)
    assert "DTSTART;TZID=America/New_York:20260306T100000" in raw  # EST
    assert "DTSTART;TZID=America/New_York:20260309T100000" in raw  # EDT
    starts = [e.start for e in cal.walk("VEVENT")]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [15, 15, 15, 14, 14, 14]


def test_the_clinics_zone_is_defined_in_the_file(sessions, clinic, patient):
    cal, _ = build(sessions, clinic, patient)
    (zone,) = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "America/New_York"
    assert cal.get_missing_tzids() == set()
    names = {str(sub["TZNAME"]) for sub in zone.subcomponents}
    assert {"EST", "EDT"} <= names
    # The definition gives the tz database's offsets across the change, read from the block itself (icalendar's
    # own `to_tz()` would look the TZID up in its tz database and prove nothing).
    starts = [s.starts_at for s in sessions]
    assert vtimezone_offsets(zone, starts) == [s.astimezone(NY).utcoffset() for s in starts]
    read = zone.to_tz(lookup_tzid=False)
    for event in cal.walk("VEVENT"):
        wall = event.start.replace(tzinfo=None)
        assert wall.replace(tzinfo=read).astimezone(dt.UTC) == event.start


def test_a_london_clinic_gets_its_own_zone(db, frozen):
    clinic = make_clinic(tz="Europe/London")
    patient = make_patient(clinic, tz="America/New_York")
    booked = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 3, 30, 10, 0)])
    cal, raw = build(booked.sessions, clinic, patient)
    (zone,) = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    assert {"GMT", "BST"} <= {str(sub["TZNAME"]) for sub in zone.subcomponents}
    assert "DTSTART;TZID=Europe/London:20260330T100000" in raw
    # The patient's own zone does not change the calendar: the calendar app converts.
    assert "America/New_York" not in raw


def test_sequence_counts_moves_and_the_cancel(sessions, clinic, patient):
    session = sessions[4]
    assert ics.session_sequence(session, method=ics.REQUEST) == 0
    assert ics.session_sequence(session, method=ics.CANCEL) == 1
    services.session_reschedule(session=session, starts_at=dt.datetime(2026, 3, 11, 13, 0))
    services.session_reschedule(session=session, starts_at=dt.datetime(2026, 3, 11, 15, 0))
    session.refresh_from_db()
    services.session_confirm(session=session)  # a confirmation is no new revision of the event
    assert ics.session_sequence(session, method=ics.REQUEST) == 2
    services.session_cancel(session=session, by_party=CancelledBy.CLINIC, reason="Closed")
    session.refresh_from_db()
    cal, raw = build([session], clinic, patient, method=ics.CANCEL)
    (event,) = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "CANCEL"
    assert event["SEQUENCE"] == 3 and event["STATUS"] == "CANCELLED"
    assert event["UID"] == f"session-{session.pk}@clinic.invalid"
    assert event.start == dt.datetime(2026, 3, 11, 15, 0, tzinfo=NY)


def test_other_sessions_keep_their_sequence_when_one_moves(sessions, clinic, patient):
    services.session_reschedule(session=sessions[2], starts_at=dt.datetime(2026, 3, 6, 12, 0))
    cal, _ = build(sessions, clinic, patient)
    assert [e["SEQUENCE"] for e in cal.walk("VEVENT")] == [0, 0, 1, 0, 0, 0]


def test_the_organizer_is_the_emails_sender_whatever_the_clinics_own_address(db, frozen):
    """ORGANIZER names the From (mail apps check an invitation's organiser against its sender), not the clinic's
    own address, which is the email's Reply-To."""
    for email in ("front@riverside.example", ""):
        clinic = make_clinic(email=email)
        patient = make_patient(clinic, email=f"alice{len(email)}@example.org")
        booked = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 3, 2, 10, 0)])
        cal, _ = build(booked.sessions, clinic, patient)
        (event,) = cal.walk("VEVENT")
        assert str(event["ORGANIZER"]) == "mailto:appointments@clinic.example"
        assert event["ORGANIZER"].params["CN"] == "Riverside Clinic"


# Thursday 20 February 2031: courses five years ahead, across the spring change where the zone has one.
T2031 = dt.datetime(2031, 2, 20, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "days"),
    [
        ("America/New_York", (4, 6, 8, 10, 12, 14)),  # summer time from Sunday 9 March 2031
        ("Europe/Berlin", (21, 23, 25, 27, 29, 31)),  # from Sunday 30 March 2031
        ("Asia/Kolkata", (4, 6, 8, 10, 12, 14)),  # none
    ],
)
def test_a_course_in_2031_gets_a_zone_block_right_on_its_dates(db, frozen, zone, days):
    frozen.move_to(T2031)
    clinic = make_clinic(tz=zone)
    patient = make_patient(clinic)
    starts = [dt.datetime(2031, 3, d, 10, 0) for d in days]
    booked = sorted(book_course(patient=patient, clinic=clinic, starts=starts).sessions, key=lambda s: s.starts_at)
    cal, _ = build(booked, clinic, patient, now=T2031)
    (block,) = cal.walk("VTIMEZONE")
    assert str(block["TZID"]) == zone and cal.get_missing_tzids() == set()
    tz = ZoneInfo(zone)
    events = cal.walk("VEVENT")
    assert [e.start.replace(tzinfo=None) for e in events] == starts  # the wall clock, in the clinic's zone
    instants = [s.starts_at for s in booked]
    assert vtimezone_offsets(block, instants) == [i.astimezone(tz).utcoffset() for i in instants]
    read = block.to_tz(lookup_tzid=False)
    assert [w.replace(tzinfo=read).astimezone(dt.UTC) for w in starts] == instants


def test_an_empty_calendar_and_an_unknown_method(clinic, patient):
    cal, raw = build([], clinic, patient, method=ics.CANCEL)
    assert cal.walk("VEVENT") == [] and cal.walk("VTIMEZONE") == []
    with pytest.raises(ValueError):
        ics.calendar_for([], method="PUBLISH", clinic=clinic, patient=patient, now=T0, organizer=SENDER)


@pytest.mark.parametrize("method", [ics.REQUEST, ics.CANCEL])
def test_content_type(method):
    assert ics.content_type(method) == f"text/calendar; method={method}; charset=UTF-8"
