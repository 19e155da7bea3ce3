"""schemathesis against /api/schema/ as an authenticated front-desk user (issue 3, Acceptance).

The schema is loaded from the app itself (GET /api/schema/?format=json through its WSGI handler,
in-process, so the test's transaction is visible to every request). The database holds the demo clinic
(`seed_demo`, whose `frontdesk` user makes every request with `Authorization: Token …`) and another
clinic built like the walker's. Every operation of the schema gets generated requests, schema-conforming
(positive) and schema-breaking (negative), and every answer must be: no 5xx, a documented status, the
documented content type and headers, a body that fits the documented response schema.

Each operation gets the schema's own examples, then generated requests. Generated ids are half the time
ids of rows that exist (of both clinics), in paths, queries and bodies, so requests reach real objects
rather than only 404s. Operations the front desk may not call get a few examples (their 403 must conform
too); the rest share the budget. Each request runs in a savepoint that is rolled back: every request meets
the same world, and a database error in one cannot poison the rest.

Deterministic for CI: Hypothesis is derandomized, time is frozen, the world is built the same way. The
number of requests sent is asserted (at least 1,000), printed (`-s`) and written to
var/schemathesis-requests.txt for the release note.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from io import StringIO

import hypothesis
import pytest
import schemathesis
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.urls import resolve
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bookings.models import InfusionSession, Patient, TreatmentCycle
from common.api import FRONT_DESK
from scheduler.models import Chair, Clinic, Closure, Protocol, StaffMember, TimeOff
from tests.api.world import T_BOOK, T_RUN, build_site, ensure_shared_protocols

# About a minute of generated requests: `make test` runs it, `make test-fast` does not.
pytestmark = pytest.mark.slow

#: Generated examples per operation (positive, negative): many for what the front desk may do, a few for
#: what it may not (its 403 must conform too). With the 57 operations of the schema: 30 x 40 + 27 x 6 =
#: 1,362 requests, plus one for each example the schema documents (46).
BUDGET = {True: (32, 8), False: (4, 2)}
MINIMUM_REQUESTS = 1000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FIGURE_FILE = "schemathesis-requests.txt"

#: The rows behind each collection's {id} in paths.
COLLECTIONS = {
    "patients": Patient,
    "cycles": TreatmentCycle,
    "sessions": InfusionSession,
    "clinics": Clinic,
    "chairs": Chair,
    "staff": StaffMember,
    "protocols": Protocol,
    "closures": Closure,
    "time-off": TimeOff,
}
#: Body and query keys holding the id of a row, and the collection the row is in.
ID_FIELDS = {
    "clinic": "clinics", "patient": "patients", "protocol": "protocols", "chair": "chairs", "nurse": "staff",
    "staff": "staff", "cycle": "cycles",
}


@contextmanager
def in_process_wsgi():
    """Requests through the WSGI handler keep the test's connection and its open transaction.

    Django's own test client does the same: the handler's request signals would close the connection.
    Exceptions raised in views are collected (one per view and exception), so a 500 comes with its traceback.
    """
    errors: dict[tuple[str, str], str] = {}

    def collect(sender, request=None, **kwargs):
        exc = sys.exc_info()[1]
        match = getattr(request, "resolver_match", None)
        where = f"{request.method} /{match.route if match else request.path}"
        errors.setdefault((where, type(exc).__name__),
                          f"{request.method} {request.get_full_path()}\n{''.join(traceback.format_exception(exc, limit=-3))}")

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(collect)
    try:
        yield errors
    finally:
        got_request_exception.disconnect(collect)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db):
    """The demo clinic and another one, booked on a Friday; the clock then stays at Monday noon."""
    with time_machine.travel(T_BOOK, tick=False) as traveller:
        ensure_shared_protocols()
        call_command("seed_demo", password="fuzz-password-1", stdout=StringIO())
        build_site("fuzz-away")
        traveller.move_to(T_RUN)
        desk = get_user_model().objects.get(username="frontdesk")
        yield {
            "token": Token.objects.get_or_create(user=desk)[0].key,
            "ids": {name: sorted(model.objects.values_list("pk", flat=True)) for name, model in COLLECTIONS.items()},
        }


def with_known(known_ids: dict[str, list[int]]):
    """Generated data in which each id-holding key, at any depth, is as generated or the id of a real row."""

    def known(data):
        if isinstance(data, dict):
            parts = {}
            for key, value in data.items():
                ids = known_ids.get(ID_FIELDS.get(key, ""), [])
                parts[key] = st.one_of(st.just(value), st.sampled_from(ids)) if ids else known(value)
            return st.fixed_dictionaries(parts)
        if isinstance(data, list):
            return st.tuples(*map(known, data)).map(list)
        return st.just(data)

    return known


def where_in_schema(failure: Failure) -> str:
    """What makes two failures the same: the schema location a body broke, else the message."""
    lines = failure.message.splitlines()
    return next((line for line in lines if line.startswith("Schema at ")), lines[0] if lines else "")


def front_desk_may(operation) -> bool:
    """Whether the view's role rule lets the front desk call it (no rule: a public view, e.g. signing in)."""
    view = resolve(operation.path.replace("{id}", "1")).func
    roles = getattr(getattr(view, "cls", None), "roles", None)
    if roles is None:
        return True
    method = operation.method.lower()
    action = (getattr(view, "actions", None) or {}).get(method) or {"get": "list"}.get(method, method)
    return FRONT_DESK in roles.get(action, roles.get("*", ()))


