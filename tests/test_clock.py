"""common.clock and the `clock` template filters: one way to print a time of day, in the clinic's format (issue 13)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from common import clock
from common.clock import format_clock

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    "value, h24, h12",
    [
        (dt.time(0, 0), "00:00", "12:00 AM"),  # midnight
        (dt.time(0, 30), "00:30", "12:30 AM"),
        (dt.time(9, 0), "09:00", "9:00 AM"),
        (dt.time(11, 59), "11:59", "11:59 AM"),
        (dt.time(12, 0), "12:00", "12:00 PM"),  # noon
        (dt.time(12, 45), "12:45", "12:45 PM"),
        (dt.time(14, 30), "14:30", "2:30 PM"),
        (dt.time(23, 59, 59), "23:59", "11:59 PM"),  # seconds are not shown
        (dt.datetime(2026, 12, 3, 18, 5), "18:05", "6:05 PM"),
    ],
)
def test_both_formats(value, h24, h12):
    assert (format_clock(value, "24h"), format_clock(value, "12h")) == (h24, h12)


@pytest.mark.parametrize(
    "utc, h24, h12",
    [
        # Spring forward (8 March 2026): 01:59 EST is followed by 03:00 EDT.
        ("2026-03-08T06:59", "01:59", "1:59 AM"),
        ("2026-03-08T07:00", "03:00", "3:00 AM"),
        # Fall back (1 November 2026): 01:30 happens twice; each reads as the wall clock shows it.
        ("2026-11-01T05:30", "01:30", "1:30 AM"),
        ("2026-11-01T06:30", "01:30", "1:30 AM"),
        ("2026-11-01T17:00", "12:00", "12:00 PM"),
    ],
)
def test_dst_days_show_the_wall_clock(utc, h24, h12):
    local = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC).astimezone(NEW_YORK)
    assert (format_clock(local, "24h"), format_clock(local, "12h")) == (h24, h12)


@pytest.mark.parametrize("fmt", ["", "12H", "am", "24h "])
def test_an_unknown_format_reads_24_hour(fmt):
    assert format_clock(dt.time(14, 30), fmt) == "14:30"


def test_the_format_in_force_nests_and_comes_back():
    assert clock.current() == "24h" and format_clock(dt.time(14, 30)) == "14:30"
    with clock.clock_override("12h"):
        assert format_clock(dt.time(14, 30)) == "2:30 PM"
        with clock.clock_override("24h"):
            assert format_clock(dt.time(14, 30)) == "14:30"
        with clock.clock_override(None), clock.clock_override("bogus"):  # neither changes the format in force
            assert format_clock(dt.time(14, 30)) == "2:30 PM"
        assert format_clock(dt.time(14, 30), "24h") == "14:30"  # an explicit format wins
    assert clock.current() == "24h"


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


class TestFilter:
    def test_an_aware_datetime_is_shown_in_the_zone_in_force(self):
        instant = dt.datetime(2026, 7, 1, 18, 30, tzinfo=dt.UTC)
        with timezone.override(NEW_YORK):
            assert render("{{ t|clock }}", t=instant) == "14:30"
            with clock.clock_override("12h"):
                assert render("{{ t|clock }}", t=instant) == "2:30 PM"
                assert render('{% load tz %}{{ t|timezone:"UTC"|clock }}', t=instant) == "6:30 PM"

    def test_a_clinic_or_a_format_as_argument(self):
        twelve = SimpleNamespace(clock_format="12h")
        t = dt.time(0, 15)
        assert render("{{ t|clock:c }}", t=t, c=twelve) == "12:15 AM"
        assert render('{{ t|clock:"12h" }} {{ t|clock }}', t=t) == "12:15 AM 00:15"

    @pytest.mark.parametrize("value, shown", [("14:30", "2:30 PM"), ("09:05", "9:05 AM"), ("25:00", ""), ("soon", ""),
                                              (None, ""), ("", ""), (7, ""), (dt.date(2026, 1, 1), "")])
    def test_option_values_and_what_is_not_a_time(self, value, shown):
        with clock.clock_override("12h"):
            assert render("{{ v|clock }}", v=value) == shown

    @pytest.mark.parametrize("fmt, hour, full, short", [("24h", 9, "09:00", "09"), ("12h", 9, "9:00 AM", "9 AM"),
                                                         ("12h", 0, "12:00 AM", "12 AM"), ("12h", 12, "12:00 PM", "12 PM"),
                                                         ("24h", 23, "23:00", "23"), ("12h", "x", "", "")])
    def test_hour_headings(self, fmt, hour, full, short):
        with clock.clock_override(fmt):
            assert render('{{ h|clock_hour }}|{{ h|clock_hour:"short" }}', h=hour) == f"{full}|{short}"


@pytest.mark.parametrize("fmt, shown", [("24h", "Wed 2026-07-01 14:30 EDT"), ("12h", "Wed 2026-07-01 2:30 PM EDT")])
def test_the_admin_lists_read_the_clinics_clock(fmt, shown):
    from scheduler.admin_base import local_time

    assert local_time(dt.datetime(2026, 7, 1, 18, 30, tzinfo=dt.UTC), NEW_YORK, fmt) == shown
