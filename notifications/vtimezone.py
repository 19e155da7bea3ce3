"""The VTIMEZONE of a calendar file, built from the tz database (zoneinfo) so that it holds for its events' dates.

A calendar app reads an event's wall-clock time through the VTIMEZONE in the same file, not through its own
tz database, so that block must give the right offset on every event's date, whatever year it falls in.
icalendar's `Timezone.from_tzid(first_date, last_date)` lists each transition between two dates as an RDATE,
and dates a spring-forward onset at the new offset's wall clock (03:00 in New York), an hour after the instant
RFC 5545 reads there (an onset is in TZOFFSETFROM's time: 02:00). So the block is built here:

- every transition of the zone from 1 January of the year before the first event to the end of the last
  event's year is found in zoneinfo, to the second, and dated at its onset in the offset it leaves;
- where each kind of transition (to summer time, to winter time) follows a yearly rule ("2nd Sunday of
  March at 02:00", "last Sunday of October at 03:00", Chile's "first Sunday on or after the 2nd"), it is
  written as that RRULE, open-ended, as calendar apps write theirs: the block then also holds after the
  events (for a calendar that keeps a zone's block by its TZID, say). A rule is used only when it reproduces
  zoneinfo's transitions, all of them and nothing more, through VERIFY_YEARS after the last event; otherwise
  (a zone whose rules change in that time) each transition of the span is an RDATE, which holds for every
  event in the file;
- a first observance at the span's start says the offset until the first transition (a zone without daylight
  saving, Asia/Kolkata, has only that one).
"""

from __future__ import annotations

import calendar as monthly
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

#: How long after the last event a yearly rule must keep matching zoneinfo to be written as an RRULE.
VERIFY_YEARS = 10
#: Transitions are looked for a day apart, then narrowed down to the second (no zone changes twice in a day).
_STEP = timedelta(days=1)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _State:
    """What the zone says at an instant: its offset from UTC, whether that is summer time, its abbreviation."""

    offset: timedelta
    dst: bool
    name: str


def _state(tz: ZoneInfo, instant: datetime) -> _State:
    local = instant.astimezone(tz)
    offset, dst = local.utcoffset(), local.dst()
    assert offset is not None  # a ZoneInfo always has one
    return _State(offset, bool(dst), local.tzname() or "")


@dataclass(frozen=True)
class Transition:
    at: datetime  # UTC: the first instant of the new offset
    before: _State
    after: _State

    @property
    def onset(self) -> datetime:
        """When it happens, as RFC 5545 dates an observance: the wall clock of the offset it leaves (naive)."""
        return (self.at + self.before.offset).replace(tzinfo=None)

    @property
    def kind(self) -> tuple[timedelta, timedelta, str, bool]:
        """Transitions of one kind share one observance: from, to, the new abbreviation, summer time or not."""
        return (self.before.offset, self.after.offset, self.after.name, self.after.dst)


def transitions(tz: ZoneInfo, start: datetime, end: datetime) -> list[Transition]:
    """Every change of offset, abbreviation or summer time in [start, end), to the second."""
    found = []
    lo, lo_state = start, _state(tz, start)
    while lo < end:
        hi = min(lo + _STEP, end)
        hi_state = _state(tz, hi)
        if hi_state != lo_state:
            a, b = lo, hi  # a has the old state, b the new: halve until they are a second apart
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) / 2
                mid = mid.replace(microsecond=0)
                if _state(tz, mid) == lo_state:
                    a = mid
                else:
                    b = mid
            found.append(Transition(at=b, before=lo_state, after=_state(tz, b)))
        lo, lo_state = hi, hi_state
    return found