def test_schemathesis_as_front_desk(seeded):
    known_ids = seeded["ids"]
    headers = {"Authorization": f"Token {seeded['token']}"}
    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: dict[tuple[str, str, str], Failure] = {}  # (operation, check, schema location) → the first
    started = time.monotonic()

    with in_process_wsgi() as server_errors:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        generating = {"mode": GenerationMode.POSITIVE}  # read by the hooks while as_strategy() builds

        def positive_only(strategy, widen):
            return strategy if generating["mode"] is GenerationMode.NEGATIVE else widen(strategy)

        @schema.hook
        def before_generate_path_parameters(context, strategy):
            ids = known_ids.get(context.operation.path.removeprefix("/api/v1/").split("/")[0])
            if not ids or "{id}" not in context.operation.path:
                return strategy
            return positive_only(strategy, lambda s: st.one_of(s, st.sampled_from(ids).map(lambda pk: {"id": pk})))

        @schema.hook
        def before_generate_query(context, strategy):
            return positive_only(strategy, lambda s: s.flatmap(with_known(known_ids)))

        @schema.hook
        def before_generate_body(context, strategy):
            return positive_only(strategy, lambda s: s.flatmap(with_known(known_ids)))

        def generated(operation, mode: GenerationMode):
            generating["mode"] = mode
            return operation.as_strategy(generation_mode=mode, headers=headers)

        def from_examples(operation):
            """The schema's own examples (request bodies and parameters), the parameters they lack filled in."""
            generating["mode"] = GenerationMode.POSITIVE
            return schema.get_strategies_from_examples(operation, fill_missing=True)

        def fuzz(operation, strategy, examples: int) -> None:
            @hypothesis.settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
                print_blob=False,
            )
            @hypothesis.given(case=strategy)
            def send(case):
                savepoint = transaction.savepoint()
                try:
                    response = case.call(headers=headers)
                finally:
                    transaction.savepoint_rollback(savepoint)
                sent[operation.label] += 1
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (Failure, FailureGroup) as exc:
                    # Keep going: every example is sent, and each distinct failure is reported once.
                    for failure in getattr(exc, "exceptions", (exc,)):
                        failures.setdefault((operation.label, failure.title, where_in_schema(failure)), failure)

            send()

        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            positive, negative = BUDGET[front_desk_may(operation)]
            for example in from_examples(operation):
                fuzz(operation, example, 1)
            fuzz(operation, generated(operation, GenerationMode.POSITIVE), positive)
            fuzz(operation, generated(operation, GenerationMode.NEGATIVE), negative)

    total = sum(sent.values())
    figure = (
        f"schemathesis: {total} requests as front_desk over {len(operations)} operations in "
        f"{time.monotonic() - started:.0f} s; answers by status: {dict(sorted(statuses.items()))}"
    )
    print(f"\n{figure}")
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    (settings.VAR_DIR / FIGURE_FILE).write_text(figure + "\n")

    problems = [f"{where} raised {what}:\n{detail}" for (where, what), detail in server_errors.items()]
    problems += [f"{label}: {title}:\n{failure.message}" for (label, title, _), failure in failures.items()]
    assert not problems, f"{len(problems)} distinct problems\n\n" + "\n\n".join(problems)
    assert total >= MINIMUM_REQUESTS, figure
