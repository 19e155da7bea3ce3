"""schemathesis against /api/schema/ with all its checks: every operation fuzzed, its coverage phase, then workflows
that follow the schema's links (issues 3, 11, 12).

The schema is loaded from the app itself (GET /api/schema/?format=json through its WSGI handler, in-process,
so the test's transaction is visible to every request). The database holds the demo clinic (`seed_demo`,
whose `frontdesk` and `admin` users make the requests with their API tokens) and another clinic built like
the walker's. Every answer goes through every check of schemathesis 4.32.5 (`--checks all`: its registry,
`schemathesis.checks.CHECKS`; the test asserts CHECKS holds each of them): no 5xx, a documented status, the
documented content type and headers, a body that fits the documented response schema; a method the path lacks
is a 405 with an Allow header and OPTIONS' Allow lists the documented methods (`unsupported_method`,
`allow_header_conformance`, judged on the coverage phase's requests); an operation that needs credentials refuses
a request without them or with invalid ones (`ignored_auth`, probed once per operation, as schemathesis' own
runner does); in the workflows, a resource just created can be used (`ensure_resource_availability`) and a deleted
one cannot (`use_after_free`). `missing_required_header` has nothing to judge (the schema declares no header
parameter: credentials are security schemes), nor `object_level_authorization` (it needs WFC identity documents;
another clinic's objects are walked by test_schema_walk.py). Business-rule refusals a check would count as
failures are listed in BUSINESS_RULES with their reason (none today). Schema-breaking requests must be refused
(`negative_data_rejection`) and schema-valid ones accepted (`positive_data_acceptance`) but for the business
rules listed with their reasons in tests/api/strict_checks.py.

1. **Each operation on its own.** The schema's own examples, then generated requests, schema-conforming
   (positive) and schema-breaking (negative), as the front desk where it may call the operation, else as an
   admin (plus a few as the front desk: its 403 must conform too). Generated ids are half the time ids of
   rows that exist (of both clinics), in paths, queries and bodies, so requests reach real objects rather
   than only 404s. Each request runs in a savepoint that is rolled back: every request meets the same world.
2. **schemathesis' coverage phase**, as its CLI runs it: for each operation, deterministic requests at the
   edges of each input (boundaries, wrong types, missing and unexpected properties, other media types), and
   each HTTP method the path does not have. Sent as in phase 1 (front desk where it may, else an admin).
3. **Stateful: chains of calls** (`schema.as_state_machine()`), as an admin, who may call every operation.
   A scenario starts with a creation (or a proposal) and goes on along the links the schema declares
   (config/openapi.py): from a creation to what can be done with what it created, a patient registered → a
   course proposed for them → the proposal booked → its first session confirmed, checked in, moved,
   cancelled…; a clinic created → its chairs, staff, closures; a nurse added → their time off. So patients,
   courses, sessions, clinics, chairs, staff and time off are created and then used by id. Each scenario runs in a savepoint rolled back
   at its end (and the id sequences put back); a step that answers 5xx is rolled back on its own, so it
   cannot poison the steps after it. Ids in bodies come from the admin's own clinics, and bodies half the
   time from the schema's examples, so that creations succeed and feed the steps after them.

Deterministic for CI: Hypothesis is derandomized, time is frozen, the world is built the same way. The number
of requests sent is asserted (at least 9,000 in all, a few minutes), printed (`-s`) and written to
var/schemathesis-requests.txt for the release note. The stateful checks are asserted to have had material: reads
of a resource deleted earlier in the scenario, and calls on a resource its scenario just created.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
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
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.urls import resolve
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks, not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation.meta import CoverageScenario
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    object_level_authorization,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from bookings.models import InfusionSession, Patient, TreatmentCycle
from common.api import ADMIN, FRONT_DESK
from pumps.models import Episode, Pump
from scheduler.models import Chair, Clinic, Closure, Protocol, StaffMember, TimeOff
from tests.api.strict_checks import RULES_MET, positive_data_acceptance_but_rules, strict_statuses
from tests.api.world import T_BOOK, T_RUN, build_site, ensure_shared_protocols
from tests.helpers import api_token_for


def _dry_run(case) -> bool:
    return str((case.query or {}).get("dry_run")).lower() == "true"


def use_after_free_but_dry_runs(ctx, response, case):
    """schemathesis' use_after_free, but for a read after a dry-run DELETE (`?dry_run=true`, 200): that deletes
    nothing by design (it lists what a delete would strand), so the row is rightly still there."""
    related = ctx.internals.find_related(case_id=case.id)
    if any(r.operation.method.lower() == "delete" and _dry_run(r) for r in related):
        return None
    return use_after_free(ctx, response, case)


use_after_free_but_dry_runs.__name__ = "use_after_free"  # the registry's name: it counts as that check having run


def token_for(user) -> str:
    """The API token a user's requests carry as `Authorization: Token <it>` (the one place tokens are made here)."""
    return api_token_for(user)


