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
from bench.simulate import demand, desk, figures
from bench.simulate.demand import Fate, Request

#: The first simulated day (a Monday, clear of the clocks changing), unless told otherwise.
DEFAULT_START = date(2027, 4, 5)
OPENS, CLOSES = time(8), time(18)


@dataclass(frozen=True)
class Config:
    weeks: int = 8
    #: Weeks of demand played before the measured weeks, so that they start as busy as a running clinic.
    warmup_weeks: int = 4
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
    replan_outcomes: Counter = field(default_factory=Counter)
    make_ups: int = 0
    make_up_refused: Counter = field(default_factory=Counter)
    course_entries: int = 0
    courses_from_waitlist: int = 0
    waiting_for_a_course: int = 0
    task_errors: list = field(default_factory=list)


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=TZ).astimezone(UTC)


class Simulation:
    """Builds the clinic, walks the clock day by day, books and cancels through the services, measures."""

    tz = TZ

    @staticmethod
    def at(day: date, minutes: int) -> datetime:
        return _at(day, minutes)

    def __init__(self, config: Config):
        self.config = config
        self.tally = Tally()
        self.rng = random.Random(f"{config.seed}-answers")
        self.first = config.start
        self.measured_first = config.start + timedelta(weeks=config.warmup_weeks)
        self.last = self.measured_first + timedelta(weeks=config.weeks) - timedelta(days=1)
        #: session id -> what becomes of it, and the ids still to meet a fate other than "done", by kind.
        self.fates: dict[int, Fate] = {}
        self.pending: dict[str, set[int]] = {"cancel": set(), "late_cancel": set(), "no_show": set()}
        #: Each booked course (cycle id -> its request, first and last date as booked); each request's course.
        self.courses: dict[int, tuple[Request, date, date]] = {}
        self.cycle_of: dict[int, int] = {}
        #: New-course waitlist entries (entry id -> request); the last offer answered; the holds left to lapse.
        self.course_entries: dict[int, Request] = {}
        self.last_offer = 0
        self.lapses: list[datetime] = []
        self.closed: date | None = None

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
                desk.announce(self, day)
                desk.answer_offers(self)
                desk.cancel_ahead(self, day)
                desk.answer_offers(self)
                for r in by_day.get(day, []):
                    self._tick(day, r.minute)
                    self._request(r)
                    desk.answer_offers(self)
                self._tick(day, 18 * 60 + 30)
                desk.cancel_late(self, day)
                desk.answer_offers(self)
                self._tick(day, 19 * 60)
                desk.attendance(self, day)
                desk.answer_offers(self)
                day += timedelta(days=1)
        if self.tally.task_errors:
            raise RuntimeError(f"tasks failed: {self.tally.task_errors[:3]}")
        return figures.measure(self)

    def _tick(self, day: date, minutes: int) -> None:
        """Move the clock; the waitlist's sweep runs as beat would (when a hold has lapsed since the last step)."""
        now = _at(day, minutes)
        self.clock.move_to(now)
        if self.config.waitlist:
            from waitlist.tasks import waitlist_sweep

            # Beat's sweep expires offers past their hold: only the lapsed ones can be (the others were answered).
            if self.lapses and min(self.lapses) <= now:
                self.lapses = [at for at in self.lapses if at > now]
                waitlist_sweep.apply(throw=True)
                desk.answer_offers(self)  # the lapsed holds' slots offered on

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
            if self.config.waitlist:
                desk.wait_for_a_course(self, r, patient)
            else:
                self.tally.turned_away += 1
            return
        booked = cycle_book(
            patient=patient, protocol=protocol, clinic=self.clinic,
            sessions=[SessionRequest(s.start.astimezone(TZ), chair=self.chairs[s.chair_id], nurse=self.nurses[s.nurse_id])
                      for s in proposal.sessions],
        )
        self.tally.booked += 1
        first_session, first_day = self.booked(r, booked.cycle)
        if self.config.waitlist:
            desk.wait_for_earlier(self, r, patient, booked.cycle, first_session, first_day)

    def booked(self, r: Request, cycle) -> tuple[Any, date]:
        """Record a course booked for a request (at once, or from the waitlist): each session's fate, its dates."""
        sessions = sorted(cycle.sessions.all(), key=lambda s: s.sequence)
        for s in sessions:
            desk.draw_fate(self, s.pk, random.Random(f"{self.config.seed}-fate-{r.index}-{s.sequence}"))
        first_day = sessions[0].starts_at.astimezone(TZ).date()
        self.courses[cycle.pk] = (r, first_day, sessions[-1].starts_at.astimezone(TZ).date())
        self.cycle_of[r.index] = cycle.pk
        return sessions[0], first_day

    def _patient(self, r: Request):
        from django.utils import timezone

        from bookings.models import Patient

        return Patient.objects.create(
            clinic=self.clinic, first_name=f"P{r.index}", last_name="Simulated",
            date_of_birth=date(1960, 1, 1) + timedelta(days=r.index * 97 % 15000),
            email=f"p{r.index}@sim.example.org", timezone=TZ.key,
            # Patients agree to emails at registration: automatic waitlist offers go only to those who did.
            email_consent=True, email_consent_at=timezone.now(),
        )


def simulate(config: Config) -> dict:
    """Play one run in the current database (which must hold the shared protocols) and return its figures."""
    return Simulation(config).play()
