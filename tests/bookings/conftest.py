"""Fixtures of the bookings tests: a clinic that fills up, for the tests that count an API page's queries."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from common.api import FRONT_DESK
from scheduler.models import Clinic
from tests.factories import ClinicFactory, PatientFactory, book_course
from tests.helpers import staff_user


@dataclass
class Crowded:
    """A clinic with four chairs and a nurse for four at once, its front-desk user, and the free slots left."""

    clinic: Clinic
    user: object
    slots: list = field(default_factory=list)

    def fill(self, n: int) -> None:
        """Book n more boosters, each its own course for a new patient, in free slots (2–5 March, 08:00–16:00)."""
        for day, hour, chair in [self.slots.pop() for _ in range(n)]:
            book_course(
                patient=PatientFactory(clinic=self.clinic), clinic=self.clinic, protocol="booster-iv",
                days=[(3, day)], hour=hour, chair=chair,
            )


@pytest.fixture
def crowded(db) -> Crowded:
    clinic = ClinicFactory(start_stagger_minutes=0, nurse_max_concurrent=4, chairs=4, nurses=1)
    chairs = list(clinic.chairs.order_by("pk"))
    slots = [(d, h, c) for d in (2, 3, 4, 5) for h in (8, 10, 12, 14, 16) for c in chairs]
    return Crowded(clinic=clinic, user=staff_user(FRONT_DESK, clinic), slots=slots)
