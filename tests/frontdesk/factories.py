"""Factories of the front-desk tests: courses and sessions written straight to the tables (no rules checked).

For data a page only shows (the day board's query count); tests of behaviour book through bookings.services.
"""

from __future__ import annotations

import datetime as dt

import factory

from bookings.models import InfusionSession, SessionStatus, TreatmentCycle
from tests.factories import ChairFactory, NurseFactory, PatientFactory, ProtocolFactory


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentCycle

    patient = factory.SubFactory(PatientFactory)
    clinic = factory.LazyAttribute(lambda c: c.patient.clinic)
    protocol = factory.SubFactory(ProtocolFactory)
    session_count = factory.LazyAttribute(lambda c: c.protocol.session_count)


class SessionFactory(factory.django.DjangoModelFactory):
    """A session of `cycle` in `chair` with `nurse`, all of the cycle's clinic; one hour from `starts_at`."""

    class Meta:
        model = InfusionSession

    cycle = factory.SubFactory(CycleFactory)
    patient = factory.LazyAttribute(lambda s: s.cycle.patient)
    clinic = factory.LazyAttribute(lambda s: s.cycle.clinic)
    chair = factory.SubFactory(ChairFactory, clinic=factory.SelfAttribute("..clinic"))
    nurse = factory.SubFactory(NurseFactory, clinic=factory.SelfAttribute("..clinic"))
    starts_at = factory.LazyFunction(lambda: dt.datetime(2027, 3, 1, 14, 0, tzinfo=dt.UTC))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=1))
    sequence = 1
    status = SessionStatus.BOOKED
