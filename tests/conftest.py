"""Fixtures for the whole suite: the desk (a clinic, its chairs and nurse, a patient), staff clients, the clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from common.api import CLINICIAN, FRONT_DESK
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, ensure_shared_protocols
from tests.helpers import client_for, staff_user


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "frozen(at): the clock stands still at `at` for the test (the `frozen` fixture moves it)"
    )


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
    ensure_shared_protocols()


@pytest.fixture(autouse=True)
def frozen(request):
    """With `pytest.mark.frozen(at)` (on the test, its class or its module): time_machine's traveller, tick=False.

    Autouse fixtures of one module start in name order: `_shared_protocols` (the database) comes first.
    """
    marker = request.node.get_closest_marker("frozen")
    if marker is None:
        yield None
        return
    with time_machine.travel(marker.args[0], tick=False) as traveller:
        yield traveller


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


@pytest.fixture
def desk(clinic):
    """An API client signed in as a front-desk user of `clinic`."""
    return client_for(staff_user(FRONT_DESK, clinic))


@pytest.fixture
def clinician(clinic):
    """An API client signed in as a clinician of `clinic`."""
    return client_for(staff_user(CLINICIAN, clinic))


def local(clinic, *args) -> dt.datetime:
    """An aware instant from a wall-clock time in the clinic's zone."""
    return dt.datetime(*args, tzinfo=ZoneInfo(clinic.timezone))
