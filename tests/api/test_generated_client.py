"""The Python client generated from the API's schema (clients/python/, issue 12), as an integrator meets it.

The committed client is what `make client` makes of the schema today, and that schema is the one the server
serves. A client generated afresh from the schema a running server serves (pytest-django's live_server,
PostgreSQL), imported from a temporary folder, then:

- runs clients/python/README.md's example against `make run`'s demo clinic (seed_demo): a front desk signs
  in, finds the clinic and a protocol, registers a patient, asks for a proposal, books it, lists the
  course's sessions, moves one, cancels another and lists a session's emails. The test checks what the
  example's calls answered (the names it binds) and what they stored;
- calls every read of the schema (each GET operation) as each role: a typed result, or the documented 403
  for a role that may not. Who may read what, and with which object and query, is the schema walk's table
  (tests/api/test_schema_walk.py, written out there from the issue); its world is tests/api/world.py's.

No request in this module is written by hand: every one goes through the generated code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import importlib
import os
import pkgutil
import re
import runpy
import shutil
import subprocess
import sys
import tomllib
import typing
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from openapi_python_client.strings import PythonIdentifier

from bookings.models import InfusionSession, PatientEmail, TreatmentCycle
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from scheduler.models import Clinic
from tests.api import test_schema_walk as walk
from tests.api.world import T_BOOK, Site, World, build_world
from tests.helpers import api_token_user

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "clients"
PACKAGE = "clinic_client"
CONFIG = CLIENTS / "python-config.yaml"
README = CLIENTS / "python" / "README.md"
BIN = Path(sys.executable).parent
PASSWORD = "correct-horse-battery"
STALE = "clients/ does not match the API's schema: run `make client` and commit what it changes"
#: The roles the read sweep calls every read as.
STAFF_ROLES = (ADMIN, FRONT_DESK, CLINICIAN)


# --- Generating and importing --------------------------------------------------------------------


def run(args: list[str | Path]) -> subprocess.CompletedProcess:
    """A command of the project's tools, with the virtualenv's on PATH (the generator calls ruff)."""
    env = {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
           "HOME": os.environ.get("HOME", str(Path.home()))}
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def tree(root: Path) -> set[str]:
    """The files below `root`, relative to it, without Python's bytecode caches."""
    return {
        str(path.relative_to(root)) for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@dataclass
class Generated:
    """A generated client, imported: its package, its models and, by operationId, each operation's module."""

    package: ModuleType
    models: ModuleType
    ops: dict[str, ModuleType]

    def signed_in(self, url: str, token: str) -> Any:
        """A client sending `Authorization: Token <token>` (the generator's default prefix is Bearer)."""
        return self.package.AuthenticatedClient(base_url=url, token=token, prefix="Token",
                                                raise_on_unexpected_status=True)


def import_generated(package_dir: Path) -> Generated:
    """Import the package in `package_dir` (first on sys.path) and every operation's module."""
    sys.path.insert(0, str(package_dir.parent))
    importlib.invalidate_caches()
    package = importlib.import_module(PACKAGE)
    assert Path(package.__file__).parent == package_dir, f"imported {package.__file__}, not the generated one"
    api = importlib.import_module(f"{PACKAGE}.api")
    ops = {
        info.name.rsplit(".", 1)[1]: importlib.import_module(info.name)
        for info in pkgutil.walk_packages(api.__path__, f"{PACKAGE}.api.")
        if not info.ispkg
    }
    return Generated(package=package, models=importlib.import_module(f"{PACKAGE}.models"), ops=ops)


def forget_generated(package_dir: Path) -> None:
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]
    sys.path.remove(str(package_dir.parent))


# --- Reading answers -----------------------------------------------------------------------------


def undocumented(value: Any, where: str = "") -> list[str]:
    """Keys an answer holds that its schema does not declare: the generated models keep them aside."""
    if isinstance(value, list):
        return [key for i, item in enumerate(value) for key in undocumented(item, f"{where}[{i}]")]
    if not attrs.has(type(value)):
        return []
    declared = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
    if not declared:  # a free-form object (an error's details, an audit entry's changes): any keys are content
        return []
    extra = [f"{where}.{key}" for key in value.additional_properties]
    return extra + [key for name in declared for key in undocumented(getattr(value, name), f"{where}.{name}")]


def typed(parsed: Any) -> Any:
    """A parsed success: not the error shape, and holding nothing its schema does not declare."""
    assert parsed is not None and type(parsed).__name__ != "Error", parsed
    assert not undocumented(parsed), f"fields the schema does not declare: {undocumented(parsed)}"
    return parsed


