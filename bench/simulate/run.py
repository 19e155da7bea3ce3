"""One simulated run: a clinic built in the current database, weeks of demand played through the real services."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from unittest import mock

from bench.planner.clinic import NURSES, TZ
from bench.simulate import demand
from bench.simulate.demand import Fate, Request

#: The first simulated day (a Monday, clear of the clocks changing), unless told otherwise.
DEFAULT_START = date(2027, 4, 5)
OPENS, CLOSES = time(8), time(18)
#: Answers to an offer: accept, decline, else no answer (the hold lapses).
ACCEPT, DECLINE = 0.60, 0.20


@dataclass(frozen=True)
class Config:
    weeks: int = 8
    #: Weeks of demand played before the measured weeks, so that they start as busy as a running clinic.
    warmup_weeks: int = 2
    chairs: int = 12
    nurses: int = 6
    strategy: str = "compact"
    waitlist: bool = False
    seed: int = 14
    load: float = 0.90
    start: date = DEFAULT_START
    #: The closure (a weekday of the measured weeks, counted from their first day) and the nurse's week off
    #: (the measured week, from 0), each announced `notice` days ahead. None: leave it out.
    closure_day: int | None = 23
    closure_notice: int = 7
    week_off: int | None = 5
    week_off_notice: int = 14


@dataclass
class Tally:
    requests: int = 0
    booked: int = 0
    booked_without_wishes: int = 0
    turned_away: int = 0
    fates: Counter = field(default_factory=Counter)
    stranded: int = 0
    replanned: int = 0
    task_errors: list = field(default_factory=list)


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=TZ).astimezone(UTC)


class Simulation:
    """Builds the clinic, walks the clock day by day, books and cancels through the services, measures."""

    def __init__(self, config: Config):
        self.config = config
        self.tally = Tally()
        self.rng = random.Random(f"{config.seed}-answers")
        self.first = config.start
        self.measured_first = config.start + timedelta(weeks=config.warmup_weeks)
        self.last = self.measured_first + timedelta(weeks=config.weeks) - timedelta(days=1)
        #: session id -> what becomes of it; the first booked date of each course (cycle id -> dates).
        self.fates: dict[int, Fate] = {}
        self.courses: dict[int, tuple[Request, date, date]] = {}
        self.answered: set[int] = set()

    # --- Setting up ------------------------------------------------------------------------------

    def build(self) -> None:
        from scheduler.models import Chair, Clinic, OpeningHours, Protocol, Shift, StaffMember

        c = self.config
        self.clinic = Clinic.objects.create(
            name="Simulated clinic", slug=f"sim-{c.strategy}-{'on' if c.waitlist else 'off'}", timezone=TZ.key,
            nurse_max_concurrent=3, start_stagger_minutes=15,
        )
        OpeningHours.objects.bulk_create(OpeningHours(clinic=self.clinic, weekday=d, opens=OPENS, closes=CLOSES) for d in range(5))
        self.chairs = {ch.pk: ch for ch in Chair.objects.bulk_create(
            Chair(clinic=self.clinic, name=f"Chair {i + 1:02d}") for i in range(c.chairs))}
        shapes = [NURSES[i % len(NURSES)] for i in range(c.nurses)]
        nurses = StaffMember.objects.bulk_create(
            StaffMember(clinic=self.clinic, first_name=f"{name}{i // len(NURSES) or ''}", last_name="Nurse")
            for i, (name, _, _) in enumerate(shapes))
        Shift.objects.bulk_create(
            Shift(staff=n, weekday=d, starts=time(a // 60, a % 60), ends=time(b // 60, b % 60))
            for n, (_, a, b) in zip(nurses, shapes, strict=True) for d in range(5))
        self.nurses = {n.pk: n for n in nurses}
        self.protocols = {p.slug: p for p in Protocol.objects.filter(clinic=None, slug__in=[s for s, _ in demand.MIX])}
        minutes = {slug: p.session_count * p.chair_minutes + p.first_visit_extra_minutes for slug, p in self.protocols.items()}
        open_minutes = (CLOSES.hour - OPENS.hour) * 60
        self.per_day = demand.requests_per_open_day(load=c.load, chairs=c.chairs, open_minutes=open_minutes,
                                                    course_minutes=minutes)
        days = (self.last - self.first).days + 1
        self.requests = demand.requests(random.Random(f"{c.seed}-demand"), first=self.first, days=days, per_day=self.per_day)

    # --- Celery inline -----------------------------------------------------------------------------

    @contextmanager
    def inline_tasks(self) -> Iterator[None]:
        """Tasks run in this process when sent: `.delay` eagerly, `send_task` by name (as a worker would)."""
        from django.test.utils import override_settings

        import waitlist.tasks  # noqa: F401 - registers the tasks sent by name
        from config.celery import app

        def send_task(name, args=(), kwargs=None, **_):
            try:
                return app.tasks[name].apply(args=args, kwargs=kwargs or {}, throw=True)
            except Exception as exc:  # noqa: BLE001 - the sender swallows it: keep it to fail the run
                self.tally.task_errors.append(f"{name}: {exc!r}")
                raise

        with ExitStack() as stack:
            stack.enter_context(override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                                                  PLANNER_CHAIR_STRATEGY=self.config.strategy))
            stack.enter_context(mock.patch.object(app, "send_task", send_task))
            before = app.conf.task_always_eager, app.conf.task_eager_propagates
            app.conf.task_always_eager = app.conf.task_eager_propagates = True
            try:
                yield
            finally:
                app.conf.task_always_eager, app.conf.task_eager_propagates = before

    # --- The days ----------------------------------------------------------------------------------

    def play(self) -> dict:
        import time_machine

        self.build()
        by_day: dict[date, list[Request]] = {}
        for r in self.requests:
            by_day.setdefault(r.day, []).append(r)
        with self.inline_tasks(), time_machine.travel(_at(self.first, 6 * 60), tick=False) as clock:
            self.clock = clock
            day = self.first
            while day <= self.last:
                self._tick(day, 7 * 60)
                self._announce(day)
                self._cancel_ahead(day)
                for r in by_day.get(day, []):
                    self._tick(day, r.minute)
                    self._request(r)
                self._tick(day, 18 * 60 + 30)
                self._cancel_late(day)
                self._tick(day, 19 * 60)
                self._attendance(day)
                day += timedelta(days=1)
        if self.tally.task_errors:
            raise RuntimeError(f"tasks failed: {self.tally.task_errors[:3]}")
        return self.measure()

    def _tick(self, day: date, minutes: int) -> None:
        """Move the clock; the waitlist's sweep runs as beat would, and patients answer their offers."""
        self.clock.move_to(_at(day, minutes))
        if self.config.waitlist:
            from waitlist.tasks import waitlist_sweep

            waitlist_sweep.apply(throw=True)
            self._answer_offers()

    def _answer_offers(self) -> None:
        from waitlist import services as waitlist
        from waitlist.models import OfferStatus, WaitlistOffer

        while True:
            new = list(WaitlistOffer.objects.filter(clinic=self.clinic, status=OfferStatus.OFFERED)
                       .exclude(pk__in=self.answered).order_by("pk"))
            if not new:
                return
            for offer in new:
                self.answered.add(offer.pk)
                u = self.rng.random()
                if u < ACCEPT:
                    waitlist.offer_accept(offer=offer)
                elif u < ACCEPT + DECLINE:
                    waitlist.offer_decline(offer=offer)

    def _request(self, r: Request) -> None:
        from bookings.selectors import cycle_proposal
        from bookings.services import SessionRequest, cycle_book
        from common.errors import ApplicationError

        self.tally.requests += 1
        patient = self._patient(r)
        protocol = self.protocols[r.protocol]
        earliest = r.day + timedelta(days=1)
        asks: list[dict[str, Any]] = [dict(weekdays=r.weekdays, time_from=r.time_from, time_to=r.time_to)]
        if r.weekdays or r.time_from or r.time_to:
            asks.append({})  # nothing fits the wishes: the patient takes any day and time
        proposal = None
        for n, ask in enumerate(asks):
            try:
                proposal = cycle_proposal(patient=patient, protocol=protocol, clinic=self.clinic, earliest_date=earliest,
                                          alternatives=0, **ask)
            except ApplicationError:
                continue
            self.tally.booked_without_wishes += n
            break
        if proposal is None:
            self.tally.turned_away += 1
            return
        booked = cycle_book(
            patient=patient, protocol=protocol, clinic=self.clinic,
            sessions=[SessionRequest(s.start.astimezone(TZ), chair=self.chairs[s.chair_id], nurse=self.nurses[s.nurse_id])
                      for s in proposal.sessions],
        )
        self.tally.booked += 1
        sessions = sorted(booked.sessions, key=lambda s: s.sequence)
        for s in sessions:
            self.fates[s.pk] = demand.fate(random.Random(f"{self.config.seed}-fate-{r.index}-{s.sequence}"))
        first_day = sessions[0].starts_at.astimezone(TZ).date()
        self.courses[booked.cycle.pk] = (r, first_day, sessions[-1].starts_at.astimezone(TZ).date())
        if self.config.waitlist and (first_day - r.day).days > 1:
            from waitlist.services import entry_create

            entry_create(clinic=self.clinic, patient=patient, session=sessions[0], weekdays=sorted(r.weekdays or ()),
                         time_from=r.time_from, time_to=r.time_to, earliest_date=earliest)

    def _patient(self, r: Request):
        from bookings.models import Patient

        return Patient.objects.create(
            clinic=self.clinic, first_name=f"P{r.index}", last_name="Simulated",
            date_of_birth=date(1960, 1, 1) + timedelta(days=r.index * 97 % 15000),
            email=f"p{r.index}@sim.example.org", timezone=TZ.key,
        )

    def _upcoming(self, kind: str):
        from bookings.models import UPCOMING_STATUSES, InfusionSession

        ids = [pk for pk, f in self.fates.items() if f.kind == kind]
        return InfusionSession.objects.filter(pk__in=ids, status__in=UPCOMING_STATUSES).select_related("clinic")

    def _cancel_ahead(self, day: date) -> None:
        """Cancels with notice: `lead` days before the session, while more than a day ahead."""
        from django.utils import timezone

        from bookings.services import session_cancel

        now = timezone.now()
        for s in self._upcoming("cancel").order_by("starts_at", "pk"):
            lead = self.fates[s.pk].lead_days
            if (s.starts_at.astimezone(TZ).date() - day).days <= lead and s.starts_at - now > timedelta(hours=25):
                session_cancel(session=s, by_party="patient", reason="Unwell")
                self.tally.fates["cancelled"] += 1

    def _cancel_late(self, day: date) -> None:
        """Late cancels: the evening before (inside the clinic's 24 hours)."""
        from bookings.services import session_cancel

        tomorrow = day + timedelta(days=1)
        for s in self._upcoming("late_cancel").filter(starts_at__gte=_at(tomorrow, 0), starts_at__lt=_at(tomorrow + timedelta(days=1), 0)):
            session_cancel(session=s, by_party="patient", reason="Unwell")
            self.tally.fates["late_cancelled"] += 1

    def _attendance(self, day: date) -> None:
        """The day's no-shows through the service; everyone else attended (written at once: a session done
        frees nothing and moves nothing, so the check-in, start and completion services are not replayed)."""
        from django.db.models import F

        from bookings.models import UPCOMING_STATUSES, InfusionSession, SessionStatus
        from bookings.services import session_no_show

        start, end = _at(day, 0), _at(day + timedelta(days=1), 0)
        for s in self._upcoming("no_show").filter(starts_at__gte=start, starts_at__lt=end):
            session_no_show(session=s)
            self.tally.fates["no_show"] += 1
        InfusionSession.objects.filter(clinic=self.clinic, status__in=UPCOMING_STATUSES, starts_at__lt=end).update(
            status=SessionStatus.COMPLETED, checked_in_at=F("starts_at"), chair_started_at=F("starts_at"),
            completed_at=F("ends_at"),
        )
        if self.config.waitlist:
            self._withdraw_stale(day)

    def _withdraw_stale(self, day: date) -> None:
        """An entry for an earlier first session ends once that session is at most a day away or gone."""
        from bookings.models import UPCOMING_STATUSES
        from waitlist.models import EntryStatus, WaitlistEntry
        from waitlist.services import entry_withdraw

        soon = _at(day + timedelta(days=2), 0)
        for entry in WaitlistEntry.objects.filter(clinic=self.clinic, status__in=(EntryStatus.WAITING, EntryStatus.OFFERED)).select_related("session"):
            assert entry.session is not None
            if entry.session.status not in UPCOMING_STATUSES or entry.session.starts_at < soon:
                entry_withdraw(entry=entry)

    # --- When plans break ----------------------------------------------------------------------

    def _announce(self, day: date) -> None:
        c = self.config
        if c.closure_day is not None:
            closed = self.measured_first + timedelta(days=c.closure_day)
            if day == closed - timedelta(days=c.closure_notice):
                self._closure(closed)
        if c.week_off is not None:
            monday = self.measured_first + timedelta(weeks=c.week_off)
            if day == monday - timedelta(days=c.week_off_notice):
                self._week_off(monday)

    def _closure(self, closed: date) -> None:
        from bookings.models import UPCOMING_STATUSES, InfusionSession
        from scheduler.models import Closure

        self.closed = closed
        start, end = _at(closed, 0), _at(closed + timedelta(days=1), 0)
        # This branch has no closure service yet: the row as the admin saves it, then the desk's re-plan.
        Closure.objects.create(clinic=self.clinic, starts_at=start, ends_at=end, reason="Burst pipe")
        self._replan(list(InfusionSession.objects.filter(clinic=self.clinic, status__in=UPCOMING_STATUSES,
                                                         starts_at__lt=end, ends_at__gt=start)))

    def _week_off(self, monday: date) -> None:
        from bookings.models import UPCOMING_STATUSES, InfusionSession
        from scheduler.services import time_off_add

        nurse = next(iter(self.nurses.values()))
        start, end = _at(monday, 0), _at(monday + timedelta(days=5), 0)
        time_off_add(staff=nurse, starts_at=start, ends_at=end, reason="Leave", by=None)
        self._replan(list(InfusionSession.objects.filter(nurse=nurse, status__in=UPCOMING_STATUSES,
                                                         starts_at__lt=end, ends_at__gt=start)))

    def _replan(self, stranded) -> None:
        """The desk's re-plan of each stranded session: the first of its options, moved through the service (as the
        desk's re-plan does); a session with none is cancelled by the clinic."""
        from bookings.selectors import session_options
        from bookings.services import session_cancel, session_reschedule
        from common.errors import ApplicationError

        for s in sorted(stranded, key=lambda s: (s.starts_at, s.pk)):
            self.tally.stranded += 1
            s.refresh_from_db()
            try:
                options = session_options(session=s, count=1)
                if options:
                    o = options[0]
                    session_reschedule(session=s, starts_at=o.start.astimezone(TZ), chair=self.chairs[o.chair_id],
                                       nurse=self.nurses[o.nurse_id])
                    self.tally.replanned += 1
                    continue
            except ApplicationError:
                pass
            # No time keeps the course valid: the clinic cancels the session (the course is left short).
            session_cancel(session=s, by_party="clinic", reason="No time left in the course after a closure or absence")
            self.tally.fates["cancelled_by_clinic"] += 1

    # --- Figures -------------------------------------------------------------------------------

    def open_days(self) -> list[date]:
        closed = getattr(self, "closed", None)
        return [self.measured_first + timedelta(days=i) for i in range((self.last - self.measured_first).days + 1)
                if (self.measured_first + timedelta(days=i)).weekday() < 5 and self.measured_first + timedelta(days=i) != closed]

    def measure(self) -> dict:
        from bookings.models import InfusionSession, SessionStatus
        from waitlist.models import OfferStatus, WaitlistEntry, WaitlistOffer

        c = self.config
        m_start, m_end = _at(self.measured_first, 0), _at(self.last + timedelta(days=1), 0)
        sessions = list(InfusionSession.objects.filter(clinic=self.clinic).values_list(
            "cycle_id", "sequence", "status", "starts_at", "ends_at"))
        open_minutes = len(self.open_days()) * c.chairs * (CLOSES.hour - OPENS.hour) * 60
        used = sum((e - s).total_seconds() / 60 for _, _, st, s, e in sessions
                   if st == SessionStatus.COMPLETED and m_start <= s < m_end)
        firsts = {cyc: s for cyc, seq, _, s, _ in sessions if seq == 1}
        waits = [(firsts[cyc].astimezone(TZ).date() - r.day).days for cyc, (r, _, _) in self.courses.items()
                 if r.day >= self.measured_first]
        done = Counter(cyc for cyc, _, st, _, _ in sessions if st == SessionStatus.COMPLETED)
        due = [(cyc, r) for cyc, (r, first, last) in self.courses.items() if first >= self.measured_first and last <= self.last]
        completed = sum(1 for cyc, r in due if done[cyc] >= self.protocols[r.protocol].session_count)
        offers = Counter(WaitlistOffer.objects.filter(clinic=self.clinic).values_list("status", flat=True))
        measured_requests = [r for r in self.requests if r.day >= self.measured_first]
        return {
            "strategy": c.strategy,
            "waitlist": "on" if c.waitlist else "off",
            "chair_hours_used_pct": _pct(used, open_minutes),
            "median_wait_days": _round(demand.percentile(waits, 50)),
            "p90_wait_days": _round(demand.percentile(waits, 90)),
            "courses_completed_in_window_pct": _pct(completed, len(due)),
            "stranded_sessions_replanned_pct": _pct(self.tally.replanned, self.tally.stranded),
            "waitlist_offers_accepted": offers[OfferStatus.ACCEPTED],
            "details": {
                "measured_days": f"{self.measured_first}..{self.last}", "open_days": len(self.open_days()),
                "chair_hours_open": open_minutes / 60, "chair_hours_used": round(used / 60, 1),
                "chair_hours_booked_pct": _pct(
                    sum((e - s).total_seconds() / 60 for _, _, st, s, e in sessions
                        if st in (SessionStatus.COMPLETED, SessionStatus.NO_SHOW) and m_start <= s < m_end), open_minutes),
                "requests_per_open_day": round(self.per_day, 2),
                "requests": self.tally.requests, "requests_measured": len(measured_requests),
                "courses_booked": self.tally.booked, "booked_without_wishes": self.tally.booked_without_wishes,
                "turned_away": self.tally.turned_away, "waits_counted": len(waits),
                "courses_due_in_window": len(due), "courses_completed": completed,
                "stranded": self.tally.stranded, "replanned": self.tally.replanned,
                "sessions": len(sessions), **{k: v for k, v in sorted(self.tally.fates.items())},
                "waitlist_entries": WaitlistEntry.objects.filter(clinic=self.clinic).count(),
                "offers": dict(sorted(offers.items())),
            },
        }


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def simulate(config: Config) -> dict:
    """Play one run in the current database (which must hold the shared protocols) and return its figures."""
    return Simulation(config).play()
