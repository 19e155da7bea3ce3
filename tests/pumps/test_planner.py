"""The episode planner (scheduler.planning.pumps), pure: visit times across DST, closed days, the pump's status,
maintenance, turnaround and overdue episodes, the patient's span, and what the search answers when nothing fits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler import error_codes as rule_codes
from scheduler.planning import Booking, ClinicRules, Interval, Nurse, Occupancy, WeeklyInterval, localize
from scheduler.planning import pumps as planned

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")
PATIENT = 7
WEEKDAYS = tuple(WeeklyInterval(d, time(8), time(18)) for d in range(5))


def clinic(tz=NY, *, hours=WEEKDAYS, closures=(), bookings=(), chairs=(1,), nurses=1, capacity=3) -> planned.Clinic:
    rules = ClinicRules(tz=tz, opening_hours=hours, closures=tuple(closures), nurse_max_concurrent=capacity,
                        stagger=timedelta(0))
    return planned.Clinic(rules, tuple(chairs), tuple(Nurse(n, hours) for n in range(1, nurses + 1)),
                          Occupancy(bookings))


def spec(**kwargs) -> planned.EpisodeSpec:
    base = {"episode_days": 4, "fitting_minutes": 60, "review_minutes": 30, "removal_minutes": 60}
    return planned.EpisodeSpec(**{**base, **kwargs})


def at(tz, y, m, d, h=10, minute=0) -> datetime:
    return localize(datetime(y, m, d, h, minute), tz)


def check(c, fitting, *, pump=None, sp=None, **kwargs):
    return planned.episode_check(spec=sp or spec(), clinic=c, pump=pump or planned.Pump(1, "Pump 1"),
                                 patient_id=PATIENT, fitting_start=fitting, **kwargs)


def test_every_visit_is_at_the_fitting_wall_clock_time_across_the_dst_change():
    """Berlin springs forward on Sunday 28 March 2027: the review that day and those after are at 10:00 still."""
    hours = tuple(WeeklyInterval(d, time(8), time(18)) for d in range(7))
    found = check(clinic(BERLIN, hours=hours), at(BERLIN, 2027, 3, 26), sp=spec(episode_days=5))  # Friday
    assert found.ok, found.violations
    local = [(v.kind, v.start.astimezone(BERLIN)) for v in found.visits]
    assert [k for k, _ in local] == ["fitting", "review", "review", "review", "review", "removal"]
    assert {t.time() for _, t in local} == {time(10)}
    assert [t.date() for _, t in local] == [date(2027, 3, 26) + timedelta(days=n) for n in range(6)]
    starts = [v.start for v in found.visits]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert gaps == [timedelta(hours=24), timedelta(hours=23), timedelta(hours=24), timedelta(hours=24),
                    timedelta(hours=24)]
    assert found.end - found.start == timedelta(days=5, hours=-1, minutes=60)
    assert found.pump_until == found.end + timedelta(hours=4)


def test_a_fitting_time_the_clocks_skip_on_a_later_day_is_refused():
    hours = tuple(WeeklyInterval(d, time(0), time(23)) for d in range(7))
    found = check(clinic(BERLIN, hours=hours), at(BERLIN, 2027, 3, 26, 2, 30))
    assert [v.code for v in found.violations] == [rule_codes.NONEXISTENT_LOCAL_TIME]


@pytest.mark.parametrize(("allowed", "codes", "weekend_modes"), [
    (True, [], ["phone", "phone"]),
    (False, [planned.REVIEW_ON_CLOSED_DAY, planned.REVIEW_ON_CLOSED_DAY], []),
])
def test_a_review_on_a_closed_day_is_by_phone_or_refused(allowed, codes, weekend_modes):
    found = check(clinic(), at(NY, 2027, 3, 4), sp=spec(phone_review_when_closed=allowed))  # Thursday: Sat, Sun inside
    assert [v.code for v in found.violations] == codes
    weekend = [v for v in found.visits if v.start.astimezone(NY).weekday() >= 5]
    assert [v.mode for v in weekend] == weekend_modes
    assert all(v.chair_id is None and v.nurse_id is None for v in weekend)
    if not allowed:
        assert "Sat 2027-03-06" in found.violations[0].message
        assert found.violations[0].details["date"] == "2027-03-06"


def test_a_closure_makes_the_review_a_phone_review_and_a_closed_fitting_day_is_refused():
    closed = [Interval(at(NY, 2027, 3, 2, 0), at(NY, 2027, 3, 3, 0))]  # Tuesday
    found = check(clinic(closures=closed), at(NY, 2027, 3, 1))
    assert found.ok
    assert [v.mode for v in found.visits][:3] == ["visit", "phone", "visit"]
    refused = check(clinic(closures=closed), at(NY, 2027, 3, 2), sp=spec(episode_days=1))
    assert refused.violations[0].code == planned.VISIT_OUTSIDE_HOURS
    assert refused.violations[0].details["rule"] == rule_codes.CLINIC_CLOSED


def test_phone_reviews_on_open_days_take_a_nurse_and_count_in_her_capacity():
    fitting = at(NY, 2027, 3, 1)
    phone = spec(review_mode="phone", episode_days=2)
    found = check(clinic(), fitting, sp=phone)
    assert found.ok
    review = found.visits[1]
    assert (review.mode, review.chair_id, review.nurse_id) == ("phone", None, 1)
    busy = [Booking(fitting + timedelta(days=1), fitting + timedelta(days=1, hours=2), 9, 1, 99, 5)]
    full = check(clinic(bookings=busy, capacity=1), fitting, sp=phone)
    assert [v.code for v in full.violations] == [rule_codes.NURSE_CAPACITY]
    assert full.violations[0].details["day"] == 1


def test_a_chairless_review_visit_holds_no_chair():
    fitting = at(NY, 2027, 3, 1)
    chair_taken = [Booking(fitting + timedelta(days=1), fitting + timedelta(days=1, hours=2), 1, 99, 98, 5)]
    sp = spec(episode_days=2, review_needs_chair=False)
    found = check(clinic(bookings=chair_taken), fitting, sp=sp)
    assert found.ok
    assert (found.visits[1].mode, found.visits[1].chair_id, found.visits[1].nurse_id) == ("visit", None, 1)
    refused = check(clinic(bookings=chair_taken), fitting, sp=spec(episode_days=2))
    assert [v.code for v in refused.violations] == [rule_codes.CHAIR_CONFLICT]


@pytest.mark.parametrize(("pump", "code"), [
    (planned.Pump(1, "Pump 1", status="maintenance"), planned.PUMP_IN_MAINTENANCE),
    (planned.Pump(1, "Pump 1", status="retired"), planned.PUMP_RETIRED),
    (planned.Pump(1, "Pump 1", maintenance=((at(NY, 2027, 3, 3), at(NY, 2027, 3, 4)),)), planned.PUMP_IN_MAINTENANCE),
    (planned.Pump(1, "Pump 1", holds=(planned.PumpHold(at(NY, 2027, 2, 20), None, 3, overdue=True),)),
     planned.PUMP_UNAVAILABLE),
    (planned.Pump(1, "Pump 1", holds=(planned.PumpHold(at(NY, 2027, 2, 24), at(NY, 2027, 3, 1, 10, 30), 3),)),
     planned.PUMP_UNAVAILABLE),
    (planned.Pump(1, "Pump 1", holds=(planned.PumpHold(at(NY, 2027, 2, 24), at(NY, 2027, 3, 1, 10), 3),)), None),
    # The turnaround is the pump's: an episode ending four hours after the next one's fitting holds it.
    (planned.Pump(1, "Pump 1", holds=(planned.PumpHold(at(NY, 2027, 3, 5, 12), at(NY, 2027, 3, 6, 16), 3),)),
     planned.PUMP_UNAVAILABLE),
    (planned.Pump(1, "Pump 1", holds=(planned.PumpHold(at(NY, 2027, 3, 5, 15), at(NY, 2027, 3, 8), 3),)),
     None),
])
def test_the_pump_must_be_in_service_and_free_until_its_turnaround_ends(pump, code):
    found = check(clinic(), at(NY, 2027, 3, 1), pump=pump)
    assert [v.code for v in found.violations] == ([code] if code else [])
    if pump.holds and pump.holds[0].overdue:
        assert "overdue" in found.violations[0].message


def test_the_turnaround_after_the_removal_holds_the_pump():
    found = check(clinic(), at(NY, 2027, 3, 1))
    assert found.pump_until - found.end == timedelta(hours=4)
    later = check(clinic(), at(NY, 2027, 3, 1), sp=spec(turnaround=timedelta(hours=10)))
    assert later.pump_until - later.end == timedelta(hours=10)


def test_the_patient_must_be_free_over_the_whole_span():
    fitting = at(NY, 2027, 3, 1)
    other_episode = [Booking(fitting + timedelta(days=2, hours=3), fitting + timedelta(days=8), -1, -1, PATIENT)]
    found = check(clinic(bookings=other_episode), fitting)
    assert [v.code for v in found.violations] == [planned.PATIENT_IN_EPISODE]


def test_a_fitting_in_the_past_and_the_course_spacing_are_refused():
    fitting = at(NY, 2027, 3, 8)
    assert check(clinic(), fitting, now=fitting).violations[0].code == planned.EPISODE_IN_PAST
    gap = planned.CourseGap(at(NY, 2027, 3, 3, 11), min_days=7, max_days=10)
    assert check(clinic(), fitting, gap=gap).violations[0].code == planned.EPISODE_TOO_SOON
    assert check(clinic(), at(NY, 2027, 3, 11), gap=gap).ok
    assert check(clinic(), at(NY, 2027, 3, 15), gap=gap).violations[0].code == planned.EPISODE_TOO_LATE


def search(c, pumps, *, earliest=date(2027, 3, 1), now=None, **kwargs):
    return planned.episode_search(spec=kwargs.pop("sp", spec()), clinic=c, pumps=pumps, patient_id=PATIENT,
                                  earliest=earliest, now=now or at(NY, 2027, 2, 26), **kwargs)


def test_the_search_finds_the_earliest_start_and_alternatives():
    found = search(clinic(), [planned.Pump(1, "Pump 1"), planned.Pump(2, "Pump 2")])
    assert found.code is None
    first = found.episodes[0]
    assert (first.start.astimezone(NY), first.pump_id) == (at(NY, 2027, 3, 1, 8), 1)
    # Another pump at the same time, then later days.
    assert [(e.start.astimezone(NY).date(), e.pump_id) for e in found.episodes] == [
        (date(2027, 3, 1), 1), (date(2027, 3, 1), 2), (date(2027, 3, 4), 1), (date(2027, 3, 5), 1),
    ]


def test_all_pumps_out_names_the_day_the_first_is_free_again():
    pumps = [
        planned.Pump(n, f"Pump {n}", holds=(planned.PumpHold(at(NY, 2027, 2, 20), at(NY, 2027, 3, d, 12), n),))
        for n, d in ((1, 20), (2, 14), (3, 25))
    ]
    found = search(clinic(), pumps, horizon_days=10)
    assert found.episodes == ()
    assert found.code == planned.NO_PUMP_FREE
    assert found.message == "All 3 pumps are out until 14 March."
    assert found.details["pump"] == 2


def test_an_overdue_pump_is_out_until_returned():
    pumps = [planned.Pump(1, "Pump 1", holds=(planned.PumpHold(at(NY, 2027, 2, 10), None, 4, overdue=True),)),
             planned.Pump(2, "Pump 2", status="maintenance")]
    found = search(clinic(), pumps)
    assert (found.code, found.message) == (planned.NO_PUMP_FREE,
                                           "All 2 pumps are out until further notice. (Pump 1 is overdue.)")
    free = search(clinic(), [*pumps, planned.Pump(3, "Pump 3")])
    assert free.episodes[0].pump_id == 3


def test_a_fitting_whose_removal_day_is_closed_is_skipped():
    # One-day episodes: a Friday fitting's removal is on Saturday (closed); the earliest from Friday is Monday.
    found = search(clinic(), [planned.Pump(1, "Pump 1")], earliest=date(2027, 3, 5), sp=spec(episode_days=1))
    assert found.episodes[0].start.astimezone(NY) == at(NY, 2027, 3, 8, 8)


def test_a_review_on_a_closed_day_without_phone_moves_the_episode():
    found = search(clinic(), [planned.Pump(1, "Pump 1")], sp=spec(episode_days=4, phone_review_when_closed=False))
    # Mon–Fri: only a Monday fitting keeps every review on a weekday.
    assert found.episodes[0].start.astimezone(NY) == at(NY, 2027, 3, 1, 8)
    assert {e.start.astimezone(NY).weekday() for e in found.episodes} == {0}
    nothing = search(clinic(), [planned.Pump(1, "Pump 1")], sp=spec(episode_days=6, phone_review_when_closed=False),
                     horizon_days=14)
    assert nothing.code == planned.REVIEW_ON_CLOSED_DAY
    assert "phone review" in nothing.message


def test_the_search_jumps_over_months_of_booked_pumps(monkeypatch):
    holds = []
    start = at(NY, 2027, 3, 1, 8)
    for k in range(20):  # back to back for 120 days
        holds.append(planned.PumpHold(start + timedelta(days=6 * k), start + timedelta(days=6 * (k + 1)), k))
    pumps = [planned.Pump(1, "Pump 1", holds=tuple(holds)), planned.Pump(2, "Pump 2", holds=tuple(holds))]
    calls = []
    real = planned.episode_check
    monkeypatch.setattr(planned, "episode_check", lambda **kw: calls.append(kw["fitting_start"]) or real(**kw))
    found = search(clinic(), pumps, horizon_days=150, alternatives=0)
    free_from = start + timedelta(days=120)
    assert found.episodes[0].start >= free_from
    # No start inside the four months was checked one by one: the pumps' holds were jumped over.
    assert calls and min(calls) >= free_from


def test_no_pump_at_all():
    found = search(clinic(), [planned.Pump(1, "Pump 1", status="retired")])
    assert found.code == planned.NO_PUMP


def test_the_planned_episode_is_utc():
    found = search(clinic(), [planned.Pump(1, "Pump 1")])
    assert found.episodes[0].start.tzinfo is UTC