def refused(response: Any, status: int, code: str) -> None:
    """A refusal the schema documents, parsed as the one error shape."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert type(response.parsed).__name__ == "Error", response.content[:500]
    assert response.parsed.code == code and response.parsed.message, response.parsed


def as_arguments(function, query: dict[str, Any]) -> dict[str, Any]:
    """A query as the generated function takes it: Python names (`from` → `from_`), dates as dates."""
    hints = typing.get_type_hints(function)
    arguments = {}
    for name, value in query.items():
        python_name = PythonIdentifier(name, prefix="field_")
        kinds = typing.get_args(hints[python_name]) or (hints[python_name],)
        if isinstance(value, str) and dt.datetime in kinds:
            value = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and dt.date in kinds:
            value = dt.date.fromisoformat(value)
        arguments[python_name] = value
    return arguments


# --- The committed client ----------------------------------------------------------------------


@pytest.mark.slow  # make, manage.py and the generator in subprocesses: a few seconds
def test_the_committed_client_is_what_make_client_generates(tmp_path, client, db):
    """`make client` into a temporary folder writes the committed schema and package, file for file."""
    schema, package = tmp_path / "openapi.yaml", tmp_path / PACKAGE
    # -o: the virtualenv's requirements stamp is taken as it is (a test installs nothing).
    run([shutil.which("make") or "make", "-s", "--no-print-directory", "-o", ".venv/.requirements-dev.stamp",
         "client", f"CLIENT_SCHEMA={schema}", f"CLIENT_PACKAGE={package}"])

    assert filecmp.cmp(schema, CLIENTS / "openapi.yaml", shallow=False), f"{STALE} (clients/openapi.yaml)"
    committed = CLIENTS / "python" / PACKAGE
    fresh_files, committed_files = tree(package), tree(committed)
    differing = sorted(
        name for name in fresh_files & committed_files
        if not filecmp.cmp(package / name, committed / name, shallow=False)
    )
    assert (fresh_files - committed_files, committed_files - fresh_files, differing) == (set(), set(), []), (
        f"{STALE}: missing {sorted(fresh_files - committed_files)}, not generated any more "
        f"{sorted(committed_files - fresh_files)}, different {differing}"
    )
    # The schema written is the one a server serves (make writes it with no database server at all).
    served = client.get("/api/schema/")
    assert served.status_code == 200 and served.content == schema.read_bytes(), STALE


def test_the_client_package_carries_the_apis_version():
    """clients/python/pyproject.toml is written by hand: its version follows the API's."""
    project = tomllib.loads((CLIENTS / "python" / "pyproject.toml").read_text())["project"]
    assert project["version"] == settings.SPECTACULAR_SETTINGS["VERSION"], "set clients/python/pyproject.toml's version"


# --- A fresh client against a running server -----------------------------------------------------


@pytest.fixture(scope="module")
def api(live_server, tmp_path_factory) -> typing.Iterator[Generated]:
    """A client generated from the schema the live server serves, as `make client` generates, imported."""
    out = tmp_path_factory.mktemp("generated") / PACKAGE
    run([BIN / "openapi-python-client", "generate", "--url", f"{live_server.url}/api/schema/", "--config", CONFIG,
         "--meta", "none", "--output-path", out, "--fail-on-warning"])
    try:
        yield import_generated(out)
    finally:
        forget_generated(out)


@pytest.fixture
def demo(transactional_db) -> typing.Iterator[Clinic]:
    """`make run`'s demo clinic (seed_demo), committed (the live server reads it over its own connections),
    with a known password; the clock stands still on a Friday for the test and the server thread alike."""
    with time_machine.travel(T_BOOK, tick=False):
        call_command("seed_demo", password=PASSWORD, stdout=StringIO())
        yield Clinic.objects.get(slug="demo")


@pytest.fixture
def world(transactional_db) -> typing.Iterator[World]:
    """tests/api/world.py's two clinics, committed, on Monday noon (where the clock stays)."""
    with time_machine.travel(T_BOOK, tick=False) as traveller:
        yield build_world(traveller)


@pytest.mark.slow  # a live server, a generation and a demo clinic: several seconds
def test_every_operation_of_the_schema_has_a_module_that_imports(api):
    """The 8 modules of issue 12 failed to import (`NameError: Unset`): every operation is there and imports."""
    assert set(api.ops) == {PythonIdentifier(key, prefix="") for key in walk.SCHEMA_OPS}
    for module in api.ops.values():
        assert callable(module.sync_detailed) and callable(module.asyncio_detailed), module.__name__


