"""The desk's pump pages (issue 16): the pump board, an episode's page, and the day board's pump visits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from common.api import ADMIN, CLINICIAN, FRONT_DESK
from pumps.models import EpisodeStatus, EpisodeVisit, PumpStatus, ReviewMode, VisitStatus
from tests.factories import PatientFactory
from tests.frontdesk.conftest import NOW, build_site
from tests.frontdesk.test_pages import DAY_BOARD_QUERIES
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpMaintenanceFactory, episode_with_visits

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

MONDAY = dt.date(2027, 3, 1)  # today


def fit(site, pump, day: dt.date, hour: int = 10, *, first="Ann", last="Lee", episode_days=3,
        status=EpisodeStatus.BOOKED, review_mode=ReviewMode.VISIT):
    """An episode of a new patient on `pump`, fitted at `hour` on `day` (clinic time), in the site's first chair."""
    patient = PatientFactory(clinic=site.clinic, first_name=first, last_name=last)
    course = PumpCourseFactory(clinic=site.clinic, patient=patient, protocol__episode_days=episode_days,
                               protocol__review_mode=review_mode, protocol__name="Pump course")
    at = dt.datetime.combine(day, dt.time(hour), site.clinic.tz)
    return episode_with_visits(course=course, pump=pump, fitting_at=at, chair=site.chairs[0], nurse=site.nurses[0],
                               status=status)


def cells(html: str) -> list[str]:
    """The board's body cells' classes, in order (a cell spanning days once)."""
    body = html.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return re.findall(r'<td colspan="(\d+)" class="([^"]+)"', body)


# --- The pump board --------------------------------------------------------------------------------------


