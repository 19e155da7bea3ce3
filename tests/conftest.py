"""Fixtures for the whole suite."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory


@pytest.fixture
def clinic(db):
    """America/New_York, Mon–Fri 08:00–18:00, stagger 0 so tests choose their own."""
    return ClinicFactory(start_stagger_minutes=0)


@pytest.fixture
def chairs(clinic):
    return [ChairFactory(clinic=clinic) for _ in range(4)]


@pytest.fixture
def nurse(clinic):
    return NurseFactory(clinic=clinic)


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic)


def local(clinic, *args) -> dt.datetime:
    """An aware instant from a wall-clock time in the clinic's zone."""
    return dt.datetime(*args, tzinfo=ZoneInfo(clinic.timezone))