# --- Yearly rules -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearlyRule:
    """The onset on the first `weekday` of `month` on or after day `first_day` (-1: the last such weekday of
    the month), at `clock` in the offset it leaves: "2nd Sunday" is first_day 8, Chile's "Sunday >= 2" is 2."""

    month: int
    weekday: int  # Monday 0
    first_day: int  # 1–22, or -1 for the last
    clock: time

    def onset(self, year: int) -> datetime:
        if self.first_day == -1:
            last = monthly.monthrange(year, self.month)[1]
            day = last - (date(year, self.month, last).weekday() - self.weekday) % 7
        else:
            day = self.first_day + (self.weekday - date(year, self.month, self.first_day).weekday()) % 7
        return datetime.combine(date(year, self.month, day), self.clock)

    def rrule(self) -> dict:
        weekday = _WEEKDAYS[self.weekday]
        if self.first_day == -1:
            return {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"-1{weekday}"}
        if self.first_day % 7 == 1:
            return {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"{self.first_day // 7 + 1}{weekday}"}
        days = list(range(self.first_day, self.first_day + 7))
        return {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": weekday, "BYMONTHDAY": days}


def _candidate_rules(onsets: list[datetime]) -> list[YearlyRule]:
    """The yearly rules every one of these onsets agrees with (one a year, same month, weekday and time), the
    usual forms first: the last weekday of the month, the nth, then "on or after" a day."""
    first = onsets[0]
    if len({o.year for o in onsets}) != len(onsets):
        return []
    if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time()) for o in onsets):
        return []
    days = [o.day for o in onsets]
    first_days = sorted(range(max(1, max(days) - 6), min(22, min(days)) + 1), key=lambda d: (d % 7 != 1, d))
    if all(o.day + 7 > monthly.monthrange(o.year, o.month)[1] for o in onsets):
        first_days.insert(0, -1)
    return [YearlyRule(first.month, first.weekday(), d, first.time()) for d in first_days]


def _rules(found: list[Transition], *, span_end: datetime, last_year: int) -> dict[tuple, YearlyRule] | None:
    """A yearly rule per kind of transition, if rules reproduce `found` exactly (every one, none more); else None.

    The rules are read from the transitions before `span_end` and checked against all of `found`, which runs
    VERIFY_YEARS past the last event.
    """
    by_kind: dict[tuple, list[Transition]] = defaultdict(list)
    for t in found:
        by_kind[t.kind].append(t)
    rules = {}
    for kind, of_kind in by_kind.items():
        seen = [t.onset for t in of_kind if t.at < span_end]
        actual = {t.onset for t in of_kind}
        start_year = of_kind[0].onset.year
        verified = [
            rule for rule in _candidate_rules(seen)
            if {rule.onset(y) for y in range(start_year, last_year + VERIFY_YEARS + 1)} == actual
        ] if seen else []
        if not verified:
            return None
        rules[kind] = verified[0]
    return rules


# --- The component ----------------------------------------------------------------------------------------


def _observance(state: _State, *, offset_from: timedelta, start: datetime):
    sub = TimezoneDaylight() if state.dst else TimezoneStandard()
    sub.add("TZNAME", state.name or _offset_name(state.offset))
    sub.add("TZOFFSETFROM", offset_from)
    sub.add("TZOFFSETTO", state.offset)
    sub.add("DTSTART", start)
    return sub


def _offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


@lru_cache(maxsize=128)
def _plan(key: str, first_year: int, last_year: int):
    """What the block holds for a zone and the events' years (cached: the same few zones and years recur)."""
    tz = ZoneInfo(key)
    start = datetime(first_year - 1, 1, 1, tzinfo=tz).astimezone(UTC)
    span_end = datetime(last_year + 1, 1, 1, tzinfo=tz).astimezone(UTC)
    horizon = datetime(last_year + VERIFY_YEARS + 1, 1, 1, tzinfo=tz).astimezone(UTC)
    found = transitions(tz, start, horizon)
    rules = _rules(found, span_end=span_end, last_year=last_year)
    return _state(tz, start), start, [t for t in found if t.at < span_end], rules


def vtimezone(key: str, *, first: date, last: date) -> Timezone:
    """The VTIMEZONE of zone `key` (an IANA name) for events from `first` to `last` (local dates)."""
    initial, start, found, rules = _plan(key, first.year, last.year)
    zone = Timezone()
    zone.add("TZID", key)
    tz = ZoneInfo(key)
    zone.add_component(_observance(initial, offset_from=initial.offset, start=start.astimezone(tz).replace(tzinfo=None)))
    by_kind: dict[tuple, list[Transition]] = defaultdict(list)
    for t in found:
        by_kind[t.kind].append(t)
    for kind, of_kind in by_kind.items():
        sub = _observance(of_kind[0].after, offset_from=of_kind[0].before.offset, start=of_kind[0].onset)
        if rules is not None:
            sub.add("RRULE", rules[kind].rrule())
        elif len(of_kind) > 1:
            sub.add("RDATE", [t.onset for t in of_kind[1:]])
        zone.add_component(sub)
    return zone
