"""The slot grid of a session (moving it through free times over the coming days): days, filters, the
patient's request note, later days, roles, another clinic's session, hostile filters and query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import services
from bookings.models import InfusionSession
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from scheduler import planning
from tests.factories import PatientFactory
from tests.frontdesk.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

HTMX = {"HTTP_HX_REQUEST": "true"}
# Tue 2, Thu 4 and Mon 8 March 2027 at 09:00 (the clinic opens Mon-Fri 08:00-18:00; sessions >= 20 h apart
# within 14 days): the second session may fall on Wed 3 to Fri 5, the third on Fri 5 to Mon 15.
COURSE = [dt.datetime(2027, 3, 2, 9, 0), dt.datetime(2027, 3, 4, 9, 0), dt.datetime(2027, 3, 8, 9, 0)]


def grid(client, session, **params):
    return client.get(reverse("frontdesk:session-options", args=[session.pk]), params, **HTMX)


def day_headings(response) -> list[str]:
    return re.findall(r'<h4 id="slot-day-[^"]*"[^>]*>([^<]+)</h4>', response.content.decode())


def times(response) -> list[str]:
    return re.findall(r'name="starts_at" value="([^"]+)"', response.content.decode())


@pytest.mark.parametrize(
    ("items", "count", "expected"),
    [
        ([], 3, []),
        ([1, 2], 3, [1, 2]),
        ([1, 2, 3, 4, 5], 3, [1, 3, 5]),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, [1]),
        ([1, 2, 3], 0, []),
        (list(range(10)), 4, [0, 3, 6, 9]),
    ],
)
def test_spread_keeps_the_first_and_last_and_spaces_the_rest(items, count, expected):
    assert planning.spread(items, count) == expected


class TestGrid:
    def test_days_as_columns_with_round_times_and_the_current_time_marked(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        response = grid(as_user(home.users[FRONT_DESK]), session)
        assert response.status_code == 200 and b"<html" not in response.content
        assert day_headings(response) == ["Wed 3 Mar", "Thu 4 Mar", "Fri 5 Mar"]  # the spacing's dates, no weekend
        found = times(response)
        assert len(found) == 3 * 8 - 1  # eight a day, the session's own 09:00 shown as current, not as a button
        assert "2027-03-04T09:00" not in found and b"current" in response.content
        assert all(t.endswith(":00") for t in found)  # on the hour where enough of those are free
        assert {t[11:] for t in found if t.startswith("2027-03-03")} == {f"{h:02d}:00" for h in (8, 9, 11, 12, 13, 14, 16, 17)}
        assert b"Later days" not in response.content  # the spacing leaves no more days

    def test_filters_narrow_to_thursday_afternoon(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        response = grid(as_user(home.users[FRONT_DESK]), session, day=["3"], part=["afternoon"])
        assert day_headings(response) == ["Thu 4 Mar"]
        found = times(response)
        assert found and all(t.startswith("2027-03-04T") and "12:00" <= t[11:] < "17:00" for t in found)
        ticked = re.findall(r'<input type="checkbox" name="(day|part)" value="(\w+)"[^>]*checked', response.content.decode())
        assert ticked == [("day", "3"), ("part", "afternoon")]

    def test_evening_is_the_last_start_and_a_closed_day_finds_nothing(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        client = as_user(home.users[FRONT_DESK])
        evening = grid(client, session, part=["evening"])
        assert {t[11:] for t in times(evening)} == {"17:00"}  # 17:00 + 60 min ends at closing
        for day in ("5", "0"):  # Saturday is closed; the Monday is outside the course's spacing
            response = grid(client, session, day=[day])
            assert response.status_code == 200 and day_headings(response) == []
            assert b"No free time" in response.content and b"on the days and times ticked" in response.content

    def test_later_days_continue_from_the_next_date(self, as_user, home):
        session = home.book(COURSE).sessions[2]  # Mon 8: may go Fri 5 to Mon 15
        client = as_user(home.users[FRONT_DESK])
        first = grid(client, session)
        assert day_headings(first) == ["Fri 5 Mar", "Mon 8 Mar", "Tue 9 Mar", "Wed 10 Mar", "Thu 11 Mar"]
        assert b"from=2027-03-12" in first.content and b"Later days" in first.content
        later = grid(client, session, **{"from": "2027-03-12"})
        assert day_headings(later) == ["Fri 12 Mar", "Mon 15 Mar"]
        assert b"Later days" not in later.content and b"Back to the first days" in later.content
        assert b"autofocus" in later.content  # the first new day takes the focus from the replaced link

    def test_the_patients_request_note_is_shown_above_the_grid(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        services.session_request_reschedule(session=session, note="Thursday afternoon, please")
        response = grid(as_user(home.users[FRONT_DESK]), session)
        assert b"The patient asked" in response.content and b"Thursday afternoon, please" in response.content
        in_panel = grid(as_user(home.users[FRONT_DESK]), session, **{"in": "panel"})  # the panel's banner shows it
        assert b"Thursday afternoon, please" not in in_panel.content and times(in_panel)

    def test_a_time_button_moves_the_session_and_the_answer_takes_the_focus(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        client = as_user(home.users[FRONT_DESK])
        chosen = times(grid(client, session, day=["3"], part=["afternoon"]))[2]
        moved = client.post(reverse("frontdesk:session-move", args=[session.pk]), {"starts_at": chosen, "scope": "this"}, **HTMX)
        assert b"Moved to Thu 04 Mar 2027" in moved.content
        assert re.search(rb'class="panel-answer" tabindex="-1" autofocus>', moved.content)
        assert InfusionSession.objects.get(pk=session.pk).starts_at == dt.datetime.fromisoformat(chosen).replace(tzinfo=home.clinic.tz)

    def test_a_refused_move_brings_the_grid_back_with_the_answer_focused(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        client = as_user(home.users[FRONT_DESK])
        # A time no longer free (here: one that has passed) is refused by the move service.
        refused = client.post(reverse("frontdesk:session-move", args=[session.pk]),
                              {"starts_at": "2027-03-01T08:00", "scope": "this"}, **HTMX)
        html = refused.content.decode()
        assert 'role="alert"' in html and 'class="panel-answer" tabindex="-1" autofocus' in html
        assert 'hx-trigger="load"' in html  # the grid comes back at once, to pick another time
        assert InfusionSession.objects.get(pk=session.pk).starts_at == dt.datetime(2027, 3, 4, 9, tzinfo=home.clinic.tz)

    def test_later_days_keep_the_filters(self, as_user, home):
        session = home.book(COURSE).sessions[2]
        response = grid(as_user(home.users[FRONT_DESK]), session, day=["0", "1", "2", "3", "4"], part=["morning"])
        link = re.search(r'href="([^"]*from=[^"]*)"', response.content.decode()).group(1).replace("&amp;", "&")
        assert "day=0&day=1&day=2&day=3&day=4&part=morning&from=2027-03-12" in link

    def test_without_htmx_the_grid_is_a_page(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        response = as_user(home.users[ADMIN]).get(reverse("frontdesk:session-options", args=[session.pk]))
        assert response.status_code == 200 and b"<html" in response.content and b"Free times" in response.content

    def test_a_session_that_cannot_move_has_no_grid(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        services.session_cancel(session=session, by_party="clinic", reason="Chair repair")
        response = grid(as_user(home.users[FRONT_DESK]), session)
        assert response.status_code == 200 and b"Only a booked or confirmed session can be moved." in response.content
        assert times(response) == []

    def test_the_panel_loads_the_grid_when_move_opens(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        panel = as_user(home.users[FRONT_DESK]).get(reverse("frontdesk:session", args=[session.pk]), **HTMX)
        assert b'hx-trigger="toggle once from:closest details"' in panel.content


class TestAccess:
    @pytest.mark.parametrize("role", [CLINICIAN, None])
    def test_roles_that_do_not_book_are_refused(self, as_user, home, role):
        session = home.book(COURSE).sessions[1]
        assert grid(as_user(home.users[role]), session).status_code == 403

    def test_another_clinics_session_is_not_found(self, as_user, home, away):
        theirs = away.book(COURSE).sessions[1]
        assert grid(as_user(home.users[FRONT_DESK]), theirs).status_code == 404
        assert grid(as_user(home.users[ADMIN]), theirs).status_code == 404

    @pytest.mark.parametrize(
        "params",
        [
            {"day": ["9"]}, {"day": ["Thu"]}, {"day": ["-1"]}, {"part": ["night"]}, {"part": ["<script>"]},
            {"from": "next week"}, {"from": "0001-01-01"}, {"from": "9999-12-31"}, {"from": "2027-02-30"},
            {"from": "2027-03-03\x00"}, {"day": ["3"] * 500},
        ],
    )
    def test_hostile_filters_are_form_errors(self, as_user, home, params):
        session = home.book(COURSE).sessions[1]
        response = grid(as_user(home.users[FRONT_DESK]), session, **params)
        assert response.status_code == 200
        repeated_day = params.get("day") == ["3"] * 500
        assert repeated_day or b"see the filters" in response.content
        assert b"<script>" not in response.content

    def test_a_date_past_the_window_finds_nothing(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        response = grid(as_user(home.users[FRONT_DESK]), session, **{"from": "2999-12-31"})
        assert response.status_code == 200 and day_headings(response) == [] and b"No free time" in response.content


class TestQueries:
    def _count(self, client, session, **params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert grid(client, session, **params).status_code == 200
        return len(captured.captured_queries)

    def test_a_grid_page_runs_a_fixed_number_of_queries(self, as_user, home, django_assert_max_num_queries):
        session = home.book(COURSE).sessions[2]
        client = as_user(home.users[FRONT_DESK])
        few = self._count(client, session)
        # More patients' sessions on the days shown, and a second page: the same count.
        for i in range(3):
            other = PatientFactory(clinic=home.clinic, first_name=f"Other{i}")
            home.book([dt.datetime(2027, 3, 9, 8 + i, 0), dt.datetime(2027, 3, 11, 8 + i, 0),
                       dt.datetime(2027, 3, 15, 8 + i, 0)], patient=other)
        assert self._count(client, session) == few
        assert self._count(client, session, **{"from": "2027-03-12"}, day=["0", "4"], part=["morning"]) == few
        with django_assert_max_num_queries(few):
            grid(client, session)
        print(f"slot grid page: {few} queries")

    def test_the_request_note_costs_one_query(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        client = as_user(home.users[FRONT_DESK])
        before = self._count(client, session)
        services.session_request_reschedule(session=session, note="Thursday afternoon")
        assert self._count(client, session) == before + 1


class TestNoteSetsTheFilters:
    """Issue 13, optional part: the patient's note ("Thursday afternoon") ticks the filters it names."""

    def test_the_note_ticks_its_filters_and_says_so(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        services.session_request_reschedule(session=session, note="Thursday afternoon, please")
        response = grid(as_user(home.users[FRONT_DESK]), session)
        html = response.content.decode()
        assert "Filters set from the patient's note: Thu, afternoon." in html
        ticked = re.findall(r'<input type="checkbox" name="(day|part)" value="(\w+)"[^>]*checked', html)
        assert ticked == [("day", "3"), ("part", "afternoon")]
        assert day_headings(response) == ["Thu 4 Mar"]
        assert all("12:00" <= t[11:] < "17:00" for t in times(response))
        # In the panel too (its banner shows the note), the filters are set from it.
        assert day_headings(grid(as_user(home.users[FRONT_DESK]), session, **{"in": "panel"})) == ["Thu 4 Mar"]

    def test_the_person_clears_them(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        services.session_request_reschedule(session=session, note="Thursday afternoon, please")
        # The grid's own form sends `filtered`: nothing ticked now means any day and time.
        response = grid(as_user(home.users[FRONT_DESK]), session, filtered="1")
        assert b"Filters set from" not in response.content
        assert day_headings(response) == ["Wed 3 Mar", "Thu 4 Mar", "Fri 5 Mar"]
        assert b'name="filtered" value="1"' in response.content

    def test_a_note_naming_no_day_or_time_sets_nothing(self, as_user, home):
        session = home.book(COURSE).sessions[1]
        services.session_request_reschedule(session=session, note="Any time later, please")
        response = grid(as_user(home.users[FRONT_DESK]), session)
        assert b"Filters set from" not in response.content and len(day_headings(response)) == 3


def book_grid(client, site, index, rows, **params):
    """The booking page's grid for `row` of a proposal with these wall-clock starts ("YYYY-MM-DDTHH:MM")."""
    query = {"clinic": site.clinic.pk, "protocol": site.protocol.pk, "earliest_date": "2027-03-02",
             "day": [r[:10] for r in rows], "time": [r[11:] for r in rows], "chair": ["" for _ in rows],
             "nurse": ["" for _ in rows], "row": index, **params}
    return client.get(reverse("frontdesk:book-slots", args=[site.patient.pk]), query, **HTMX)


def picks(response) -> list[str]:
    html = response.content.decode()
    return [f"{d}T{t}" for d, t in re.findall(r'data-pick-day="([^"]+)" data-pick-time="([^"]+)"', html)]


PROPOSED = ["2027-03-02T09:00", "2027-03-04T09:00", "2027-03-08T09:00"]


class TestBookingPageGrid:
    """'Change this session' on the booking page: the same grid, against the proposal's other rows."""

    def test_a_rows_grid_keeps_the_spacing_with_the_other_rows(self, as_user, home):
        response = book_grid(as_user(home.users[FRONT_DESK]), home, 1, PROPOSED)
        assert response.status_code == 200 and b"<html" not in response.content
        # As a stored second session would: Wed 3 to Fri 5, its own 09:00 shown as current.
        assert day_headings(response) == ["Wed 3 Mar", "Thu 4 Mar", "Fri 5 Mar"]
        found = picks(response)
        assert len(found) == 3 * 8 - 1 and "2027-03-04T09:00" not in found and b"current" in response.content
        assert b'data-pick-row="1"' in response.content and b'name="starts_at"' not in response.content
        assert b'hx-include="#book-form"' in response.content and b"Free times for row 2" in response.content
        assert not InfusionSession.objects.exists()  # nothing stored

    def test_the_grid_follows_the_rows_as_they_stand(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        # The third row moved to Thu 11 in the page: the second may now run to Wed 10 (>= 20 h before it).
        moved = book_grid(client, home, 1, [PROPOSED[0], PROPOSED[1], "2027-03-11T09:00"])
        assert day_headings(moved) == ["Wed 3 Mar", "Thu 4 Mar", "Fri 5 Mar", "Mon 8 Mar", "Tue 9 Mar"]
        assert b"Later days" in moved.content and b"row=1&amp;grid-day" not in moved.content
        later = re.search(r'href="([^"]*grid-from=[^"]*)"', moved.content.decode()).group(1).replace("&amp;", "&")
        assert "row=1" in later and "grid-from=2027-03-10" in later and "grid-filtered=1" in later
        # The first row's grid: from today (12:00 now, so no morning) to the day before the second row.
        first = book_grid(client, home, 0, PROPOSED)
        assert day_headings(first) == ["Mon 1 Mar", "Tue 2 Mar", "Wed 3 Mar"]
        assert all(t[11:] >= "12:00" for t in picks(first) if t.startswith("2027-03-01"))
        assert all(t[11:] <= "13:00" for t in picks(first) if t.startswith("2027-03-03"))

    def test_filters_and_later_days_as_on_the_move_page(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        rows = [PROPOSED[0], PROPOSED[1], "2027-03-11T09:00"]
        response = book_grid(client, home, 1, rows, **{"grid-day": ["3"], "grid-part": ["afternoon"], "grid-filtered": "1"})
        assert day_headings(response) == ["Thu 4 Mar"]
        assert all("12:00" <= t[11:] < "17:00" for t in picks(response))
        later = book_grid(client, home, 1, rows, **{"grid-from": "2027-03-10", "grid-filtered": "1"})
        assert day_headings(later) == ["Wed 10 Mar"] and b"Back to the first days" in later.content

    def test_a_row_without_a_time_still_gets_a_grid(self, as_user, home):
        response = book_grid(as_user(home.users[FRONT_DESK]), home, 1, [PROPOSED[0], "2027-03-0", PROPOSED[2]])
        assert response.status_code == 200 and day_headings(response)[0] == "Wed 3 Mar" and b"current" not in response.content

    def test_the_page_offers_change_on_every_row(self, as_user, home):
        from tests.frontdesk.test_pages import propose

        page = propose(as_user(home.users[FRONT_DESK]), home)
        html = page.content.decode()
        assert len(re.findall(r'<button type="button" id="change-\d" class="secondary change-row"', html)) == 3
        assert 'id="change-grid"' in html and f'/patients/{home.patient.pk}/book/slots/?row=2' in html


class TestBookingPageGridRefusals:
    @pytest.mark.parametrize("role", [CLINICIAN, None])
    def test_roles_that_do_not_book_are_refused(self, as_user, home, role):
        assert book_grid(as_user(home.users[role]), home, 1, PROPOSED).status_code == 403

    def test_another_clinics_patient_is_not_found(self, as_user, home, away):
        response = book_grid(as_user(home.users[FRONT_DESK]), away, 1, PROPOSED)
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "params",
        [
            {"row": "3"}, {"row": "-1"}, {"row": "x"}, {"row": ""}, {"row": ["0", "1"]}, {"row": str(10**30)},
            {"grid-day": ["9"]}, {"grid-part": ["night"]}, {"grid-from": "2027-02-30"}, {"grid-from": "0001-01-01"},
            {"protocol": "999999"}, {"protocol": ""},
        ],
    )
    def test_hostile_parameters_are_refused_with_400(self, as_user, home, params):
        response = book_grid(as_user(home.users[FRONT_DESK]), home, 1, PROPOSED, **params)
        assert response.status_code == 400
        assert b'role="alert"' in response.content or b"error-text" in response.content

    def test_too_many_rows_are_refused(self, as_user, home):
        rows = [f"2027-03-{d:02d}T09:00" for d in range(2, 12)]
        assert book_grid(as_user(home.users[FRONT_DESK]), home, 1, rows).status_code == 400

    def test_hostile_rows_are_no_place_not_an_error(self, as_user, home):
        rows = ["0001-01-01T00:00", "2027-03-04T09:00", "9999-12-31T23:45"]
        response = book_grid(as_user(home.users[FRONT_DESK]), home, 1, rows)
        assert response.status_code == 200 and day_headings(response)

    def test_a_fixed_number_of_queries(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        with CaptureQueriesContext(connection) as few:
            book_grid(client, home, 1, PROPOSED)
        for i in range(3):
            other = PatientFactory(clinic=home.clinic, first_name=f"Other{i}")
            home.book([dt.datetime(2027, 3, 9, 8 + i, 0), dt.datetime(2027, 3, 11, 8 + i, 0),
                       dt.datetime(2027, 3, 15, 8 + i, 0)], patient=other)
        with CaptureQueriesContext(connection) as more:
            book_grid(client, home, 2, PROPOSED)
        assert len(more.captured_queries) == len(few.captured_queries)
