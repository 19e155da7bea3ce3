"""What the simulated front desk does besides booking new requests: the patients' cancels and no-shows with the
make-up that follows, the closure and the nurse's week off saved through the scheduler's services and re-planned
through the desk's re-plan, and the waitlist (entries, patients' answers to offers, a course swapped for an
earlier one). Each step goes through the same service as the API and the desk pages."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bench.simulate import demand
from bench.simulate.demand import Request

if TYPE_CHECKING:
    from bench.simulate.run import Simulation

#: Answers to an offer: accept, decline, else no answer (the hold lapses).
ACCEPT, DECLINE = 0.60, 0.20
#: A patient whose first session is further than this many days from the request also waits for a whole
#: course that starts earlier (a new-course entry), besides waiting for an earlier first session.
WANTS_WITHIN_DAYS = 3




# --- Cancels, no-shows and make-ups ---------------------------------------------------------

def upcoming(sim: Simulation, kind: str):
    from bookings.models import UPCOMING_STATUSES, InfusionSession

    ids = sim.pending[kind]
    return InfusionSession.objects.filter(pk__in=ids, status__in=UPCOMING_STATUSES).select_related("clinic", "cycle")

def settled(sim: Simulation, kind: str, pk: int) -> None:
    sim.pending[kind].discard(pk)

def cancel_ahead(sim: Simulation, day: date) -> None:
    """Cancels with notice: `lead` days before the session, while more than a day ahead."""
    from django.utils import timezone

    from bookings.services import session_cancel

    now = timezone.now()
    horizon = sim.at(day + timedelta(days=8), 0)  # the longest lead is 7 days
    for s in upcoming(sim, "cancel").filter(starts_at__lt=horizon).order_by("starts_at", "pk"):
        lead = sim.fates[s.pk].lead_days
        if (s.starts_at.astimezone(sim.tz).date() - day).days <= lead and s.starts_at - now > timedelta(hours=25):
            settled(sim, "cancel", s.pk)
            session_cancel(session=s, by_party="patient", reason="Unwell")
            sim.tally.fates["cancelled"] += 1
            make_up(sim, s)

def cancel_late(sim: Simulation, day: date) -> None:
    """Late cancels: the evening before (inside the clinic's 24 hours)."""
    from bookings.services import session_cancel

    tomorrow = day + timedelta(days=1)
    for s in upcoming(sim, "late_cancel").filter(starts_at__gte=sim.at(tomorrow, 0),
                                                  starts_at__lt=sim.at(tomorrow + timedelta(days=1), 0)):
        settled(sim, "late_cancel", s.pk)
        session_cancel(session=s, by_party="patient", reason="Unwell")
        sim.tally.fates["late_cancelled"] += 1
        make_up(sim, s)

def attendance(sim: Simulation, day: date) -> None:
    """The day's no-shows through the service (then a make-up); everyone else attended (written at once: a
    session done frees nothing and moves nothing, so the check-in, start and completion services are not
    replayed)."""
    from django.db.models import F

    from bookings.models import UPCOMING_STATUSES, InfusionSession, SessionStatus
    from bookings.services import session_no_show

    start, end = sim.at(day, 0), sim.at(day + timedelta(days=1), 0)
    for s in upcoming(sim, "no_show").filter(starts_at__gte=start, starts_at__lt=end):
        settled(sim, "no_show", s.pk)
        session_no_show(session=s)
        sim.tally.fates["no_show"] += 1
        make_up(sim, s)
    InfusionSession.objects.filter(clinic=sim.clinic, status__in=UPCOMING_STATUSES, starts_at__lt=end).update(
        status=SessionStatus.COMPLETED, checked_in_at=F("starts_at"), chair_started_at=F("starts_at"),
        completed_at=F("ends_at"),
    )
    if sim.config.waitlist:
        withdraw_stale(sim, day)

def make_up(sim: Simulation, missed) -> None:
    """The desk books a make-up for a cancelled or missed session where its course allows one: the first of
    the make-up options (GET cycles/{id}/make-up/options/), booked with cycle_make_up (POST cycles/{id}/make-up/)."""
    from django.utils import timezone

    from bookings.selectors import make_up_options
    from bookings.services import cycle_make_up
    from common.errors import ApplicationError

    cycle = missed.cycle
    cycle.refresh_from_db()
    try:
        # From the day after the missed session: a patient unwell on Thursday is not booked back for Thursday.
        after = max(missed.starts_at.astimezone(sim.tz).date(), timezone.now().astimezone(sim.tz).date())
        options = make_up_options(cycle=cycle, count=1, earliest=after + timedelta(days=1))
        if not options:
            sim.tally.make_up_refused["no_free_time"] += 1
            return
        o = options[0]
        made = cycle_make_up(cycle=cycle, replaces=missed, starts_at=o.start.astimezone(sim.tz),
                             chair=sim.chairs[o.chair_id], nurse=sim.nurses[o.nurse_id])
    except ApplicationError as exc:
        sim.tally.make_up_refused[exc.code] += 1
        return
    sim.tally.make_ups += 1
    r = sim.courses[cycle.pk][0]
    draw_fate(sim, made.pk, random.Random(f"{sim.config.seed}-fate-{r.index}-make-up-{missed.pk}"))


# --- When plans break ------------------------------------------------------------------------

def announce(sim: Simulation, day: date) -> None:
    c = sim.config
    if c.closure_day is not None:
        closed = sim.measured_first + timedelta(days=c.closure_day)
        if day == closed - timedelta(days=c.closure_notice):
            closure(sim, closed)
    if c.week_off is not None:
        monday = sim.measured_first + timedelta(weeks=c.week_off)
        if day == monday - timedelta(days=c.week_off_notice):
            week_off(sim, monday)

def closure(sim: Simulation, closed: date) -> None:
    """Saved as the admin and the API save one (closure_add marks what it strands "needs moving"), re-planned."""
    from scheduler.services import closure_add

    sim.closed = closed
    row = closure_add(clinic=sim.clinic, chair=None, starts_at=sim.at(closed, 0),
                      ends_at=sim.at(closed + timedelta(days=1), 0), reason="Burst pipe", by=None)
    replan(sim, len(row.stranded_sessions))  # type: ignore[attr-defined]

def week_off(sim: Simulation, monday: date) -> None:
    from scheduler.services import time_off_add

    nurse = next(iter(sim.nurses.values()))
    row = time_off_add(staff=nurse, starts_at=sim.at(monday, 0), ends_at=sim.at(monday + timedelta(days=5), 0),
                       reason="Leave", by=None)
    replan(sim, len(row.stranded_sessions))  # type: ignore[attr-defined]

def replan(sim: Simulation, marked: int) -> None:
    """The desk's "re-plan all" (POST sessions/replan/): every needs-moving session gets the nearest time that
    keeps its course valid, through the booking services. A session it cannot move is cancelled by the clinic
    (it cannot happen), and a make-up is booked where the course allows one."""
    from bookings.selectors.replan import FITS_WHERE_IT_IS
    from bookings.services import session_cancel
    from bookings.services.replan import MOVED, REASSIGNED, sessions_replan

    results = sessions_replan(clinic=sim.clinic)
    sim.tally.stranded += marked
    for result in results:
        if result.outcome in (MOVED, REASSIGNED):
            sim.tally.replanned += 1
            sim.tally.replan_outcomes[result.outcome] += 1
            continue
        sim.tally.replan_outcomes[result.code or "refused"] += 1
        if result.code == FITS_WHERE_IT_IS:  # a later change freed it again: nothing to do
            continue
        s = result.session
        s.refresh_from_db()
        for kind in sim.pending:
            settled(sim, kind, s.pk)
        session_cancel(session=s, by_party="clinic", reason="No time left in the course after a closure or absence")
        sim.tally.fates["cancelled_by_clinic"] += 1
        make_up(sim, s)


# --- The waitlist ----------------------------------------------------------------------------

def wait_for_earlier(sim: Simulation, r: Request, patient, cycle, first_session, first_day: date) -> None:
    """A patient booked later than asked waits for an earlier first session, and past WANTS_WITHIN_DAYS also
    for a whole course that starts earlier (entry_create with a protocol, up to the day before)."""
    from waitlist.services import entry_create

    weekdays = sorted(r.weekdays or ())
    earliest = r.day + timedelta(days=1)
    if (first_day - r.day).days > 1:
        entry_create(clinic=sim.clinic, patient=patient, session=first_session, earliest_date=earliest,
                     weekdays=weekdays, time_from=r.time_from, time_to=r.time_to)
    if (first_day - r.day).days > WANTS_WITHIN_DAYS:
        entry = entry_create(clinic=sim.clinic, patient=patient, protocol=cycle.protocol, earliest_date=earliest,
                             latest_date=first_day - timedelta(days=1), weekdays=weekdays, time_from=r.time_from,
                             time_to=r.time_to)
        sim.course_entries[entry.pk] = r
        sim.tally.course_entries += 1

def wait_for_a_course(sim: Simulation, r: Request, patient) -> None:
    """No course can be proposed: the patient waits for one (a new-course entry)."""
    from waitlist.services import entry_create

    entry = entry_create(clinic=sim.clinic, patient=patient, protocol=sim.protocols[r.protocol],
                         weekdays=sorted(r.weekdays or ()), time_from=r.time_from, time_to=r.time_to,
                         earliest_date=r.day + timedelta(days=1))
    sim.course_entries[entry.pk] = r
    sim.tally.course_entries += 1
    sim.tally.waiting_for_a_course += 1

def answer_offers(sim: Simulation) -> None:
    """Patients answer the offers made by the last step (the email goes out at once): accept, decline, or let
    the hold lapse."""
    if not sim.config.waitlist:
        return
    from waitlist import services as waitlist
    from waitlist.models import OfferStatus, WaitlistOffer

    while True:
        new = list(WaitlistOffer.objects.filter(clinic=sim.clinic, pk__gt=sim.last_offer)
                   .select_related("entry").order_by("pk"))
        if not new:
            return
        for offer in new:
            sim.last_offer = offer.pk
            offer.refresh_from_db()  # an earlier answer of this round may have withdrawn it
            if offer.status != OfferStatus.OFFERED:
                continue
            u = sim.rng.random()
            if u < ACCEPT:
                offer = waitlist.offer_accept(offer=offer)
                if offer.status == OfferStatus.ACCEPTED:
                    accepted(sim, offer)
            elif u < ACCEPT + DECLINE:
                waitlist.offer_decline(offer=offer)
            else:
                sim.lapses.append(offer.expires_at)

def accepted(sim: Simulation, offer) -> None:
    """An accepted offer: the patient's other entries end; a new course taken replaces the one booked later."""
    from bookings.models import TreatmentCycle
    from bookings.services import cycle_cancel
    from waitlist.models import EntryStatus, WaitlistEntry
    from waitlist.services import entry_withdraw

    entry = offer.entry
    for other in WaitlistEntry.objects.filter(patient_id=entry.patient_id, status__in=(EntryStatus.WAITING, EntryStatus.OFFERED)):
        entry_withdraw(entry=other)
    r = sim.course_entries.get(entry.pk)
    if r is None:
        return
    sim.tally.courses_from_waitlist += 1
    old = sim.cycle_of.get(r.index)
    if old is not None:
        cycle_cancel(cycle=TreatmentCycle.objects.get(pk=old), reason="Took an earlier course from the waitlist",
                     by_party="patient")
        del sim.courses[old]
    sim.booked(r, TreatmentCycle.objects.get(pk=offer.cycle_id))

def withdraw_stale(sim: Simulation, day: date) -> None:
    """An entry ends once what it would improve on is at most a day away: its session (gone, or tomorrow), or
    for a new course, the last date it would take."""
    from bookings.models import UPCOMING_STATUSES
    from waitlist.models import EntryStatus, WaitlistEntry
    from waitlist.services import entry_withdraw

    soon = sim.at(day + timedelta(days=2), 0)
    for entry in WaitlistEntry.objects.filter(clinic=sim.clinic, status__in=(EntryStatus.WAITING, EntryStatus.OFFERED)).select_related("session"):
        if entry.session is not None:
            stale = entry.session.status not in UPCOMING_STATUSES or entry.session.starts_at < soon
        else:
            stale = entry.latest_date is not None and entry.latest_date <= day + timedelta(days=1)
        if stale:
            entry_withdraw(entry=entry)

def draw_fate(sim: Simulation, pk: int, rng: random.Random) -> None:
    f = demand.fate(rng)
    sim.fates[pk] = f
    if f.kind != "done":
        sim.pending[f.kind].add(pk)
