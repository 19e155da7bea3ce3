"""Factories of the pump courses' rows (issue 16). As tests/factories.py: rows written straight to the tables, no
rule checked, for data a test only reads; a test of booking books through pumps.services.booking."""

from __future__ import annotations

import datetime as dt

import factory

from pumps.models import (
    Episode,
    EpisodeStatus,
    EpisodeVisit,
    Pump,
    PumpCourse,
    PumpMaintenance,
    PumpProtocol,
    ReviewMode,
    VisitKind,
)
from tests.factories import ClinicFactory, PatientFactory


class PumpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pump

    clinic = factory.SubFactory(ClinicFactory)
    label = factory.Sequence(lambda n: f"Pump {n + 1}")
    serial_number = factory.Sequence(lambda n: f"SN-{n + 1000}")


class PumpMaintenanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PumpMaintenance

    pump = factory.SubFactory(PumpFactory)
    reason = "Service"


class PumpProtocolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PumpProtocol

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Pump protocol {n}")
    slug = factory.Sequence(lambda n: f"pump-protocol-{n}")
    episode_days = 5
    fitting_minutes = 60
    review_mode = ReviewMode.VISIT
    review_minutes = 30
    removal_minutes = 60


class PumpCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PumpCourse

    clinic = factory.SubFactory(ClinicFactory)
    patient = factory.SubFactory(PatientFactory, clinic=factory.SelfAttribute("..clinic"))
    protocol = factory.SubFactory(PumpProtocolFactory, clinic=factory.SelfAttribute("..clinic"))


def episode_with_visits(*, course: PumpCourse, pump: Pump, fitting_at: dt.datetime, chair=None, nurse=None,
                        number: int = 1, status: str = EpisodeStatus.BOOKED, turnaround_hours: int = 4) -> Episode:
    """An episode and its visits written straight to the tables: the fitting at `fitting_at` (aware), a review on
    each day between and the removal on day `episode_days`, each at the fitting's wall-clock time in the clinic's
    zone, all in `chair` with `nurse`. No rule is checked."""
    protocol = course.protocol
    tz = dt.datetime.now().astimezone().tzinfo if fitting_at.tzinfo is None else fitting_at.tzinfo
    local = fitting_at.astimezone(tz)

    def at(day: int) -> dt.datetime:
        wall = dt.datetime.combine(local.date() + dt.timedelta(days=day), local.time().replace(tzinfo=None))
        return wall.replace(tzinfo=tz)

    removal_end = at(protocol.episode_days) + dt.timedelta(minutes=protocol.removal_minutes)
    episode = Episode.objects.create(
        course=course, clinic=course.clinic, patient=course.patient, pump=pump, number=number, status=status,
        starts_at=at(0), ends_at=removal_end, pump_until=removal_end + dt.timedelta(hours=turnaround_hours),
    )
    rows = [(VisitKind.FITTING, 0, protocol.fitting_minutes)]
    rows += [(VisitKind.REVIEW, d, protocol.review_minutes) for d in range(1, protocol.episode_days)]
    rows += [(VisitKind.REMOVAL, protocol.episode_days, protocol.removal_minutes)]
    for kind, day, minutes in rows:
        phone = kind == VisitKind.REVIEW and protocol.review_mode == ReviewMode.PHONE
        EpisodeVisit.objects.create(
            episode=episode, clinic=course.clinic, patient=course.patient, kind=kind, day=day,
            mode=ReviewMode.PHONE if phone else ReviewMode.VISIT, starts_at=at(day),
            ends_at=at(day) + dt.timedelta(minutes=minutes),
            chair=None if phone or (kind == VisitKind.REVIEW and not protocol.review_needs_chair) else chair,
            nurse=nurse,
        )
    return episode
