"""The schedule-quality simulation (bench/simulate) on a tiny clinic, and the planner's chair strategies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bench.simulate import demand
from bench.simulate.run import TZ, Config, _at, simulate
from bookings.models import OCCUPYING_STATUSES, InfusionSession, SessionStatus, TreatmentCycle
from scheduler.planning import Occupancy, SeriesPlanner
from tests.scheduler.test_planner import MON, PATIENT, at, busy, nurse, rules
from waitlist.models import OfferStatus, WaitlistOffer


@pytest.mark.parametrize(
    ("strategy", "chair"),
    [
        ("first", 1),  # the first free chair in the clinic's order
        ("compact", 2),  # no idle gap: chair 2's session ends as this one starts
        ("spread", 3),  # the fewest booked minutes that day
    ],
)
def test_chair_strategies(strategy, chair):
    stored = [busy(MON, "14:00", "18:00", chair=1), busy(MON, "08:00", "10:00", chair=2), busy(MON, "08:00", "09:00", chair=3)]
    planner = SeriesPlanner(rules=rules(), chair_ids=(1, 2, 3), nurses=(nurse(),), occupancy=Occupancy(stored),
                            patient_id=PATIENT, chair_strategy=strategy)
    assert planner.assign(at(MON, "10:00"), at(MON, "12:00"))[0] == chair


def test_unknown_chair_strategy_is_refused():
    with pytest.raises(ValueError, match="unknown chair strategy"):
        SeriesPlanner(rules=rules(), chair_ids=(1,), nurses=(nurse(),), occupancy=Occupancy(), patient_id=None,
                      chair_strategy="random")


def test_demand_is_deterministic_and_near_the_asked_rate():
    import random

    one = demand.requests(random.Random("1"), first=demand.date(2027, 4, 5), days=70, per_day=9.0)
    two = demand.requests(random.Random("1"), first=demand.date(2027, 4, 5), days=70, per_day=9.0)
    assert one == two
    assert 9.0 * 50 * 0.85 < len(one) < 9.0 * 50 * 1.15  # 50 weekdays
    assert all(r.day.weekday() < 5 and 8 * 60 <= r.minute < 17 * 60 for r in one)
    assert demand.percentile([1, 2, 3, 4], 50) == 2.5 and demand.percentile([], 50) is None


@pytest.mark.django_db(transaction=True)
def test_one_week_in_a_tiny_clinic_is_measured_consistently():
    config = Config(weeks=1, warmup_weeks=0, chairs=3, nurses=2, waitlist=True, seed=3, closure_day=2, closure_notice=1,
                    week_off=None)
    figures = simulate(config)
    details = figures["details"]
    for key in ("chair_hours_used_pct", "courses_completed_in_window_pct", "stranded_sessions_replanned_pct"):
        assert figures[key] is None or 0 <= figures[key] <= 100, key
    assert 0 <= figures["median_wait_days"] <= figures["p90_wait_days"]
    sessions = InfusionSession.objects.filter(clinic__slug="sim-compact-on")
    assert details["sessions"] == sessions.count() > 0
    assert details["courses_booked"] == TreatmentCycle.objects.filter(clinic__slug="sim-compact-on").count()
    assert details["courses_booked"] + details["turned_away"] == details["requests"]
    assert figures["waitlist_offers_accepted"] == WaitlistOffer.objects.filter(status=OfferStatus.ACCEPTED).count()
    assert details["open_days"] == 4  # Mon–Fri, less the closure
    used = sum((s.ends_at - s.starts_at).total_seconds() for s in sessions.filter(status=SessionStatus.COMPLETED)) / 3600
    assert details["chair_hours_used"] == pytest.approx(used, abs=0.05)
    assert figures["chair_hours_used_pct"] == pytest.approx(100 * used / (4 * 3 * 10), abs=0.05)
    # Every session of the week has happened one way or another, and none still occupies the closed day.
    assert not sessions.filter(status__in=(SessionStatus.BOOKED, SessionStatus.CONFIRMED), starts_at__lt=_at(config.start + timedelta(days=7), 0)).exists()
    closed = config.start + timedelta(days=2)
    assert not sessions.filter(status__in=OCCUPYING_STATUSES, starts_at__gte=_at(closed, 0),
                               starts_at__lt=_at(closed + timedelta(days=1), 0)).exists()
    assert details["replanned"] <= details["stranded"]
    assert sessions.filter(status=SessionStatus.NO_SHOW).count() == details.get("no_show", 0)
    assert str(TZ) == "America/New_York"
