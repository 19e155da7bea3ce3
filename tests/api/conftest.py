"""Fixtures of the API-wide tests: one world per module, each test in a savepoint inside it."""

from __future__ import annotations

import pytest
import time_machine
from django.db import transaction

from tests.api.world import T_RUN, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Two clinics built once per module at a frozen Monday noon, rolled back when the module is done.

    Tests take `db` as well: each runs in a savepoint inside this transaction (pytest-django leaves a
    higher-scoped transaction open for this), so what one test changes the next does not see.
    """
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T_RUN, tick=False) as traveller:
        yield build_world(traveller)
        transaction.set_rollback(True)
