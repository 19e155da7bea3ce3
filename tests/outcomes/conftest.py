"""The outcomes scene: a depression course (PHQ-9) booked for one patient, its second session checked in today."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import services as booking
from tests.factories import book_course
from tests.safety.helpers import checks_pass

T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def course(clinic, chairs, nurse, patient):
    """A depression course of six sessions, booked through the services (the clock frozen by the test)."""
    return book_course(patient=patient, clinic=clinic).cycle


@pytest.fixture
def checked_in(course, frozen):
    """The course's first session, checked in on its day, its safety checks passed (only an urgent flag can hold it)."""
    first = course.sessions.get(sequence=1)
    frozen.move_to(first.starts_at)
    checked = booking.session_check_in(session=first)
    checks_pass(checked)
    return checked
