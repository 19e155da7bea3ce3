"""Fixtures of the front-desk page tests: a clinic with staff of every role, and another clinic beside it.

The test modules stop the clock at NOW, Monday 1 March 2027, 12:00 in New York (`pytest.mark.frozen(NOW)`), so
"today" and "the past" are fixed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.test import Client

from scheduler.models import Chair, Clinic, StaffMember
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, ProtocolFactory, book_course
from tests.helpers import signed_in, staff_of_every_role

NOW = dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC)  # Monday, 12:00 in New York
TODAY = dt.date(2027, 3, 1)


@dataclass
class Site:
    clinic: Clinic
    chairs: list[Chair]
    nurses: list[StaffMember]
    protocol: object
    patient: object
    users: dict = field(default_factory=dict)

    def book(self, starts, *, patient=None, chair=None):
        """The site's three-session course at these clinic wall-clock times, booked through the service."""
        return book_course(
            patient=patient or self.patient, clinic=self.clinic, protocol=self.protocol, starts=starts, chair=chair
        )


def build_site(name: str, *, chairs: int = 4) -> Site:
    clinic = ClinicFactory(name=f"{name} clinic", start_stagger_minutes=0)
    site = Site(
        clinic=clinic,
        chairs=[ChairFactory(clinic=clinic, name=f"{name} chair {i}") for i in range(1, chairs + 1)],
        nurses=[NurseFactory(clinic=clinic) for _ in range(2)],
        # Three one-hour sessions at least 20 h apart, within 14 days.
        protocol=ProtocolFactory(clinic=clinic, name="Short course", session_count=3, chair_minutes=60,
                                 min_gap_hours=20, window_days=14),
        patient=PatientFactory(clinic=clinic, first_name="Jane", last_name="Roe", phone="+1 555 0199",
                               email="jane@example.org", email_consent=True, email_consent_at=NOW,
                               email_consent_source="intake form"),
    )
    site.users = staff_of_every_role(clinic, name)
    return site


@pytest.fixture
def home(db):
    return build_site("Home")


@pytest.fixture
def away(db):
    return build_site("Away")


@pytest.fixture
def as_user():
    """A test client signed in as the given user (with a second factor where the user has or needs one)."""

    def make(user) -> Client:
        return signed_in(Client(), user)

    return make
