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


@pytest.mark.django_db(transaction=True)
def test_make_ups_and_new_course_entries_are_played_through_the_services():
    """A busy week (load 1.2): the desk books make-ups for missed sessions and puts patients booked far out on the
    waitlist for a new course too; the figures count what the database holds."""
    from waitlist.models import EntryKind, WaitlistEntry

    config = Config(weeks=1, warmup_weeks=1, chairs=3, nurses=2, waitlist=True, seed=5, load=1.2, closure_day=None,
                    week_off=None)
    figures = simulate(config)
    details = figures["details"]
    sessions = InfusionSession.objects.filter(clinic__slug="sim-compact-on")
    made = sessions.filter(made_up_for__isnull=False)
    assert details["make_ups"] == made.count() > 0
    for s in made.select_related("made_up_for", "cycle"):
        assert s.made_up_for.status in (SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED, SessionStatus.NO_SHOW)
        assert s.made_up_for.cycle_id == s.cycle_id and s.starts_at > s.made_up_for.starts_at
    # No course ever holds more than its target: a make-up replaces, it does not add.
    for cycle in TreatmentCycle.objects.filter(clinic__slug="sim-compact-on"):
        assert cycle.sessions.filter(status__in=OCCUPYING_STATUSES).count() <= cycle.session_count
    entries = WaitlistEntry.objects.filter(clinic__slug="sim-compact-on")
    assert details["waitlist_entries"] == {k: entries.filter(kind=k).count() for k in ("course", "session") if entries.filter(kind=k).exists()}
    assert entries.filter(kind=EntryKind.COURSE).exists()
    assert details["courses_from_waitlist"] == WaitlistOffer.objects.filter(
        status=OfferStatus.ACCEPTED, entry__kind=EntryKind.COURSE).count()


class _Yes:
    """A patient who accepts every offer."""

    def random(self) -> float:
        return 0.0


@pytest.mark.django_db(transaction=True)
def test_a_course_taken_from_the_waitlist_replaces_the_one_booked_later():
    """Booked a week out (the clinic closed Tue-Fri), the patient waits for an earlier course too; once the closure
    is lifted its time is offered, the patient accepts, and the later course is cancelled."""
    import time_machine

    from bench.simulate import desk
    from bench.simulate.demand import Request
    from bench.simulate.run import Simulation
    from scheduler.services import closure_add, closure_remove
    from waitlist.models import EntryKind, EntryStatus, WaitlistEntry, WaitlistOffer
    from waitlist.services import entry_withdraw

    sim = Simulation(Config(weeks=1, warmup_weeks=0, chairs=2, nurses=1, waitlist=True, closure_day=None, week_off=None))
    sim.build()
    monday = sim.first
    with sim.inline_tasks(), time_machine.travel(_at(monday, 8 * 60), tick=False) as clock:
        sim.clock = clock
        closure = closure_add(clinic=sim.clinic, chair=None, starts_at=_at(monday + timedelta(days=1), 0),
                              ends_at=_at(monday + timedelta(days=5), 0), reason="Works", by=None)
        sim._request(Request(0, monday, 9 * 60, "depression-iv", None, None, None))
        later = sim.cycle_of[0]
        assert sim.courses[later][1] == monday + timedelta(days=7)
        course_entry = WaitlistEntry.objects.get(kind=EntryKind.COURSE)
        assert course_entry.latest_date == monday + timedelta(days=6)
        session_entry = WaitlistEntry.objects.get(kind=EntryKind.SESSION, status=EntryStatus.WAITING)
        entry_withdraw(entry=session_entry)  # only the course entry waits: its offer is the one answered

        # Lifting the closure offers its time at once (the freed-slot outbox): the course entry gets the first.
        closure_remove(clinic=sim.clinic, closure_id=closure.pk, by=None)
        offer = WaitlistOffer.objects.get(entry=course_entry)
        offered_day = offer.starts_at.astimezone(TZ).date()
        assert monday < offered_day < monday + timedelta(days=5)
        sim.rng = _Yes()
        desk.answer_offers(sim)

    assert TreatmentCycle.objects.get(pk=later).status == "cancelled"
    now = sim.cycle_of[0]
    assert now != later and list(sim.courses) == [now]
    first = InfusionSession.objects.get(cycle_id=now, sequence=1)
    assert first.starts_at.astimezone(TZ).date() == offered_day == sim.courses[now][1]  # the planner's proposal that day
    assert sim.tally.courses_from_waitlist == 1
    assert not WaitlistEntry.objects.filter(status__in=(EntryStatus.WAITING, EntryStatus.OFFERED)).exists()
    assert all(s.pk in sim.fates for s in InfusionSession.objects.filter(cycle_id=now))
