"""Pump availability (pumps.selectors.availability): each pump's state per clinic-local day, in three queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from pumps.models import Episode, EpisodeStatus, PumpStatus
from pumps.selectors.availability import MAX_DAYS, pump_availability
from tests.factories import ClinicFactory, NurseFactory, PatientFactory
from tests.helpers import assert_error, client_for, staff_user
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpMaintenanceFactory, episode_with_visits

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC))]

NY = ZoneInfo("America/New_York")
MONDAY = dt.date(2027, 3, 1)  # "today" (noon in New York)


@pytest.fixture
def clinic():
    return ClinicFactory()


def episode(clinic, pump, fitting_at, *, status=EpisodeStatus.BOOKED, episode_days=5, turnaround_hours=4):
    course = PumpCourseFactory(clinic=clinic, patient=PatientFactory(clinic=clinic), protocol__episode_days=episode_days)
    return episode_with_visits(course=course, pump=pump, fitting_at=fitting_at, nurse=NurseFactory(clinic=clinic),
                               status=status, turnaround_hours=turnaround_hours)


def states(row) -> list[str]:
    return [d.state for d in row.days]


def test_an_episode_holds_its_days_and_its_turnaround_spills_into_the_next(clinic):
    pump = PumpFactory(clinic=clinic, label="Pump 1")
    # Fitting Tue 20:00 local, 2 days: removal Thu 20:00–21:00, turnaround until Fri 01:00.
    ep = episode(clinic, pump, dt.datetime(2027, 3, 2, 20, 0, tzinfo=NY), episode_days=2)
    [row] = pump_availability(clinic=clinic, start=MONDAY, days=6)
    assert states(row) == ["free", "episode", "episode", "episode", "turnaround", "free"]
    assert [d.episode_id for d in row.days] == [None, ep.pk, ep.pk, ep.pk, ep.pk, None]
    assert [d.day for d in row.days] == [MONDAY + dt.timedelta(days=i) for i in range(6)]
    assert (row.pump_id, row.label, row.status) == (pump.pk, "Pump 1", PumpStatus.IN_SERVICE)


def test_maintenance_spans_status_and_retirement(clinic):
    spanned = PumpFactory(clinic=clinic, label="A")
    PumpMaintenanceFactory(pump=spanned, starts_at=dt.datetime(2027, 3, 3, 23, 0, tzinfo=NY),
                           ends_at=dt.datetime(2027, 3, 4, 1, 0, tzinfo=NY))
    in_maintenance = PumpFactory(clinic=clinic, label="B", status=PumpStatus.MAINTENANCE)
    retired = PumpFactory(clinic=clinic, label="C", status=PumpStatus.RETIRED)
    rows = pump_availability(clinic=clinic, start=MONDAY - dt.timedelta(days=1), days=5)
    assert [r.label for r in rows] == ["A", "B", "C"]
    assert states(rows[0]) == ["free", "free", "free", "maintenance", "maintenance"]
    # The status holds from today: the day before shows the record (nothing held it).
    assert states(rows[1]) == ["free"] + ["maintenance"] * 4
    assert states(rows[2]) == ["free"] + ["retired"] * 4
    assert retired.pk == rows[2].pump_id and in_maintenance.pk == rows[1].pump_id


def test_cancelled_episodes_and_other_clinics_do_not_count(clinic):
    pump = PumpFactory(clinic=clinic)
    episode(clinic, pump, dt.datetime(2027, 3, 2, 9, 0, tzinfo=NY), status=EpisodeStatus.CANCELLED)
    other = ClinicFactory()
    episode(other, PumpFactory(clinic=other), dt.datetime(2027, 3, 2, 9, 0, tzinfo=NY))
    [row] = pump_availability(clinic=clinic, start=MONDAY, days=7)
    assert set(states(row)) == {"free"}


def test_an_overdue_pump_counts_as_out_from_now_on(clinic):
    pump = PumpFactory(clinic=clinic)
    # Fitted a week ago, removal last Friday: pump_until has passed and it was never returned.
    ep = episode(clinic, pump, dt.datetime(2027, 2, 22, 9, 0, tzinfo=NY), status=EpisodeStatus.FITTED, episode_days=4)
    [row] = pump_availability(clinic=clinic, start=MONDAY, days=MAX_DAYS)
    assert {(d.state, d.episode_id, d.overdue) for d in row.days} == {("episode", ep.pk, True)}
    # Removed but not back in the clinic's hands: the same.
    Episode.objects.filter(pk=ep.pk).update(status=EpisodeStatus.REMOVED)
    [row] = pump_availability(clinic=clinic, start=MONDAY + dt.timedelta(days=30), days=3)
    assert states(row) == ["episode"] * 3 and all(d.overdue for d in row.days)
    # Returned: free again after its (moved) pump_until.
    Episode.objects.filter(pk=ep.pk).update(status=EpisodeStatus.RETURNED)
    [row] = pump_availability(clinic=clinic, start=MONDAY, days=3)
    assert states(row) == ["free"] * 3


def test_a_fitted_episode_not_yet_due_back_is_not_overdue(clinic):
    pump = PumpFactory(clinic=clinic)
    episode(clinic, pump, dt.datetime(2027, 2, 28, 9, 0, tzinfo=NY), status=EpisodeStatus.FITTED, episode_days=2)
    [row] = pump_availability(clinic=clinic, start=MONDAY, days=4)
    assert states(row) == ["episode", "episode", "free", "free"]
    assert not any(d.overdue for d in row.days)


def test_days_are_clinic_local_across_the_spring_change(clinic):
    """14 March 2027 has 23 hours in New York: an episode ending at 00:30 local on the 15th still touches the 15th."""
    pump = PumpFactory(clinic=clinic)
    course = PumpCourseFactory(clinic=clinic, patient=PatientFactory(clinic=clinic), protocol__episode_days=1,
                               protocol__removal_minutes=60)
    episode_with_visits(course=course, pump=pump, fitting_at=dt.datetime(2027, 3, 13, 23, 30, tzinfo=NY),
                        turnaround_hours=0)
    [row] = pump_availability(clinic=clinic, start=dt.date(2027, 3, 12), days=5)
    assert states(row) == ["free", "episode", "episode", "episode", "free"]


def test_an_episode_beats_the_turnaround_of_the_one_before(clinic):
    pump = PumpFactory(clinic=clinic)
    first = episode(clinic, pump, dt.datetime(2027, 3, 1, 8, 0, tzinfo=NY), episode_days=1, turnaround_hours=1)
    # Removal Tue 08:00–09:00, pump back 10:00; the next fitting Tue 14:00.
    second = episode(clinic, pump, dt.datetime(2027, 3, 2, 14, 0, tzinfo=NY), episode_days=1)
    [row] = pump_availability(clinic=clinic, start=MONDAY, days=3)
    assert [(d.state, d.episode_id) for d in row.days] == [
        ("episode", first.pk), ("episode", first.pk), ("episode", second.pk),
    ]


@pytest.mark.parametrize("episodes", [1, 6])
def test_three_queries_whatever_the_rows(clinic, django_assert_num_queries, episodes):
    pumps = [PumpFactory(clinic=clinic) for _ in range(3)]
    for i in range(episodes):
        episode(clinic, pumps[i % 3], dt.datetime(2027, 3, 1, 9, 0, tzinfo=NY) + dt.timedelta(days=7 * (i // 3)),
                episode_days=3)
        PumpMaintenanceFactory(pump=pumps[i % 3], starts_at=dt.datetime(2027, 3, 5, 9, tzinfo=NY) + dt.timedelta(days=7 * (i // 3)),
                               ends_at=dt.datetime(2027, 3, 5, 17, tzinfo=NY) + dt.timedelta(days=7 * (i // 3)))
    with django_assert_num_queries(3):
        rows = pump_availability(clinic=clinic, start=MONDAY, days=21)
    assert sum(d.state == "episode" for r in rows for d in r.days) == 4 * episodes


@pytest.mark.parametrize("days", [0, MAX_DAYS + 1])
def test_days_out_of_range_are_refused(clinic, days):
    with pytest.raises(ValueError, match="days must be"):
        pump_availability(clinic=clinic, start=MONDAY, days=days)


# --- GET /api/v1/pumps/availability/ ---------------------------------------------------------------

URL = "/api/v1/pumps/availability/"


class TestApi:
    @pytest.mark.parametrize("role", ["admin", "front_desk", "clinician"])
    def test_every_role_of_the_clinic_reads_it(self, clinic, role):
        pump = PumpFactory(clinic=clinic, label="Pump 1")
        ep = episode(clinic, pump, dt.datetime(2027, 3, 2, 9, 0, tzinfo=NY), episode_days=1)
        response = client_for(staff_user(role, clinic)).get(URL, {"clinic": clinic.pk, "start": "2027-03-01", "days": "3"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["clinic"], body["start"], body["days"], body["timezone"]) == (clinic.pk, "2027-03-01", 3, "America/New_York")
        assert body["pumps"] == [{"id": pump.pk, "label": "Pump 1", "status": "in_service", "days": [
            {"date": "2027-03-01", "state": "free", "episode": None, "overdue": False},
            {"date": "2027-03-02", "state": "episode", "episode": ep.pk, "overdue": False},
            {"date": "2027-03-03", "state": "episode", "episode": ep.pk, "overdue": False},
        ]}]

    def test_start_defaults_to_the_clinics_today_and_days_to_two_weeks(self, clinic):
        PumpFactory(clinic=clinic)
        body = client_for(staff_user("front_desk", clinic)).get(URL, {"clinic": clinic.pk}).json()
        assert body["start"] == "2027-03-01" and body["days"] == 14 and len(body["pumps"][0]["days"]) == 14

    def test_another_clinic_is_refused_as_unknown(self, clinic):
        other = ClinicFactory()
        PumpFactory(clinic=other)
        response = client_for(staff_user("admin", clinic)).get(URL, {"clinic": other.pk})
        assert_error(response, 400, "validation_error", "clinic")
        assert str(other.pk) in response.json()["message"]

    def test_no_role_is_refused(self, clinic):
        assert_error(client_for(staff_user(None, clinic)).get(URL, {"clinic": clinic.pk}), 403, "permission_denied")

    def test_no_credentials(self, clinic):
        assert client_for().get(URL, {"clinic": clinic.pk}).status_code == 401

    @pytest.mark.parametrize(("query", "field"), [
        ({}, "clinic"),
        ({"clinic": "x"}, "clinic"),
        ({"clinic": "0"}, "clinic"),
        ({"clinic": "9" * 400}, "clinic"),
        ({"start": "soon"}, "start"),
        ({"start": "2027-02-30"}, "start"),
        ({"start": "0001-01-01"}, "start"),
        ({"start": "9999-12-31"}, "start"),
        ({"start": "2999-12-31", "days": "2"}, "days"),
        ({"days": "0"}, "days"),
        ({"days": str(MAX_DAYS + 1)}, "days"),
        ({"days": "-1"}, "days"),
        ({"days": "1e3"}, "days"),
        ({"days": ["3", "4"]}, "days"),
        ({"start": "2027-03-01\x00"}, "start"),
    ])
    def test_hostile_queries_are_a_400_naming_the_parameter(self, clinic, query, field):
        query = {"clinic": str(clinic.pk), **query} if field != "clinic" else query
        response = client_for(staff_user("front_desk", clinic)).get(URL, query)
        body = assert_error(response, 400, "validation_error", field)
        assert body["message"]