# A few minutes of generated requests: `make test` runs it, `make test-fast` does not.
pytestmark = pytest.mark.slow

#: Generated examples per operation (positive, negative), by who sends them: the front desk where it may call
#: the operation; else an admin, and the front desk a few (its 403 must conform too). With the schema's 68
#: operations (41 the front desk may call): 41 x 34 + 27 x (34 + 3) = 2,393, plus the schema's examples. The
#: coverage phase adds what schemathesis derives from the schema (4,511 requests today).
BUDGET = {"may": (26, 8), "refused": (2, 1)}
#: Stateful scenarios, and calls at most in each (Hypothesis stops some earlier).
SCENARIOS = 320
STEPS = 10
MINIMUM_REQUESTS = 9000
MINIMUM_FOLLOWED = 600  # stateful steps whose ids came from an earlier answer


def once_per_operation(check):
    """ignored_auth probes each 2xx again without credentials and with invalid ones; schemathesis' runner stops
    once an operation has passed (CheckContext.auth_enforced_operations), which validate_response cannot share."""
    confirmed: set[str] = set()

    def judged_once(ctx, response, case):
        if case.operation.label in confirmed:
            return None
        result = check(ctx, response, case)
        if 200 <= response.status_code < 300:
            confirmed.add(case.operation.label)
        return result

    judged_once.__name__ = check.__name__
    return judged_once


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    use_after_free_but_dry_runs,
    ensure_resource_availability,
    once_per_operation(ignored_auth),
    object_level_authorization,
    # Schema-breaking requests refused, schema-valid ones accepted but for the listed business rules (issue 12).
    negative_data_rejection,
    positive_data_acceptance_but_rules,
]
#: Failures that are business rules, not defects: (operation label, check title) → why. None today.
BUSINESS_RULES: dict[tuple[str, str], str] = {}
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
    "pumps": Pump,
    "episodes": Episode,
}
#: Body and query keys holding the id of a row, and the collection the row is in.
ID_FIELDS = {
    "clinic": "clinics", "patient": "patients", "protocol": "protocols", "chair": "chairs", "nurse": "staff",
    "staff": "staff", "cycle": "cycles", "pump": "pumps",
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


#: How each collection's rows belong to a clinic, to find the ones of the admin's clinics.
CLINIC_OF = {"clinics": "pk", "time-off": "staff__clinic"}


def ids_of(clinics=None) -> dict[str, list[int]]:
    """The ids of each collection's rows: all of them, or those of these clinics (with shared protocols)."""
    found = {}
    for name, model in COLLECTIONS.items():
        rows = model.objects.all()
        if clinics is not None:
            mine = Q(**{f"{CLINIC_OF.get(name, 'clinic')}__in": clinics})
            rows = rows.filter(mine | Q(clinic__isnull=True) if model is Protocol else mine)
        found[name] = sorted(rows.values_list("pk", flat=True))
    return found


@pytest.fixture
def seeded(db):
    """The demo clinic and another one, booked on a Friday; the clock then stays at Monday noon."""
    with time_machine.travel(T_BOOK, tick=False) as traveller:
        ensure_shared_protocols()
        call_command("seed_demo", password="fuzz-password-1", stdout=StringIO())
        build_site("fuzz-away")
        traveller.move_to(T_RUN)
        users = get_user_model().objects
        yield {
            "headers": {
                role: {"Authorization": f"Token {token_for(users.get(username=username))}"}
                for role, username in ((FRONT_DESK, "frontdesk"), (ADMIN, "admin"))
            },
            "ids": ids_of(),
            "own": ids_of(users.get(username="admin").clinics.all()),
        }


def with_known(known_ids: dict[str, list[int]], *, always: bool = False):
    """Generated data in which each id-holding key, at any depth, is as generated or the id of a real row
    (`always`: the id of a real row)."""

    def known(data):
        if isinstance(data, dict):
            parts = {}
            for key, value in data.items():
                ids = known_ids.get(ID_FIELDS.get(key, ""), [])
                if not ids:
                    parts[key] = known(value)
                else:
                    parts[key] = st.sampled_from(ids) if always else st.one_of(st.just(value), st.sampled_from(ids))
            return st.fixed_dictionaries(parts)
        if isinstance(data, list):
            return st.tuples(*map(known, data)).map(list)
        return st.just(data)

    return known


def body_examples(schema) -> dict[str, list]:
    """operation label → the request bodies the schema documents for it."""
    found: dict[str, list] = {}
    for path, item in schema.raw_schema["paths"].items():
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content", {}) if isinstance(operation, dict) else {}
            examples = content.get("application/json", {}).get("examples", {})
            if examples:
                found[f"{method.upper()} {path}"] = [example["value"] for example in examples.values()]
    return found


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


@dataclass
class Tally:
    """What was sent, what came back, and each distinct failure once."""

    sent: Counter[str] = field(default_factory=Counter)  # by phase
    statuses: Counter[int] = field(default_factory=Counter)
    answers: Counter[tuple[str, str, int]] = field(default_factory=Counter)  # (phase, operation, status)
    followed: Counter[str] = field(default_factory=Counter)  # stateful steps by the link they followed
    material: Counter[str] = field(default_factory=Counter)  # what the method and stateful checks had to judge
    failures: dict[tuple[str, str, str], Failure] = field(default_factory=dict)  # (operation, check, where) → first

    def send(self, phase: str, case, headers: dict, *, keep: bool = False, recorder=None):
        """Send the case in a savepoint, rolled back unless `keep` (then only after a 5xx), and check the answer
        (the stateful checks find the scenario's earlier calls in `recorder`)."""
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers=headers)
        except BaseException:
            transaction.savepoint_rollback(savepoint)
            raise
        if keep and response.status_code < 500:
            transaction.savepoint_commit(savepoint)
        else:
            transaction.savepoint_rollback(savepoint)
        self.sent[phase] += 1
        self.statuses[response.status_code] += 1
        self.answers[(phase, case.operation.label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers, recorder=recorder)
        except (Failure, FailureGroup) as exc:
            # Keep going: every example is sent, and each distinct failure is reported once.
            for failure in getattr(exc, "exceptions", (exc,)):
                if (case.operation.label, failure.title) not in BUSINESS_RULES:
                    self.failures.setdefault((case.operation.label, failure.title, where_in_schema(failure)), failure)
        return response


def hypothesis_settings(**kwargs) -> hypothesis.settings:
    return hypothesis.settings(
        derandomize=True, database=None, deadline=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck), print_blob=False, **kwargs,
    )