@pytest.mark.slow
def test_the_readme_example_books_a_course(api, demo, live_server, monkeypatch, capsys, tmp_path):
    """clients/python/README.md's example, run as its reader runs it, with the generated client alone.

    It names what each call answered; a renamed variable there is renamed here.
    """
    examples = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    assert len(examples) == 1, "the README holds one Python example"
    script = tmp_path / "book_a_course.py"
    script.write_text(examples[0])
    monkeypatch.setenv("CLINIC_API_URL", live_server.url)
    monkeypatch.setenv("CLINIC_USERNAME", "frontdesk")
    monkeypatch.setenv("CLINIC_PASSWORD", PASSWORD)

    done = runpy.run_path(str(script), run_name="__main__")  # imports the generated package (`api`)

    m = api.models
    # Signed in as the desk, in the demo clinic, with the protocol asked for.
    assert api_token_user(typed(done["token"]).token).username == "frontdesk"
    assert typed(done["clinic"]).id == demo.pk
    assert typed(done["protocol"]).slug == "depression-iv" and done["protocol"].session_count == 6
    patient = typed(done["patient"])
    assert demo.patients.filter(pk=patient.id, last_name="Byron", email_consent=True).exists()
    # The proposal: six sessions on Mondays, Wednesdays and Fridays, from Monday on (tomorrow is a Saturday).
    planned = typed(done["proposal"]).sessions
    assert [s.sequence for s in planned] == [1, 2, 3, 4, 5, 6]
    assert {s.starts_at.astimezone(demo.tz).weekday() for s in planned} <= {0, 2, 4}
    assert planned[0].starts_at.astimezone(demo.tz).date() == dt.date(2027, 3, 1)
    # Booked as proposed, listed as booked.
    course = typed(done["course"])
    assert course.patient == patient.id and course.status == m.CycleStatusEnum.PLANNED
    sessions = typed(done["sessions"])
    assert [(s.starts_at, s.chair, s.nurse) for s in sessions] == [(p.starts_at, p.chair, p.nurse) for p in planned]
    assert [s.id for s in sessions] == list(
        TreatmentCycle.objects.get(pk=course.id).sessions.order_by("sequence").values_list("pk", flat=True)
    )
    # Session 2 moved to the option taken, session 6 cancelled: as answered, and as stored.
    second, option, moved = done["second"], typed(done["option"]), typed(done["moved"])
    assert [s.id for s in moved.moved] == [second.id] and moved.session.starts_at == option.starts_at
    assert option.starts_at != second.starts_at
    assert InfusionSession.objects.get(pk=second.id).starts_at == option.starts_at
    last = typed(done["last"])
    assert last.id == sessions[-1].id and last.status == m.SessionStatusEnum.CANCELLED
    assert InfusionSession.objects.get(pk=last.id).status == "cancelled"
    # The moved session's emails: every one stored, the notice of the move among them.
    emails = typed(done["emails"])
    assert {e.id for e in emails} == set(PatientEmail.objects.filter(session_id=second.id).values_list("pk", flat=True))
    assert "moved" in {e.kind for e in emails}
    kinds = set(PatientEmail.objects.filter(cycle_id=course.id).values_list("kind", flat=True))
    assert {"confirmation", "moved", "cancelled"} <= kinds, kinds
    printed = capsys.readouterr().out
    assert f"Booked course {course.id}: session 1 of 6" in printed and "Session 6 is cancelled" in printed, printed


def allowed(op: walk.Op, role: str) -> bool:
    return isinstance(op.roles, walk.Public | walk.SignedIn) or role in op.roles


@pytest.mark.slow
def test_every_read_answers_each_role_with_typed_results(api, world, live_server):
    """Every GET of the schema as admin, front desk and clinician: a parsed result, or the documented 403."""
    reads = sorted(key for key, (method, _) in walk.SCHEMA_OPS.items() if method == "get")
    assert {"clinics_list", "sessions_retrieve", "sessions_reminders", "audit_list"} <= set(reads)
    # Each client is closed when done: an open keep-alive connection holds a server thread and its database
    # connection.
    with contextlib.ExitStack() as stack:
        clients = {
            role: stack.enter_context(api.signed_in(live_server.url, world.home.tokens[role])) for role in STAFF_ROLES
        }
        statuses = [status for key in reads for status in read_as_each_role(api, key, world.home, clients)]
    assert 403 in statuses, "no read was refused to any role: the sweep should meet the audit trail's 403"


def read_as_each_role(api: Generated, key: str, home: Site, clients: dict[str, Any]) -> list[int]:
    """Operation `key` with the schema walk's object and query, as each role: the statuses answered."""
    op, (_, path) = walk.TABLE[key], walk.SCHEMA_OPS[key]
    sync_detailed = api.ops[PythonIdentifier(key, prefix="")].sync_detailed
    obj = op.target(home) if op.target else None
    arguments = as_arguments(sync_detailed, op.query(home, obj) if callable(op.query) else dict(op.query or {}))
    if "{id}" in path:
        arguments["id"] = walk.object_id(obj)
    statuses = []
    for role, client in clients.items():
        response = sync_detailed(client=client, **arguments)
        if allowed(op, role):
            assert response.status_code == op.ok, (key, role, response.status_code, response.content[:500])
            result = typed(response.parsed)
            if key.endswith("_list"):  # the world holds rows of every list for its clinic's staff
                assert result.count >= 1 and result.results, (key, role)
        else:
            refused(response, 403, "permission_denied")
        statuses.append(response.status_code)
    return statuses
