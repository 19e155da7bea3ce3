"""Fixtures for the whole suite."""

from __future__ import annotations

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest

from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory


@pytest.fixture(autouse=True)
def _shared_protocols(request):
    """Put back the protocols the data migration loads, for every test that uses the database.

    A transactional test ends by flushing every table, data migrations' rows too; under xdist a plain
    database test may run after one on the same worker.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")

    from django.apps import apps

    from scheduler.models import Protocol

    defaults = importlib.import_module("scheduler.migrations.0002_default_protocols")
    if Protocol.objects.filter(clinic=None, slug__in=[p["slug"] for p in defaults.PROTOCOLS]).count() < len(defaults.PROTOCOLS):
        defaults.load(apps, None)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher's cost buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