def each_operation(schema, tally: Tally, headers: dict[str, dict], generating: dict) -> int:
    """Phase 1: the schema's examples and generated requests for every operation; the number of operations."""

    def fuzz(strategy, who: str, examples: int) -> None:
        @hypothesis_settings(max_examples=examples)
        @hypothesis.given(case=strategy)
        def send(case):
            tally.send("each operation", case, headers[who])

        send()

    def generated(operation, mode: GenerationMode, who: str):
        generating["mode"] = mode
        return operation.as_strategy(generation_mode=mode, headers=headers[who])

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        desk = front_desk_may(operation)
        senders = [(FRONT_DESK, BUDGET["may"])] if desk else [(ADMIN, BUDGET["may"]), (FRONT_DESK, BUDGET["refused"])]
        generating["mode"] = GenerationMode.POSITIVE
        for example in schema.get_strategies_from_examples(operation, fill_missing=True):
            fuzz(example, FRONT_DESK if desk else ADMIN, 1)
        for who, (positive, negative) in senders:
            fuzz(generated(operation, GenerationMode.POSITIVE, who), who, positive)
            try:
                fuzz(generated(operation, GenerationMode.NEGATIVE, who), who, negative)
            except hypothesis.errors.Unsatisfiable:
                # Nothing to break: an operation whose inputs accept any value (POST /auth/logout/ has none,
                # DELETE /auth/tokens/{id}/ a free-form string id) has no schema-violating request; its positive
                # requests above are all there is. Only operations without a body may end up here.
                assert not operation.body, operation.label
    return len(operations)


