"""The database's own guarantees for pump episodes (issue 16): no pump in two episodes at once (turnaround
included), no patient in two episodes at once; a cancelled or other-pump episode is no conflict."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from pumps.models import EpisodeStatus
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory
from tests.pumps.factories import PumpCourseFactory, PumpFactory, episode_with_visits

pytestmark = pytest.mark.django_db  # the suite runs on PostgreSQL, where the constraints live

MONDAY = dt.datetime(2027, 3, 1, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def world():
    clinic = ClinicFactory()
    return {
        "clinic": clinic, "pump": PumpFactory(clinic=clinic), "chair": ChairFactory(clinic=clinic),
        "nurse": NurseFactory(clinic=clinic),
    }


def course(world, patient=None):
    return PumpCourseFactory(clinic=world["clinic"], patient=patient or PatientFactory(clinic=world["clinic"]))


def book(world, at, *, patient=None, pump=None, status=EpisodeStatus.BOOKED):
    return episode_with_visits(course=course(world, patient), pump=pump or world["pump"], fitting_at=at,
                               chair=None, nurse=world["nurse"], status=status)


def test_one_pump_is_never_in_two_episodes_at_once(world):
    book(world, MONDAY)
    with pytest.raises(IntegrityError, match="episode_no_pump_overlap"), transaction.atomic():
        book(world, MONDAY + dt.timedelta(days=2))


def test_the_turnaround_belongs_to_the_pump(world):
    first = book(world, MONDAY)
    # The next fitting inside the 4-hour turnaround after the removal: refused; at its end: fine.
    with pytest.raises(IntegrityError, match="episode_no_pump_overlap"), transaction.atomic():
        book(world, first.ends_at + dt.timedelta(hours=2))
    book(world, first.pump_until)


def test_a_cancelled_episode_frees_its_pump(world):
    book(world, MONDAY, status=EpisodeStatus.CANCELLED)
    book(world, MONDAY)


def test_one_patient_is_never_in_two_episodes_at_once(world):
    patient = PatientFactory(clinic=world["clinic"])
    book(world, MONDAY, patient=patient)
    with pytest.raises(IntegrityError, match="episode_no_patient_overlap"), transaction.atomic():
        book(world, MONDAY + dt.timedelta(days=1), patient=patient, pump=PumpFactory(clinic=world["clinic"]))
    assert connection.vendor == "postgresql"
