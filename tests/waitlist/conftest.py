"""The waitlist's scene: a clinic with one chair and one nurse, a booster booked for one patient on a Monday
at 10:00, and two patients each booked later who wait for an earlier time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from bookings.models import InfusionSession
from tests.factories import ClinicFactory, PatientFactory, book_course
from waitlist import services
from waitlist.models import WaitlistEntry

#: A Monday morning: the clock of most waitlist tests.
NOW = "2027-03-01 12:00Z"


@dataclass
class Scene:
    clinic: object
    chair: object
    freed: InfusionSession  # booked at Monday 8 March 10:00; cancelled by the tests to free its slot
    later: list[InfusionSession]  # the waiting patients' own sessions (later dates)
    entries: list[WaitlistEntry]  # their waitlist entries, earliest first


def build_scene(waiting: int = 2) -> Scene:
    clinic = ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1, email="desk@example.org")
    chair = clinic.chairs.get()
    first = PatientFactory(clinic=clinic, consenting=True)
    freed = book_course(patient=first, protocol="booster-iv", starts=[dt.datetime(2027, 3, 8, 10)]).sessions[0]
    later, entries = [], []
    for k in range(waiting):
        patient = PatientFactory(clinic=clinic, consenting=True)
        session = book_course(patient=patient, protocol="booster-iv", starts=[dt.datetime(2027, 3, 22 + k, 10)]).sessions[0]
        later.append(session)
        entries.append(services.entry_create(clinic=clinic, patient=patient, session=session))
    return Scene(clinic, chair, freed, later, entries)


@pytest.fixture
def scene(db) -> Scene:
    return build_scene()
