"""The calendar files' VTIMEZONE (notifications.vtimezone): the tz database's offset on every date of the events'
years, whatever year they fall in, read as RFC 5545 says (and by dateutil's VTIMEZONE reader as a second one).

Table-driven, no database: zones with daylight saving north and south (New York, Berlin, Sydney, Dublin's
"negative" summer time, Chile's "Sunday on or after the 2nd", Chatham's quarter hours), one without (Kolkata),
one whose changes follow no yearly rule (Casablanca, around Ramadan), and zones whose rules changed soon after
the events (Moscow 2011 and 2014, Sao Paulo 2019); events this year, in 2031 and in 2040.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Timezone

from notifications import vtimezone as vtz
from notifications.vtimezone import VERIFY_YEARS, transitions
from tests.notifications.conftest import vtimezone_offsets

YEARLY_RULES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Europe/Dublin", "America/Santiago",
                "Pacific/Chatham"]
NO_DST = ["Asia/Kolkata"]
NO_RULE = ["Africa/Casablanca"]


def vtimezone(zone: str, *, first: dt.date, last: dt.date) -> Timezone:
    """The block as a reader gets it: written out and parsed back."""
    return Timezone.from_ical(vtz.vtimezone(zone, first=first, last=last).to_ical())


def instants_of(tz: ZoneInfo, first: dt.date, last: dt.date) -> list[dt.datetime]:
    """Every hour from `first` to `last` (local dates), and each transition in between, a second before and at it."""
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz).astimezone(dt.UTC)
    hours = int((end - start).total_seconds() // 3600)
    found = [start + dt.timedelta(hours=h) for h in range(hours)]
    for t in transitions(tz, start, end):
        found += [t.at - dt.timedelta(seconds=1), t.at]
    return sorted(found)


def assert_same_offsets(block, tz: ZoneInfo, instants: list[dt.datetime]) -> None:
    expected = [i.astimezone(tz).utcoffset() for i in instants]
    wrong = [(i, got, want) for i, got, want in zip(instants, vtimezone_offsets(block, instants), expected, strict=True)
             if got != want]
    assert wrong == [], wrong[:5]


@pytest.mark.parametrize("year", [2026, 2031, 2040])
@pytest.mark.parametrize("zone", YEARLY_RULES + NO_DST + NO_RULE)
def test_every_hour_of_the_events_year_has_the_tz_databases_offset(zone, year):
    tz = ZoneInfo(zone)
    block = vtimezone(zone, first=dt.date(year, 3, 2), last=dt.date(year, 11, 20))
    assert str(block["TZID"]) == zone
    assert_same_offsets(block, tz, instants_of(tz, dt.date(year, 1, 1), dt.date(year, 12, 31)))


@pytest.mark.parametrize("year", [2026, 2031, 2040])
@pytest.mark.parametrize("zone", YEARLY_RULES + NO_DST + NO_RULE)
def test_a_second_reader_agrees_at_every_appointment_time(zone, year):
    """dateutil's tzical (what icalendar's `to_tz(lookup_tzid=False)` builds) reads the wall clock of each day
    at 07:00, 10:00 and 17:30 (clinic hours), the days of the changes among them, with the tz database's offset."""
    tz = ZoneInfo(zone)
    block = vtimezone(zone, first=dt.date(year, 1, 5), last=dt.date(year, 12, 20))
    read = block.to_tz(lookup_tzid=False)
    assert not isinstance(read, ZoneInfo)  # built from the block, not looked up by its TZID
    day = dt.date(year, 1, 5)
    wrong = []
    while day <= dt.date(year, 12, 20):
        for clock in (dt.time(7), dt.time(10), dt.time(17, 30)):
            wall = dt.datetime.combine(day, clock)
            if wall.replace(tzinfo=read).utcoffset() != wall.replace(tzinfo=tz).utcoffset():
                wrong.append(wall)
        day += dt.timedelta(days=1)
    assert wrong == []


