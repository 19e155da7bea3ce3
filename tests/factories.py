"""Factories and builders for the whole suite; SubFactory keeps a session's clinic, chair and cycle consistent.

Factories write rows straight to the tables (no rule checked): for data a test only reads. A test of behaviour
books through the real service with `book_course`, as the desk and the API do.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from bookings import services
from bookings.models import InfusionSession, Patient, SessionStatus, TreatmentCycle
from scheduler.models import Chair, Clinic, OpeningHours, Protocol, Shift, StaffMember, StaffRole

#: Mon/Wed/Fri over two weeks from Monday 1 March 2027: a valid depression induction (month, day).
DEPRESSION_DAYS = [(3, 1), (3, 3), (3, 5), (3, 8), (3, 10), (3, 12)]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class ClinicFactory(factory.django.DjangoModelFactory):
    """A clinic open Monday to Friday 08:00–18:00 (set `hours` to change), no stagger unless given.

    `chairs=n` and `nurses=n` add that many chairs and nurses (each nurse on shift whenever the clinic is open).
    """

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

    # After `hours`: a nurse's shifts follow the opening hours.
    @factory.post_generation
    def chairs(self, create, extracted, **kwargs):
        for _ in range(extracted or 0):
            ChairFactory(clinic=self)

    @factory.post_generation
    def nurses(self, create, extracted, **kwargs):
        for _ in range(extracted or 0):
            NurseFactory(clinic=self)


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

    class Params:
        #: Agreed to email now (the clock's now: frozen in most tests).
        consenting = factory.Trait(email_consent=True, email_consent_at=factory.LazyFunction(timezone.now))


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentCycle

    patient = factory.SubFactory(PatientFactory)
    clinic = factory.LazyAttribute(lambda c: c.patient.clinic)
    protocol = factory.SubFactory(ProtocolFactory)
    session_count = factory.LazyAttribute(lambda c: c.protocol.session_count)


class SessionFactory(factory.django.DjangoModelFactory):
    """A session of `cycle` in `chair` with `nurse`, all of the cycle's clinic; one hour from `starts_at`.

    Written straight to the table: for data a page only shows (the day board's query count).
    """

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


def shared_protocol(slug: str) -> Protocol:
    """One of the six protocols the data migration loads (conftest puts them back after a flush)."""
    return Protocol.objects.get(clinic=None, slug=slug)


def ensure_shared_protocols() -> None:
    """Put back the data migration's shared protocols (a transactional test flushes every table, theirs too)."""
    from django.apps import apps

    defaults = importlib.import_module("scheduler.migrations.0002_default_protocols")
    slugs = [p["slug"] for p in defaults.PROTOCOLS]
    if Protocol.objects.filter(clinic=None, slug__in=slugs).count() < len(slugs):
        defaults.load(apps, None)
    # The questionnaires (outcomes, issue 15) are data of a migration too.
    instruments = importlib.import_module("outcomes.migrations.0002_instruments")
    if apps.get_model("outcomes", "Instrument").objects.filter(is_current=True).count() < len(instruments.INSTRUMENTS):
        instruments.load(apps, None)


def book_course(
    *,
    patient: Patient,
    clinic: Clinic | None = None,
    protocol: Protocol | str = "depression-iv",
    starts: Sequence[dt.datetime | services.SessionRequest] = (),
    days: Sequence[tuple[int, int]] = DEPRESSION_DAYS,
    hour: int = 9,
    year: int = 2027,
    chair: Chair | None = None,
    nurse: StaffMember | None = None,
    by=None,
) -> services.CycleBooked:
    """Book a course through bookings.services.cycle_book, every rule checked, as the desk and the API do.

    The sessions start at `starts` (naive: wall-clock times in the clinic's zone; a SessionRequest as it is),
    or else on `days` ((month, day) of `year`) at `hour` o'clock. `protocol` is a Protocol or a shared
    protocol's slug; `chair` and `nurse` pin every session given as a time; `clinic` is the patient's own
    unless given.
    """
    if not starts:
        starts = [dt.datetime(year, month, day, hour) for month, day in days]
    return services.cycle_book(
        patient=patient,
        protocol=shared_protocol(protocol) if isinstance(protocol, str) else protocol,
        clinic=clinic or patient.clinic,
        sessions=[
            s if isinstance(s, services.SessionRequest) else services.SessionRequest(s, chair=chair, nurse=nurse)
            for s in starts
        ],
        by=by,
    )