class TestPumpBoard:
    def test_pumps_by_days_from_this_weeks_monday(self, as_user, home):
        pump = PumpFactory(clinic=home.clinic, label="Pump 1")
        PumpFactory(clinic=home.clinic, label="Pump 2", status=PumpStatus.RETIRED)
        ep = fit(home, pump, dt.date(2027, 3, 3))  # Wed, 3 days: Wed–Sat, turnaround ends Sat afternoon
        response = as_user(home.users[FRONT_DESK]).get("/pumps/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Pump board: Home clinic, 1 Mar – 14 Mar 2027" in html
        assert html.count('<th scope="col"') == 15  # the pump column and 14 days
        assert 'aria-current="date"' in html
        rows = html.split("<tbody>", 1)[1].split("</tr>")
        assert cells(rows[0] + "</tr>") == [("2", "pump-free"), ("4", "pump-episode"), ("8", "pump-free")]
        assert f'href="{reverse("frontdesk:episode", args=[ep.pk])}"' in rows[0]
        assert "<strong>AL</strong>" in rows[0] and "Episode 1" in rows[0]
        assert "Ann Lee" in rows[0]  # for a screen reader, beside the initials
        assert cells(rows[1] + "</tr>") == [("14", "pump-retired")]
        assert 'aria-current="page">Pumps</a>' in html

    def test_a_week_on_maintenance_and_turnaround(self, as_user, home):
        pump = PumpFactory(clinic=home.clinic)
        # Fitted Mon 8 March at 22:00 for 1 day: the removal ends Tue 23:00, the turnaround Wed 03:00.
        fit(home, pump, dt.date(2027, 3, 8), hour=22, episode_days=1)
        PumpMaintenanceFactory(pump=pump, starts_at=dt.datetime(2027, 3, 12, 9, tzinfo=home.clinic.tz),
                               ends_at=dt.datetime(2027, 3, 12, 17, tzinfo=home.clinic.tz))
        html = as_user(home.users[CLINICIAN]).get("/pumps/", {"start": "2027-03-10"}).content.decode()
        assert "8 Mar – 21 Mar 2027" in html  # the Monday of that week
        assert cells(html) == [("2", "pump-episode"), ("1", "pump-turnaround"), ("1", "pump-free"),
                               ("1", "pump-maintenance"), ("9", "pump-free")]
        assert 'start=2027-03-01" rel="prev"' in html and 'start=2027-03-15" rel="next"' in html

    def test_an_overdue_pump_is_said(self, as_user, home):
        pump = PumpFactory(clinic=home.clinic, label="Pump 7")
        fit(home, pump, dt.date(2027, 2, 22), episode_days=3, status=EpisodeStatus.FITTED)
        html = as_user(home.users[FRONT_DESK]).get("/pumps/").content.decode()
        assert "Pump 7 is overdue" in html
        assert cells(html) == [("14", "pump-episode pump-overdue")]

    def test_another_clinics_pumps_are_not_shown(self, as_user, home, away):
        PumpFactory(clinic=away.clinic, label="Their pump")
        fit(away, PumpFactory(clinic=away.clinic), MONDAY, first="Zed", last="Zulu")
        response = as_user(home.users[FRONT_DESK]).get("/pumps/", {"clinic": away.clinic.pk})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Home clinic" in html and "Their pump" not in html and "Zulu" not in html
        assert "This clinic has no pumps yet." in html

    def test_a_user_without_a_role_is_refused_and_a_stranger_sent_to_sign_in(self, as_user, home, client):
        assert as_user(home.users[None]).get("/pumps/").status_code == 403
        assert client.get("/pumps/").status_code == 302

    @pytest.mark.parametrize("start", ["2027-02-30", "soon", "0001-01-01", "9999-12-31", "2999-12-25", "2027-03-01\x00",
                                       "1" * 500])
    def test_a_bad_start_is_a_400_showing_this_week(self, as_user, home, start):
        PumpFactory(clinic=home.clinic)
        response = as_user(home.users[FRONT_DESK]).get("/pumps/", {"start": start})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'role="alert"' in html and "showing this week" in html and "1 Mar – 14 Mar 2027" in html

    def test_the_first_and_last_weeks_have_no_step_beyond(self, as_user, home):
        PumpFactory(clinic=home.clinic)
        first = as_user(home.users[FRONT_DESK]).get("/pumps/", {"start": "1900-01-03"})
        assert first.status_code == 200 and 'rel="prev"' not in first.content.decode()
        last = as_user(home.users[FRONT_DESK]).get("/pumps/", {"start": "2999-12-16"})
        assert last.status_code == 200 and 'rel="next"' not in last.content.decode()

    def test_the_episodes_shown_are_in_the_audit_trail(self, as_user, home):
        ep = fit(home, PumpFactory(clinic=home.clinic), MONDAY)
        as_user(home.users[FRONT_DESK]).get("/pumps/")
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type__model="episode",
                                       object_pk=str(ep.pk), actor=home.users[FRONT_DESK]).exists()

    @pytest.mark.parametrize("episodes", [1, 6])
    def test_a_fixed_number_of_queries(self, as_user, home, django_assert_num_queries, episodes):
        pumps = [PumpFactory(clinic=home.clinic) for _ in range(3)]
        for i in range(episodes):
            fit(home, pumps[i % 3], MONDAY + dt.timedelta(days=7 * (i // 3)), hour=8 + i, first=f"P{i}", episode_days=2)
        client = as_user(home.users[FRONT_DESK])
        client.get("/pumps/")  # content types cached for the audit entries
        # session, user, second factor, zone, roles, clinic ids, clinics; pumps, episodes, maintenance; the
        # episodes' patients; the audit INSERT.
        with django_assert_num_queries(12):
            response = client.get("/pumps/")
        assert response.content.decode().count('class="pump-cell" href=') == episodes


# --- An episode's page -----------------------------------------------------------------------------------------


class TestEpisodePage:
    def test_patient_pump_status_and_every_visit(self, as_user, home):
        pump = PumpFactory(clinic=home.clinic, label="Pump 3", serial_number="SN-77")
        ep = fit(home, pump, dt.date(2027, 3, 2), hour=9, episode_days=3, review_mode=ReviewMode.PHONE)
        EpisodeVisit.objects.filter(episode=ep, day=2).update(nurse=None)  # the on-call clinician's
        EpisodeVisit.objects.filter(episode=ep, day=0).update(status=VisitStatus.DONE)
        response = as_user(home.users[CLINICIAN]).get(f"/episodes/{ep.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Pump episode 1 of 1" in html and "Ann Lee" in html and "Pump 3" in html and "SN-77" in html
        assert "Booked" in html and "Pump course" in html
        rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
        assert len(rows) == 4
        fitting, review1, review2, removal = rows
        assert "Fitting" in fitting and "Day 0" in fitting and "Tue 2 Mar 2027, 09:00–10:00" in fitting
        assert "Home chair 1" in fitting and home.nurses[0].first_name in fitting and "Done" in fitting
        assert "Daily review" in review1 and "by phone" in review1 and "none (phone)" in review1
        assert home.nurses[0].first_name in review1
        assert "phone" in review2 and "(on call)" in review2 and "Thu 4 Mar 2027, 09:00–09:30" in review2
        assert "Removal" in removal and "Day 3" in removal and "Planned" in removal
        assert "actions: integrator" not in html  # a template comment, not shown

    def test_the_wall_clock_holds_across_the_spring_change(self, as_user, home):
        ep = fit(home, PumpFactory(clinic=home.clinic), dt.date(2027, 3, 13), hour=9, episode_days=2)
        html = as_user(home.users[FRONT_DESK]).get(f"/episodes/{ep.pk}/").content.decode()
        assert html.count(", 09:00–") == 3

    def test_another_clinics_episode_is_not_found(self, as_user, home, away):
        theirs = fit(away, PumpFactory(clinic=away.clinic), MONDAY)
        assert as_user(home.users[ADMIN]).get(f"/episodes/{theirs.pk}/").status_code == 404

    @pytest.mark.parametrize("pk", ["0", "99999999", str(2**63), str(10**30)])
    def test_missing_ids_are_not_found(self, as_user, home, pk):
        assert as_user(home.users[FRONT_DESK]).get(f"/episodes/{pk}/").status_code == 404

    @pytest.mark.parametrize("path", ["/episodes/abc/", "/episodes/-1/", "/episodes/1.5/"])
    def test_ids_that_are_not_numbers_match_no_page(self, as_user, home, path):
        assert as_user(home.users[FRONT_DESK]).get(path).status_code == 404

    def test_no_role_is_refused(self, as_user, home):
        ep = fit(home, PumpFactory(clinic=home.clinic), MONDAY)
        assert as_user(home.users[None]).get(f"/episodes/{ep.pk}/").status_code == 403

    def test_a_fixed_number_of_queries(self, as_user, home, django_assert_num_queries):
        long = fit(home, PumpFactory(clinic=home.clinic), MONDAY, episode_days=10)
        client = as_user(home.users[FRONT_DESK])
        client.get(f"/episodes/{long.pk}/")
        # session, user, second factor, zone, roles, clinic ids; the episode, its visits; the audit INSERT.
        with django_assert_num_queries(9):
            assert client.get(f"/episodes/{long.pk}/").status_code == 200


# --- The day board's pump visits -----------------------------------------------------------------------------------


class TestDayBoard:
    def test_the_days_pump_visits_are_listed(self, as_user, home):
        pump = PumpFactory(clinic=home.clinic, label="Blue pump")
        fitted = fit(home, pump, MONDAY, hour=15, first="Fay", last="Fit")
        reviewed = fit(home, PumpFactory(clinic=home.clinic), MONDAY - dt.timedelta(days=1), hour=11, first="Rob",
                       last="Review", review_mode=ReviewMode.PHONE)
        removed = fit(home, PumpFactory(clinic=home.clinic), MONDAY - dt.timedelta(days=3), hour=8, first="Rem",
                      last="Oval")
        cancelled = fit(home, PumpFactory(clinic=home.clinic), MONDAY, hour=13, first="Can", last="Celled",
                        status=EpisodeStatus.CANCELLED)
        EpisodeVisit.objects.filter(episode=cancelled).update(status=VisitStatus.CANCELLED)
        fit(home, PumpFactory(clinic=home.clinic), MONDAY + dt.timedelta(days=1), first="Tom", last="Morrow")
        html = as_user(home.users[FRONT_DESK]).get("/").content.decode()
        assert "Pump visits" in html
        table = html.split('class="list pump-visits"', 1)[1].split("</table>", 1)[0]
        rows = table.split("<tbody>", 1)[1].split("<tr>")[1:]
        assert ["Oval" in rows[0], "Review" in rows[1], "Fit" in rows[2]] == [True, True, True]
        assert "Removal" in rows[0] and "08:00–09:00" in rows[0] and "Home chair 1" in rows[0]
        assert "Daily review" in rows[1] and "by phone" in rows[1] and "11:00–11:30" in rows[1]
        assert "Fitting" in rows[2] and "Blue pump" in rows[2] and f"/episodes/{fitted.pk}/" in rows[2]
        assert "Celled" not in table and "Morrow" not in table
        assert f"/episodes/{reviewed.pk}/" in rows[1] and f"/episodes/{removed.pk}/" in rows[0]

    def test_visits_in_a_chair_sit_on_the_board_and_count_in_the_nurses_load(self, as_user, home):
        fitted = fit(home, PumpFactory(clinic=home.clinic, label="Green pump"), MONDAY, hour=15, first="Fay",
                     last="Fit")
        fit(home, PumpFactory(clinic=home.clinic), MONDAY - dt.timedelta(days=1), hour=11, first="Rob", last="Review",
            review_mode=ReviewMode.PHONE)
        html = as_user(home.users[FRONT_DESK]).get("/").content.decode()
        board = html.split('<table class="board">', 1)[1].split("</table>", 1)[0]
        chair_row = next(row for row in board.split("<tr>") if "Home chair 1</th>" in row)
        [visit] = EpisodeVisit.objects.filter(episode=fitted, day=0)
        assert f'data-pump-visit="{visit.pk}"' in chair_row and "Fay Fit" in chair_row
        assert "Pump fitting" in chair_row and "15:00–16:00" in chair_row and "Green pump" in chair_row
        assert "Rob Review" not in board  # a phone review holds no chair
        # The nurse of both: the phone review at 11 and the fitting at 15 each count one in their hour.
        load = html.split('<table class="load"', 1)[1].split("</table>", 1)[0]
        nurse_row = next(row for row in load.split("<tr>") if home.nurses[0].first_name in row)
        hours = re.findall(r"<td class=\"(\w+)\">([^<]*)</td>", nurse_row)
        assert hours[11 - 8] == ("busy", "1/3") and hours[15 - 8] == ("busy", "1/3") and hours[12 - 8][1] == "0/3"

    def test_no_pump_visits_no_list(self, as_user, home):
        assert "Pump visits" not in as_user(home.users[FRONT_DESK]).get("/").content.decode()

    def test_the_htmx_redraw_carries_them(self, as_user, home):
        fit(home, PumpFactory(clinic=home.clinic), MONDAY)
        response = as_user(home.users[FRONT_DESK]).get("/", {"part": "board"}, HTTP_HX_REQUEST="true")
        assert b"Pump visits" in response.content and b"<html" not in response.content

    def test_another_clinics_visits_are_not_listed(self, as_user, home, away):
        fit(away, PumpFactory(clinic=away.clinic), MONDAY, first="Zed", last="Zulu")
        html = as_user(home.users[FRONT_DESK]).get("/", {"clinic": away.clinic.pk}).content.decode()
        assert "Zulu" not in html

    @pytest.mark.parametrize("visits", [1, 5])
    def test_the_board_still_runs_a_fixed_number_of_queries(self, as_user, django_assert_num_queries, visits):
        site = build_site("Busy", chairs=6)
        for i in range(visits):
            fit(site, PumpFactory(clinic=site.clinic), MONDAY, hour=8 + i, first=f"P{i}")
        client = as_user(site.users[FRONT_DESK])
        client.get("/")
        with django_assert_num_queries(DAY_BOARD_QUERIES):
            response = client.get("/")
        html = response.content.decode()
        assert html.count('data-pump-visit="') == visits and html.count("/episodes/") == 2 * visits  # board and list
