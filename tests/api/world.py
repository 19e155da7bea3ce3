"""The world the API walker runs in: two clinics built alike, staff users with real API tokens.

Each clinic has chairs, nurses, a protocol of its own, a closure, time off, a patient with no course, and
one booked session in every state a session action starts from, all booked through bookings.services at
a frozen time (Friday), then advanced to Monday noon, when the tests run:

    past        Mon 09:00, booked        → no-show (its start is 3 h gone)
    checked_in  Mon 10:00, checked in    → start
    in_chair    Mon 10:30, in the chair  → complete
    today       Mon 13:00, booked        → check-in (its own day)
    upcoming    Wed 10:00, booked        → confirm, cancel, reschedule; its course → cancel
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from bookings import services
from bookings.models import InfusionSession, Patient, TreatmentCycle
from bookings.services import SessionRequest
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from scheduler.models import Chair, Clinic, Closure, Protocol, StaffMember, TimeOff
from tests.factories import (
    ChairFactory,
    ClinicFactory,
    NurseFactory,
    PatientFactory,
    ProtocolFactory,
    UserFactory,
    shared_protocol,
)

T_BOOK = dt.datetime(2027, 2, 26, 17, 0, tzinfo=dt.UTC)  # Friday 26 February 2027, 12:00 in New York
T_RUN = dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC)  # Monday 1 March 2027, 12:00 in New York

#: Every role a staff user can hold, and None: a member of the clinic holding no role at all.
ROLES: tuple[str | None, ...] = (ADMIN, FRONT_DESK, CLINICIAN, None)

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

    @property
    def cycle(self) -> TreatmentCycle:
        return self.sessions["upcoming"].cycle

    @property
    def patients(self) -> list[Patient]:
        return [self.patient, *(s.patient for s in self.sessions.values())]


@dataclass
class World:
    home: Site  # the requesting users' clinic
    away: Site  # another clinic, built the same way: its rows must stay out of reach


def ensure_shared_protocols() -> None:
    """The data migration's shared protocols (a transactional test elsewhere may have flushed them)."""
    from django.apps import apps

    defaults = importlib.import_module("scheduler.migrations.0002_default_protocols")
    slugs = [p["slug"] for p in defaults.PROTOCOLS]
    if Protocol.objects.filter(clinic=None, slug__in=slugs).count() < len(slugs):
        defaults.load(apps, None)


def staff_user(role: str | None, clinic: Clinic, name: str):
    """A staff user of the clinic holding `role`, with an API token. No usable password: hashing is slow."""
    user = UserFactory(username=name, password=None)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    clinic.staff.add(user)
    return user


def build_site(name: str) -> Site:
    clinic = ClinicFactory(start_stagger_minutes=0, slug=f"walk-{name}", name=f"Walk {name}")
    nurses = [NurseFactory(clinic=clinic) for _ in range(2)]
    site = Site(
        clinic=clinic,
        chairs=[ChairFactory(clinic=clinic) for _ in range(4)],
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
    booster = shared_protocol("booster-iv")
    for state, wall in SESSION_TIMES.items():
        booked = services.cycle_book(
            patient=PatientFactory(clinic=clinic), protocol=booster, clinic=clinic, sessions=[SessionRequest(wall)]
        )
        site.sessions[state] = booked.sessions[0]
    for role in ROLES:
        user = staff_user(role, clinic, f"walk-{name}-{role or 'norole'}")
        site.users[role] = user
        site.tokens[role] = Token.objects.create(user=user).key
    return site


def _advance(site: Site) -> None:
    """At Monday noon: check in one session, and check in and start another."""
    services.session_check_in(session=site.sessions["checked_in"])
    services.session_check_in(session=site.sessions["in_chair"])
    services.session_start(session=site.sessions["in_chair"])
    for state, session in site.sessions.items():
        site.sessions[state] = InfusionSession.objects.select_related("cycle").get(pk=session.pk)


def build_world(traveller) -> World:
    """Book on Friday, then move the clock (a time_machine traveller) to Monday noon and leave it there."""
    traveller.move_to(T_BOOK)
    ensure_shared_protocols()
    world = World(home=build_site("home"), away=build_site("away"))
    traveller.move_to(T_RUN)
    _advance(world.home)
    _advance(world.away)
    return world
