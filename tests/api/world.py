"""The world the API walker runs in: two clinics built alike, staff users with real API tokens (knox).

Each clinic has chairs, nurses, a protocol of its own, a closure, time off, a patient with no course, and
one booked session in every state a session action starts from, all booked through bookings.services at
a frozen time (Friday), then advanced to Monday noon, when the tests run:

    past        Mon 09:00, booked        → no-show (its start is 3 h gone)
    checked_in  Mon 10:00, checked in    → start
    in_chair    Mon 10:30, in the chair  → complete
    today       Mon 13:00, booked        → check-in (its own day)
    upcoming    Wed 10:00, booked        → confirm, cancel, reschedule; its course → cancel

and a pump with one pump episode in each state an episode action starts from (issue 16; written straight to the
tables, each with its own pump and patient, no chair or nurse):

    booked      fitting Mon 13:00       → fit (its own day), cancel
    fitted      fitted Sun 10:00        → review (day 1: Monday), remove (early, with a reason)
    removed     removed Fri 10:00       → return
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bookings import services
from bookings.models import InfusionSession, Patient, TreatmentCycle
from outcomes import services as outcomes
from pumps.models import Episode, EpisodeStatus, EpisodeVisit, Pump, VisitKind, VisitStatus
from scheduler.models import Chair, Clinic, Closure, Protocol, StaffMember, TimeOff
from tests.factories import ClinicFactory, PatientFactory, ProtocolFactory, book_course
from tests.factories import ensure_shared_protocols as ensure_shared_protocols  # the schemathesis test's
from tests.helpers import ROLES as ROLES  # the schema walk's
from tests.helpers import api_token_for, staff_of_every_role
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpProtocolFactory, episode_with_visits
from tests.safety.helpers import checks_pass, recovery_pass
from waitlist import services as waitlist

T_BOOK = dt.datetime(2027, 2, 26, 17, 0, tzinfo=dt.UTC)  # Friday 26 February 2027, 12:00 in New York
T_RUN = dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC)  # Monday 1 March 2027, 12:00 in New York

#: Wall-clock times (clinic time) of the sessions each clinic gets, by the state they are left in.
SESSION_TIMES = {
    "past": dt.datetime(2027, 3, 1, 9, 0),
    "checked_in": dt.datetime(2027, 3, 1, 10, 0),
    "in_chair": dt.datetime(2027, 3, 1, 10, 30),
    "today": dt.datetime(2027, 3, 1, 13, 0),
    "upcoming": dt.datetime(2027, 3, 3, 10, 0),
}


@dataclass
class Site:
    """One clinic and everything in it."""

    clinic: Clinic
    chairs: list[Chair]
    nurses: list[StaffMember]
    protocol: Protocol
    closure: Closure
    time_off: TimeOff
    patient: Patient  # no course: free to book, change and delete
    sessions: dict[str, InfusionSession] = field(default_factory=dict)
    users: dict[str | None, object] = field(default_factory=dict)
    tokens: dict[str | None, str] = field(default_factory=dict)
    pumps: list[Pump] = field(default_factory=list)
    episodes: dict[str, Episode] = field(default_factory=dict)

    @property
    def pump(self) -> Pump:
        return self.pumps[0]

    @property
    def cycle(self) -> TreatmentCycle:
        return self.sessions["upcoming"].cycle

    @property
    def patients(self) -> list[Patient]:
        return [self.patient, *(s.patient for s in self.sessions.values()), *(e.patient for e in self.episodes.values())]


@dataclass
class World:
    home: Site  # the requesting users' clinic
    away: Site  # another clinic, built the same way: its rows must stay out of reach


def build_site(name: str) -> Site:
    clinic = ClinicFactory(start_stagger_minutes=0, slug=f"walk-{name}", name=f"Walk {name}", chairs=4, nurses=2)
    nurses = list(clinic.staff_members.order_by("pk"))
    site = Site(
        clinic=clinic,
        chairs=list(clinic.chairs.order_by("pk")),
        nurses=nurses,
        protocol=ProtocolFactory(clinic=clinic),
        closure=Closure.objects.create(
            clinic=clinic, starts_at=dt.datetime(2027, 12, 24, tzinfo=clinic.tz),
            ends_at=dt.datetime(2027, 12, 27, tzinfo=clinic.tz), reason="Holidays",
        ),
        time_off=TimeOff.objects.create(
            staff=nurses[1], starts_at=dt.datetime(2027, 7, 1, tzinfo=clinic.tz),
            ends_at=dt.datetime(2027, 7, 8, tzinfo=clinic.tz), reason="Vacation",
        ),
        patient=PatientFactory(clinic=clinic),
    )
    for state, wall in SESSION_TIMES.items():
        booked = book_course(patient=PatientFactory(clinic=clinic), clinic=clinic, protocol="booster-iv", starts=[wall])
        site.sessions[state] = booked.sessions[0]
    # The waitlist (issue 14): the upcoming session's patient waits for an earlier time.
    waitlist.entry_create(clinic=clinic, patient=site.sessions["upcoming"].patient, session=site.sessions["upcoming"])
    # Outcomes (issue 15): the upcoming session's check-in answers, item 9 above 0: an urgent flag, not acknowledged.
    outcomes.measure_record(session=site.sessions["upcoming"], instrument_code="phq9", answers=[1] * 9)
    _pump_episodes(site)
    # No usable password: hashing is slow. Their API tokens are made at T_RUN (build_world): tokens expire.
    site.users = staff_of_every_role(clinic, f"walk-{name}", password=None)
    return site


#: Pump episodes (issue 16): their state, and the fitting's wall-clock time (clinic time).
EPISODE_TIMES = {
    EpisodeStatus.BOOKED: dt.datetime(2027, 3, 1, 13, 0),
    EpisodeStatus.FITTED: dt.datetime(2027, 2, 28, 10, 0),
    EpisodeStatus.REMOVED: dt.datetime(2027, 2, 22, 10, 0),
}


def _pump_episodes(site: Site) -> None:
    clinic = site.clinic
    protocol = PumpProtocolFactory(clinic=clinic, episode_days=4)
    for state, wall in EPISODE_TIMES.items():
        pump = PumpFactory(clinic=clinic)
        course = PumpCourseFactory(clinic=clinic, patient=PatientFactory(clinic=clinic), protocol=protocol)
        episode = episode_with_visits(course=course, pump=pump, fitting_at=wall.replace(tzinfo=clinic.tz),
                                      status=state)
        done = {EpisodeStatus.FITTED: [VisitKind.FITTING], EpisodeStatus.REMOVED: list(VisitKind)}.get(state, [])
        EpisodeVisit.objects.filter(episode=episode, kind__in=done).update(status=VisitStatus.DONE)
        site.pumps.append(pump)
        site.episodes[state] = episode


def _advance(site: Site) -> None:
    """At Monday noon: check in one session, and check in and start another; their safety checks pass (the one in
    the chair has its recovery check too), so either may go on."""
    services.session_check_in(session=site.sessions["checked_in"])
    checks_pass(site.sessions["checked_in"])
    services.session_check_in(session=site.sessions["in_chair"])
    checks_pass(site.sessions["in_chair"])
    services.session_start(session=site.sessions["in_chair"])
    recovery_pass(site.sessions["in_chair"])
    for state, session in site.sessions.items():
        site.sessions[state] = InfusionSession.objects.select_related("cycle").get(pk=session.pk)


def build_world(traveller) -> World:
    """Book on Friday, then move the clock (a time_machine traveller) to Monday noon and leave it there."""
    traveller.move_to(T_BOOK)
    ensure_shared_protocols()
    world = World(home=build_site("home"), away=build_site("away"))
    traveller.move_to(T_RUN)
    for site in (world.home, world.away):
        site.tokens = {role: api_token_for(user) for role, user in site.users.items()}
        _advance(site)
    return world