@pytest.mark.parametrize("zone", YEARLY_RULES)
def test_a_zone_with_a_yearly_rule_gets_open_ended_rrules(zone):
    """Written as calendar apps write theirs: the block for a course in 2026 still holds in 2031 and 2040."""
    tz = ZoneInfo(zone)
    block = vtimezone(zone, first=dt.date(2026, 4, 13), last=dt.date(2026, 4, 24))
    changes = [sub for sub in block.subcomponents if sub["TZOFFSETFROM"].td != sub["TZOFFSETTO"].td]
    assert len(changes) == 2 and all("RRULE" in sub and "RDATE" not in sub for sub in changes)
    assert all("UNTIL" not in sub["RRULE"] and "COUNT" not in sub["RRULE"] for sub in changes)
    assert_same_offsets(block, tz, instants_of(tz, dt.date(2031, 1, 1), dt.date(2031, 12, 31)))
    assert_same_offsets(block, tz, instants_of(tz, dt.date(2040, 1, 1), dt.date(2040, 12, 31)))


@pytest.mark.parametrize(
    ("zone", "rule"),
    [
        ("America/New_York", {"BYMONTH": [3], "BYDAY": ["2SU"]}),  # 2nd Sunday of March, 02:00 EST
        ("Europe/Berlin", {"BYMONTH": [3], "BYDAY": ["-1SU"]}),  # last Sunday of March, 02:00 CET
        ("America/Santiago", {"BYMONTH": [9], "BYDAY": ["SU"], "BYMONTHDAY": [2, 3, 4, 5, 6, 7, 8]}),
    ],
)
def test_the_rule_and_onset_of_summer_time(zone, rule):
    """The onset is dated in the offset it leaves (RFC 5545): 02:00 in New York, not the 03:00 it becomes."""
    block = vtimezone(zone, first=dt.date(2031, 5, 1), last=dt.date(2031, 5, 1))
    (summer,) = block.walk("DAYLIGHT")[1:] if zone == "America/Santiago" else block.walk("DAYLIGHT")
    assert {key: summer["RRULE"][key] for key in rule} == rule
    assert summer["RRULE"]["FREQ"] == ["YEARLY"]
    expected = {"America/New_York": dt.datetime(2030, 3, 10, 2), "Europe/Berlin": dt.datetime(2030, 3, 31, 2),
                "America/Santiago": dt.datetime(2030, 9, 8, 0)}[zone]
    assert summer["DTSTART"].dt == expected


def test_a_zone_without_daylight_saving_has_one_observance():
    block = vtimezone("Asia/Kolkata", first=dt.date(2031, 5, 1), last=dt.date(2040, 5, 1))
    (only,) = block.subcomponents
    assert only.name == "STANDARD" and only["TZOFFSETTO"].td == dt.timedelta(hours=5, minutes=30)
    assert str(only["TZNAME"]) == "IST"


@pytest.mark.parametrize(
    ("zone", "first", "last"),
    [
        ("Africa/Casablanca", dt.date(2031, 1, 10), dt.date(2031, 12, 20)),  # no yearly rule at all
        ("Europe/Moscow", dt.date(2010, 3, 1), dt.date(2010, 11, 30)),  # summer time ended in 2011
        ("America/Sao_Paulo", dt.date(2017, 10, 1), dt.date(2018, 3, 30)),  # and here in 2019
    ],
)
def test_a_zone_whose_changes_follow_no_rule_lists_them_for_the_events(zone, first, last):
    """A rule is written only if it holds VERIFY_YEARS on: here each change of the span is an RDATE, right for
    the events' dates, and nothing is claimed beyond."""
    assert VERIFY_YEARS >= 5
    tz = ZoneInfo(zone)
    block = vtimezone(zone, first=first, last=last)
    assert not any("RRULE" in sub for sub in block.subcomponents)
    assert any("RDATE" in sub for sub in block.subcomponents)
    assert_same_offsets(block, tz, instants_of(tz, dt.date(first.year, 1, 1), dt.date(last.year, 12, 31)))


def test_transitions_are_found_to_the_second():
    tz = ZoneInfo("America/New_York")
    start = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    found = transitions(tz, start, dt.datetime(2032, 1, 1, tzinfo=dt.UTC))
    assert [(t.at, t.before.name, t.after.name, t.onset) for t in found] == [
        (dt.datetime(2031, 3, 9, 7, tzinfo=dt.UTC), "EST", "EDT", dt.datetime(2031, 3, 9, 2)),
        (dt.datetime(2031, 11, 2, 6, tzinfo=dt.UTC), "EDT", "EST", dt.datetime(2031, 11, 2, 2)),
    ]
