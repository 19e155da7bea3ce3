"""factory-boy factories for the whole suite; SubFactory keeps a session's clinic, chair and cycle consistent."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from bookings.models import Patient
from scheduler.models import Chair, Clinic, OpeningHours, Protocol, Shift, StaffMember, StaffRole


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class ClinicFactory(factory.django.DjangoModelFactory):
    """A clinic open Monday to Friday 08:00–18:00 (set `hours` to change), no stagger unless given."""

    class Meta:
        model = Clinic
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    timezone = "America/New_York"
    address = "1 Main Street"
    phone = "+1 555 0100"

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        if not create:
            return
        spec = extracted if extracted is not None else {d: [("08:00", "18:00")] for d in range(5)}
        OpeningHours.objects.bulk_create(
            OpeningHours(clinic=self, weekday=d, opens=dt.time.fromisoformat(a), closes=dt.time.fromisoformat(b))
            for d, spans in spec.items()
            for a, b in spans
        )


class ChairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chair

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Chair {n:02d}")


class NurseFactory(factory.django.DjangoModelFactory):
    """A nurse with a shift on each of the clinic's open hours (set `shifts` to change)."""

    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    clinic = factory.SubFactory(ClinicFactory)
    first_name = factory.Sequence(lambda n: f"Nurse{n}")
    last_name = "Example"
    role = StaffRole.NURSE

    @factory.post_generation
    def shifts(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            rows = [Shift(staff=self, weekday=h.weekday, starts=h.opens, ends=h.closes) for h in self.clinic.opening_hours.all()]
        else:
            rows = [
                Shift(staff=self, weekday=d, starts=dt.time.fromisoformat(a), ends=dt.time.fromisoformat(b))
                for d, spans in extracted.items()
                for a, b in spans
            ]
        Shift.objects.bulk_create(rows)


class ProtocolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Protocol

    name = factory.Sequence(lambda n: f"Protocol {n}")
    slug = factory.Sequence(lambda n: f"protocol-{n}")
    session_count = 1
    chair_minutes = 60


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = "Doe"
    date_of_birth = dt.date(1985, 5, 17)
    email = factory.LazyAttribute(lambda p: f"{p.first_name.lower()}@example.org")
    timezone = factory.LazyAttribute(lambda p: p.clinic.timezone)


def shared_protocol(slug: str) -> Protocol:
    """One of the six protocols the data migration loads (conftest puts them back after a flush)."""
    return Protocol.objects.get(clinic=None, slug=slug)
