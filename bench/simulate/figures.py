"""A run's figures, read back from the database at the end of the run (mixed into Simulation)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bench.simulate import demand

if TYPE_CHECKING:
    from bench.simulate.run import Simulation

OPEN_MINUTES_A_DAY = 600  # 08:00-18:00


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def open_days(sim: Simulation) -> list[date]:
    days = [sim.measured_first + timedelta(days=i) for i in range((sim.last - sim.measured_first).days + 1)]
    return [d for d in days if d.weekday() < 5 and d != sim.closed]

def measure(sim: Simulation) -> dict:
    from bookings.models import InfusionSession, SessionStatus
    from waitlist.models import EntryKind, OfferStatus, WaitlistEntry, WaitlistOffer

    c = sim.config
    m_start, m_end = sim.at(sim.measured_first, 0), sim.at(sim.last + timedelta(days=1), 0)
    sessions = list(InfusionSession.objects.filter(clinic=sim.clinic).values_list(
        "cycle_id", "sequence", "status", "starts_at", "ends_at", "made_up_for_id"))
    day_minutes = c.chairs * OPEN_MINUTES_A_DAY
    open_minutes = len(open_days(sim)) * day_minutes

    def minutes(statuses, start: datetime = m_start, end: datetime = m_end) -> float:
        return sum((e - s).total_seconds() / 60 for _, _, st, s, e, _ in sessions if st in statuses and start <= s < end)

    used = minutes((SessionStatus.COMPLETED,))
    firsts = {cyc: s for cyc, seq, _, s, _, _ in sessions if seq == 1}
    measured = [r for r in sim.requests if r.day >= sim.measured_first]
    waits, still_waiting = [], 0
    for r in measured:
        cyc = sim.cycle_of.get(r.index)
        if cyc is None:  # never booked: counted as waiting to the end of the run (a lower bound)
            still_waiting += 1
            waits.append((sim.last + timedelta(days=1) - r.day).days)
        else:
            waits.append((firsts[cyc].astimezone(sim.tz).date() - r.day).days)
    done = Counter(cyc for cyc, _, st, _, _, _ in sessions if st == SessionStatus.COMPLETED)
    due = [(cyc, r) for cyc, (r, first, last) in sim.courses.items() if first >= sim.measured_first and last <= sim.last]
    completed = sum(1 for cyc, r in due if done[cyc] >= sim.protocols[r.protocol].session_count)
    offers = Counter(WaitlistOffer.objects.filter(clinic=sim.clinic).values_list("status", flat=True))
    accepted_kinds = Counter(WaitlistOffer.objects.filter(clinic=sim.clinic, status=OfferStatus.ACCEPTED)
                             .values_list("entry__kind", flat=True))
    entries = Counter(WaitlistEntry.objects.filter(clinic=sim.clinic).values_list("kind", flat=True))
    course_minutes = {slug: p.session_count * p.chair_minutes + p.first_visit_extra_minutes
                      for slug, p in sim.protocols.items()}
    held = (SessionStatus.COMPLETED, SessionStatus.NO_SHOW)
    return {
        "strategy": c.strategy,
        "waitlist": "on" if c.waitlist else "off",
        "chair_hours_used_pct": _pct(used, open_minutes),
        "median_wait_days": _round(demand.percentile(waits, 50)),
        "p90_wait_days": _round(demand.percentile(waits, 90)),
        "courses_completed_in_window_pct": _pct(completed, len(due)),
        "stranded_sessions_replanned_pct": _pct(sim.tally.replanned, sim.tally.stranded),
        "waitlist_offers_accepted": offers[OfferStatus.ACCEPTED],
        "details": {
            "measured_days": f"{sim.measured_first}..{sim.last}", "open_days": len(open_days(sim)),
            "chair_hours_open": open_minutes / 60, "chair_hours_used": round(used / 60, 1),
            "chair_hours_booked_pct": _pct(minutes(held), open_minutes),
            "chair_hours_requested_pct": _pct(
                sum(course_minutes[r.protocol] for r in measured),
                sum(1 for d in _days(sim.measured_first, sim.last) if d.weekday() < 5) * day_minutes),
            "weeks": _weeks(sim, sessions, day_minutes),
            "requests_per_open_day": round(sim.per_day, 2),
            "requests": sim.tally.requests, "requests_measured": len(measured),
            "courses_booked": sim.tally.booked, "booked_without_wishes": sim.tally.booked_without_wishes,
            "turned_away": sim.tally.turned_away, "still_waiting": still_waiting, "waits_counted": len(waits),
            "courses_due_in_window": len(due), "courses_completed": completed,
            "stranded": sim.tally.stranded, "replanned": sim.tally.replanned,
            "replan_outcomes": dict(sorted(sim.tally.replan_outcomes.items())),
            "sessions": len(sessions), **{k: v for k, v in sorted(sim.tally.fates.items())},
            "make_ups": sim.tally.make_ups,
            "make_ups_in_window": sum(1 for _, _, st, s, _, m in sessions if m and st in held and m_start <= s < m_end),
            "make_up_refused": dict(sorted(sim.tally.make_up_refused.items())),
            "waitlist_entries": dict(sorted(entries.items())),
            "waiting_for_a_course": sim.tally.waiting_for_a_course,
            "courses_from_waitlist": sim.tally.courses_from_waitlist,
            "offers": dict(sorted(offers.items())),
            "accepted_by_kind": {EntryKind(k).value: v for k, v in sorted(accepted_kinds.items())},
        },
    }

def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]

def _weeks(sim: Simulation, sessions, day_minutes: int) -> list[dict]:
    """Each measured week's chair-hours by what became of the sessions (at their final time), as % of its open
    chair-hours, and the chair-hours its requests asked for (`requested`): where the demand went."""
    from bookings.models import SessionStatus

    course_minutes = {slug: p.session_count * p.chair_minutes + p.first_visit_extra_minutes
                      for slug, p in sim.protocols.items()}
    out = []
    monday = sim.measured_first
    while monday <= sim.last:
        days = [d for d in _days(monday, monday + timedelta(days=6)) if d.weekday() < 5]
        open_minutes = sum(day_minutes for d in days if d != sim.closed)
        start, end = sim.at(monday, 0), sim.at(monday + timedelta(days=7), 0)
        by: Counter[str] = Counter()
        for _, _, st, s, e, _ in sessions:
            if start <= s < end:
                by[st] += (e - s).total_seconds() / 60
        requested = sum(course_minutes[r.protocol] for r in sim.requests if monday <= r.day < monday + timedelta(days=7))
        out.append({
            "week": str(monday), "completed": _pct(by[SessionStatus.COMPLETED], open_minutes),
            "no_show": _pct(by[SessionStatus.NO_SHOW], open_minutes),
            "late_cancelled": _pct(by[SessionStatus.LATE_CANCELLED], open_minutes),
            "cancelled": _pct(by[SessionStatus.CANCELLED], open_minutes),
            "requested": _pct(requested, len(days) * day_minutes),
        })
        monday += timedelta(days=7)
    return out
