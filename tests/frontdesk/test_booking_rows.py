"""The booking page's session rows, server side: a date and a time on the clinic's grid, checked piece by piece.

The browser side (when a row is checked, focus, key budgets) is in tests/e2e/test_booking_keys.py.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from common.api import FRONT_DESK
from frontdesk.forms import parse_wall, time_choices, time_grid
from tests.factories import ProtocolFactory
from tests.frontdesk.conftest import NOW
from tests.frontdesk.test_pages import HTMX, confirm_data, propose, series_from


@pytest.mark.parametrize(
    ("opens", "closes", "block", "first", "last", "count"),
    [
        ("08:00", "18:00", 60, "08:00", "17:00", 37),
        ("08:00", "18:00", 0, "08:00", "18:00", 41),
        ("08:10", "12:00", 120, "08:15", "10:00", 8),  # off the grid: the first grid time after opening
        ("09:00", "10:00", 120, "09:00", "09:45", 4),  # no block fits: the whole span, never an empty list
        ("00:00", "23:59", 0, "00:00", "23:45", 96),
    ],
)
def test_the_time_grid(opens, closes, block, first, last, count):
    grid = time_grid(opens=dt.time.fromisoformat(opens), closes=dt.time.fromisoformat(closes), block_minutes=block)
    assert (grid[0], grid[-1], len(grid)) == (first, last, count)


@pytest.mark.parametrize(
    ("chosen", "offered"),
    [("09:15", ["09:00", "09:15", "09:30"]), ("09:05", ["09:00", "09:05", "09:15", "09:30"]),
     ("", ["09:00", "09:15", "09:30"]), ("9 o'clock", ["09:00", "09:15", "09:30"])],
)
def test_a_rows_own_time_stays_offered(chosen, offered):
    assert time_choices(["09:00", "09:15", "09:30"], chosen) == offered


@pytest.mark.parametrize(
    ("day", "time", "wall", "missing"),
    [
        ("2027-03-02", "09:15", dt.datetime(2027, 3, 2, 9, 15), ""),
        ("", "09:15", None, "Enter a date."),
        ("2027-02-30", "09:15", None, "Enter a date."),
        ("2027-03-02", "", None, "Choose a time."),
        ("2027-03-02", "24:00", None, "Choose a time."),
        ("", "", None, "Enter a date and choose a time."),
        ("next tuesday", "\x00", None, "Enter a date and choose a time."),
    ],
)
def test_a_rows_date_and_time(day, time, wall, missing):
    assert parse_wall(day, time) == (wall, missing)


@pytest.mark.django_db
@pytest.mark.frozen(NOW)
class TestRows:
    def test_the_proposal_has_a_date_field_and_a_time_list_per_session(self, as_user, home):
        response = propose(as_user(home.users[FRONT_DESK]), home)
        html = response.content.decode()
        assert [r[0] for r in series_from(response)] == ["2027-03-02T08:00", "2027-03-03T08:00", "2027-03-04T08:00"]
        assert html.count('type="date" name="day"') == 3 and html.count('name="time"') == 3
        # The clinic's 08:00–18:00 in quarter hours, up to the last one-hour session that ends by closing.
        first_list = re.search(r'<select id="time-0".*?</select>', html, flags=re.S).group(0)
        assert re.findall(r"<option[^>]*>([^<]*)</option>", first_list)[::12] == ["08:00", "11:00", "14:00", "17:00"]
        assert 'aria-describedby="check-0"' in html and 'id="check-0"' in html
        assert 'id="series-heading" class="card-title" tabindex="-1" autofocus' in html  # focus: the proposal
        assert "Book all 3 sessions" in html and "Tue 2 Mar" in html

    def test_a_check_swaps_in_every_piece_but_the_controls(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        rows = series_from(propose(client, home))
        rows[1] = ("2027-03-02T20:00", "", "")  # evening: closed, and too close to session 1
        html = client.get(f"/patients/{home.patient.pk}/book/check/", confirm_data(home, rows), **HTMX).content.decode()
        swapped = re.findall(r'id="([\w-]+)"[^>]*hx-swap-oob="innerHTML"', html)
        assert {"check-1", "session-1", "end-1", "chair-1", "nurse-1", "placed-1", "series-notes", "series-status"} <= set(swapped)
        assert "day-1" not in swapped and "time-1" not in swapped
        assert not re.search(r'<(input|select)[^>]*hx-swap-oob', html)  # the controls are never replaced
        check = re.search(r'<div id="check-1".*?</div>', html, flags=re.S).group(0)
        assert "opening hours" in check.lower()

    def test_a_row_without_its_time_says_so_and_the_others_stand(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        rows = series_from(propose(client, home))
        rows[2] = ("2027-03-04T", rows[2][1], rows[2][2])
        html = client.get(f"/patients/{home.patient.pk}/book/check/", confirm_data(home, rows), **HTMX).content.decode()
        assert re.search(r'<div id="check-2".*?Choose a time\..*?</div>', html, flags=re.S)
        for other in (0, 1):
            assert re.search(rf'<div id="check-{other}"[^>]*>.*?Fits</span></div>', html, flags=re.S)
        assert 'name="day" value="2027-03-04"' in html  # the date typed is kept
        assert '<option value="" selected>--:--</option>' in html

    def test_a_time_off_the_grid_is_kept(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        rows = series_from(propose(client, home))
        rows[2] = ("2027-03-04T10:05", "", "")
        response = client.get(f"/patients/{home.patient.pk}/book/check/", confirm_data(home, rows), **HTMX)
        assert "<option value=\"10:05\" selected>10:05</option>" in response.content.decode()

    def test_one_session_and_one_day_in_the_singular(self, as_user, home):
        booster = ProtocolFactory(clinic=home.clinic, name="Single visit", session_count=1, chair_minutes=60)
        response = propose(as_user(home.users[FRONT_DESK]), home, protocol=booster.pk)
        html = response.content.decode()
        assert "Book 1 session" in html and "Book all 1" not in html
        assert "(1 day)" in html and "(1 days)" not in html
        assert re.search(r"Earliest: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \(1 day\), from \d\d:\d\d", html)

    def test_a_booking_posts_dates_and_times(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        rows = series_from(propose(client, home))
        rows[2] = ("2027-03-05T10:15", "", "")
        response = client.post(f"/patients/{home.patient.pk}/book/confirm/", confirm_data(home, rows))
        assert response.status_code == 302
        last = home.patient.cycles.get().sessions.order_by("sequence").last()
        assert last.starts_at == dt.datetime(2027, 3, 5, 10, 15, tzinfo=home.clinic.tz)