def coverage(schema, tally: Tally, headers: dict[str, dict]) -> None:
    """Phase 2: schemathesis' coverage phase for every operation, positive and negative, as its CLI runs it."""
    for result in schema.get_all_operations():
        operation = result.ok()
        who = FRONT_DESK if front_desk_may(operation) else ADMIN
        config = schema.config.generation_for(operation=operation, phase="coverage")
        for case in schema.iter_coverage_cases(operation, generation_modes=list(GenerationMode), generation_config=config):
            response = tally.send("coverage", case, headers[who])
            if case.meta.phase.data.scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD:
                tally.material[f"{case.method} (unsupported) -> {response.status_code}"] += 1
                if case.method == "OPTIONS" and response.headers.get("allow"):
                    tally.material["allow_header_conformance"] += 1


def sequence_values() -> list[tuple[str, int | None]]:
    """Each PostgreSQL sequence of the database and its value."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences")
        return list(cursor.fetchall())


def sequences_restore(values: list[tuple[str, int | None]]) -> None:
    """Put the sequences back: a rollback leaves them advanced, and a scenario must meet the ids the last one met.

    Otherwise the same steps would create rows with other ids, draw other values and Hypothesis, which replays
    choices, would find the strategies inconsistent.
    """
    if not values:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["setval(%s, %s, %s)"] * len(values)),
            [part for name, value in values for part in (name, value or 1, value is not None)],
        )


def book_the_proposal(schema) -> None:
    """The proposal's sessions replace the generated ones whole (schemathesis merges a link's body item by item)."""
    for item in schema.raw_schema["paths"].values():
        for operation in item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            for response in responses.values():
                for link in response.get("links", {}).values():
                    if link.get("operationId") == "cycles_create" and "requestBody" in link:
                        link["x-schemathesis"] = {"merge_body": False}


def workflows(schema, tally: Tally, headers: dict, generating: dict) -> None:
    """Phase 3: scenarios of linked calls as an admin, each in a savepoint rolled back at its end."""
    generating.update(mode=GenerationMode.POSITIVE, stateful=True)
    book_the_proposal(schema)
    # The schema's own links only. schemathesis would add ~250 it infers (a list's ids to each operation on an
    # item, an item's answer to its siblings): with them the scenarios spread over ~300 rules and rarely get
    # past a creation (60 scenarios: 63 objects created, no course booked, against 117 and 11 without them).
    schema.config.phases.stateful.inference.algorithms = []

    sequences = sequence_values()

    class Workflow(schema.as_state_machine()):
        def setup(self):
            self.savepoint = transaction.savepoint()
            self.deleted: set[str] = set()  # paths this scenario deleted

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)
            sequences_restore(sequences)

        def step(self, input):
            if input.transition is not None and input.is_applied:
                tally.followed[input.transition.id] += 1
            output = super().step(input)
            self.material(input, output.response.status_code)
            return output

        def material(self, input, status: int) -> None:
            """Count what use_after_free and ensure_resource_availability had to judge: a resource this scenario
            deleted, used again; a resource it had just created, used by the id its creation answered."""
            case, path = input.case, input.case.formatted_path
            parent = self.recorder.find_parent(case_id=case.id)
            created = (
                input.is_applied and parent is not None and parent.method == "POST" and case.path.startswith(parent.path)
                and 200 <= self.recorder.find_response(case_id=parent.id).status_code < 300
            )
            if any(path.startswith(gone) for gone in self.deleted):
                tally.material[f"use_after_free: {case.method} of a deleted resource -> {status}"] += 1
            elif created:
                tally.material[f"ensure_resource_availability: {case.method} of one just created -> {status}"] += 1
            # A dry run (`?dry_run=true`, 200) lists what a delete would strand and deletes nothing.
            if case.method == "DELETE" and 200 <= status < 300 and str((case.query or {}).get("dry_run")).lower() != "true":
                self.deleted.add(path)

        def call(self, case, **kwargs):
            return tally.send("stateful", case, headers, keep=True, recorder=self.recorder)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            """Checked in `call` already, where failures are collected rather than raised."""

    Workflow.run(settings=hypothesis_settings(max_examples=SCENARIOS, stateful_step_count=STEPS))


def json_when_unsaid(original):
    """A body given whole by a link has no media type, and schemathesis will not choose among several: JSON."""

    def default_media_type(operation) -> str:
        types = operation.get_request_payload_content_types()
        return "application/json" if "application/json" in types else original(operation)

    return default_media_type


def test_schemathesis(seeded, monkeypatch):
    monkeypatch.setattr(APIOperation, "_get_default_media_type", json_when_unsaid(APIOperation._get_default_media_type))
    tally = Tally()
    started = time.monotonic()

    with in_process_wsgi() as server_errors:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        strict_statuses(schema)
        # Read by the hooks while cases are drawn. Stateful steps take the ids in bodies and queries from the
        # rows of the admin's own clinics (phase 1 tried the others), and bodies from the schema's examples
        # half the time, so creations succeed and their answers feed the steps that follow.
        generating = {"mode": GenerationMode.POSITIVE, "stateful": False}
        examples = body_examples(schema)

        def positive_only(strategy, widen):
            return strategy if generating["mode"] is GenerationMode.NEGATIVE else widen(strategy)

        def ids() -> dict[str, list[int]]:
            return seeded["own"] if generating["stateful"] else seeded["ids"]

        def known(strategy):
            return strategy.flatmap(with_known(ids(), always=generating["stateful"]))

        @schema.hook
        def before_generate_path_parameters(context, strategy):
            found = ids().get(context.operation.path.removeprefix("/api/v1/").split("/")[0])
            if not found or "{id}" not in context.operation.path:
                return strategy
            return positive_only(strategy, lambda s: st.one_of(s, st.sampled_from(found).map(lambda pk: {"id": pk})))

        @schema.hook
        def before_generate_query(context, strategy):
            return positive_only(strategy, known)

        @schema.hook
        def before_generate_body(context, strategy):
            documented = examples.get(context.operation.label) if generating["stateful"] else None
            if documented:
                strategy = st.one_of(strategy, st.sampled_from(documented))
            return positive_only(strategy, known)

        operations = each_operation(schema, tally, seeded["headers"], generating)
        coverage(schema, tally, seeded["headers"])
        halfway = time.monotonic()
        workflows(schema, tally, seeded["headers"][ADMIN], generating)

    total = sum(tally.sent.values())
    created = Counter({label.split()[1]: n for (phase, label, status), n in tally.answers.items()
                       if phase == "stateful" and status == 201})
    figure = (
        f"schemathesis: {total} requests in {time.monotonic() - started:.0f} s, no 5xx: "
        f"{tally.sent['each operation']} over {operations} operations one by one and {tally.sent['coverage']} in "
        f"schemathesis' coverage phase ({halfway - started:.0f} s), then "
        f"{tally.sent['stateful']} in {SCENARIOS} stateful scenarios as an admin "
        f"({sum(tally.followed.values())} steps following a link from an earlier answer; created: "
        f"{', '.join(f'{path} {n}' for path, n in sorted(created.items()))}); "
        f"answers by status: {dict(sorted(tally.statuses.items()))}"
    )
    print(f"\n{figure}\nLinks followed most: {tally.followed.most_common(12)}\nChecks' material: {dict(tally.material)}"
          f"\nBusiness rules met: {dict(RULES_MET)}")
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    (settings.VAR_DIR / FIGURE_FILE).write_text(figure + "\n")

    problems = [f"{where} raised {what}:\n{detail}" for (where, what), detail in server_errors.items()]
    problems += [f"{label}: {title}:\n{failure.message}" for (label, title, _), failure in tally.failures.items()]
    assert not problems, f"{len(problems)} distinct problems\n\n" + "\n\n".join(problems)
    assert total >= MINIMUM_REQUESTS, figure
    assert sum(tally.followed.values()) >= MINIMUM_FOLLOWED, figure
    # The workflows ran: patients registered, courses booked from a proposal, their sessions acted on by id.
    assert created["/api/v1/patients/"] and created["/api/v1/cycles/"], figure
    assert any(link.startswith("POST /api/v1/cycles/ -> [201]") for link in tally.followed), tally.followed
    # Every check of schemathesis' registry ran (positive_data_acceptance as strict_checks' wrapper of it).
    load_all_checks()
    ran = {"positive_data_acceptance" if check is positive_data_acceptance_but_rules else check.__name__ for check in CHECKS}
    assert set(REGISTERED_CHECKS.get_all_names()) <= ran, set(REGISTERED_CHECKS.get_all_names()) - ran
    # ...and had something to judge: every method a path lacks was a 405 (OPTIONS aside, answered with its Allow);
    # deleted resources were used again and created ones used at once, in the workflows.
    material = tally.material
    unsupported = {key for key in material if "(unsupported)" in key}
    assert unsupported and all(key.endswith("-> 405") or key == "OPTIONS (unsupported) -> 200" for key in unsupported), material
    assert material["allow_header_conformance"] == material["OPTIONS (unsupported) -> 200"] > 0, material
    for check, never in (("use_after_free", "-> 2"), ("ensure_resource_availability", "-> 404")):
        judged = [key for key in material if key.startswith(check)]
        assert judged and not any(never in key for key in judged), material
