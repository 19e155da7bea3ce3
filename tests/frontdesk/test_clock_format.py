"""The desk in a clinic that reads the 12-hour clock (issue 13): every time of day a person reads follows the
clinic's `clock_format`; the values forms send stay "HH:MM"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from common.api import ADMIN, FRONT_DESK
from scheduler.models import Shift
from tests.frontdesk.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

STARTS = [dt.datetime(2027, 3, 1, 14, 30), dt.datetime(2027, 3, 2, 14, 30), dt.datetime(2027, 3, 4, 9, 0)]
TWENTY_FOUR_HOUR = re.compile(r"\b(1[3-9]|2[0-3]):[0-5]\d\b")


def twelve_hour(site):
    site.clinic.clock_format = "12h"
    site.clinic.save(update_fields=["clock_format"])
    return site


def text_of(response) -> str:
    """The words of a page (no tags, no attribute values): what a person reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_day_board_session_and_tomorrow_read_12_hour(as_user, home):
    twelve_hour(home)
    course = home.book(STARTS)
    first = min(course.sessions, key=lambda s: s.starts_at)
    client = as_user(home.users[FRONT_DESK])

    board = text_of(client.get("/"))
    assert "2:30 PM – 3:30 PM" in board.replace("–", " – ")
    assert "Now 12:00 PM" in board and "8:00 AM" in board and "5:00 PM" in board  # the now-line, hour headings
    assert not TWENTY_FOUR_HOUR.search(board), TWENTY_FOUR_HOUR.search(board)

    panel = text_of(client.get(reverse("frontdesk:session", args=[first.pk])))
    assert "2:30 PM–3:30 PM" in panel and not TWENTY_FOUR_HOUR.search(panel)

    for url in ("/tomorrow/", "/tomorrow/print/"):
        page = text_of(client.get(url))
        assert "2:30 PM–3:30 PM" in page and not TWENTY_FOUR_HOUR.search(page), url


def test_a_24_hour_clinic_reads_as_before(as_user, home):
    home.book(STARTS)
    board = text_of(as_user(home.users[FRONT_DESK]).get("/"))
    assert "14:30–15:30" in board and "Now 12:00" in board and "PM" not in board


def test_the_booking_lists_label_in_12_hour_and_send_24_hour(as_user, home):
    twelve_hour(home)
    page = as_user(home.users[FRONT_DESK]).get(
        f"/patients/{home.patient.pk}/book/", {"clinic": home.clinic.pk, "protocol": home.protocol.pk,
                                               "earliest_date": "2027-03-02"}
    ).content.decode()
    assert re.search(r'<option value="13:15"[^>]*>1:15 PM</option>', page)
    assert re.search(r'<option value="08:00" selected>8:00 AM</option>', page)  # the first proposed session
    assert re.search(r'<option value="12:00"[^>]*>12:00 PM</option>', page)
    # The wishes' lists (once native time fields, which print the browser's own clock) are selects on the grid.
    assert '<select name="time_from"' in page and 'type="time"' not in page
    assert re.search(r'<option value="00:00">12:00 AM</option>', page)


def test_the_nurse_week_is_chosen_from_12_hour_lists(as_user, home):
    twelve_hour(home)
    nurse = home.nurses[0]
    client = as_user(home.users[ADMIN])
    page = client.get(f"/staff/nurses/{nurse.pk}/").content.decode()
    assert 'type="time"' not in page
    monday = re.search(r'<select name="starts_0"[^>]*>(.*?)</select>', page, flags=re.S).group(1)
    assert '<option value="">Off</option>' in monday and '<option value="08:00" selected>8:00 AM</option>' in monday
    assert len(re.findall("<option", monday)) == 1 + 96  # the day off and every quarter hour
    assert re.search(r'<select name="from_time"[^>]*>\s*<option value="" selected>Whole day</option>', page)

    done = client.post(f"/staff/nurses/{nurse.pk}/", {"starts_5": "13:15", "ends_5": "17:45", "week": "1"})
    assert done.status_code == 302
    assert Shift.objects.filter(staff=nurse, weekday=5).values_list("starts", "ends").get() == (dt.time(13, 15),
                                                                                                 dt.time(17, 45))


@pytest.mark.parametrize("value", ["1:15 PM", "25:00", "\x00", "13:15:00.5x"])
def test_a_label_or_hostile_value_is_not_a_time(as_user, home, value):
    twelve_hour(home)
    nurse = home.nurses[0]
    page = as_user(home.users[ADMIN]).post(f"/staff/nurses/{nurse.pk}/", {"starts_5": value, "ends_5": "17:45",
                                                                          "week": "1"})
    assert page.status_code == 200 and b"Enter a valid time." in page.content
    assert not Shift.objects.filter(staff=nurse, weekday=5).exists()
