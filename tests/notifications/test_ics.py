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
from tests.notifications.conftest import make_clinic, make_patient

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


def build(sessions, clinic, patient, method=ics.REQUEST, now=T0) -> tuple[Calendar, str]:
    raw = ics.calendar_bytes(sessions, method=method, clinic=clinic, patient=patient, now=now)
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
        assert str(event["ORGANIZER"]) == "mailto:front@riverside.example"
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
    # The definition gives the same instants as the tz database across the change.
    tz = zone.to_tz()
    for session in sessions:
        local = session.starts_at.astimezone(NY).replace(tzinfo=None)
        assert local.replace(tzinfo=tz).astimezone(dt.UTC) == session.starts_at


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


def test_no_organizer_email_falls_back_to_the_sender(db, frozen):
    clinic = make_clinic(email="")
    patient = make_patient(clinic)
    booked = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 3, 2, 10, 0)])
    raw = ics.calendar_bytes(
        booked.sessions, method=ics.REQUEST, clinic=clinic, patient=patient, now=T0, organizer_email="noreply@x.test"
    )
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:noreply@x.test"
    raw = ics.calendar_bytes(booked.sessions, method=ics.REQUEST, clinic=clinic, patient=patient, now=T0)
    assert "ORGANIZER" not in raw.decode()


def test_an_empty_calendar_and_an_unknown_method(clinic, patient):
    cal, raw = build([], clinic, patient, method=ics.CANCEL)
    assert cal.walk("VEVENT") == [] and cal.walk("VTIMEZONE") == []
    with pytest.raises(ValueError):
        ics.calendar_for([], method="PUBLISH", clinic=clinic, patient=patient, now=T0)


@pytest.mark.parametrize("method", [ics.REQUEST, ics.CANCEL])
def test_content_type(method):
    assert ics.content_type(method) == f"text/calendar; method={method}; charset=UTF-8"
