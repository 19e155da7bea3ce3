"""The schema's OpenAPI links (config/openapi.py) and the schema page itself.

Links: each creation links to every operation on what it created; the workflow links name operations that
exist; and followed as a client would (runtime expressions evaluated on the real answers), they register a
patient, propose a course, book it, and confirm, check in, start and complete its first session.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from common.api import ADMIN
from config.openapi import WORKFLOWS
from tests.factories import shared_protocol
from tests.helpers import staff_user

METHODS = ("get", "put", "patch", "post", "delete")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema) -> dict[str, tuple[str, str, dict]]:
    """operationId → (method, path, operation)."""
    return {
        op["operationId"]: (method, path, op)
        for path, item in schema["paths"].items() for method, op in item.items() if method in METHODS
    }


def links_of(schema, operation_id: str, status: str) -> dict:
    return operations(schema)[operation_id][2]["responses"][status].get("links", {})


def test_every_creation_links_to_each_operation_on_what_it_created(schema):
    found = operations(schema)
    creations = [(op_id, path) for op_id, (method, path, op) in found.items()
                 if method == "post" and "{" not in path and "201" in op["responses"]]
    assert len(creations) >= 8
    for op_id, path in creations:
        members = {other for other, (_, other_path, _) in found.items() if other_path.startswith(f"{path}{{id}}/")}
        links = links_of(schema, op_id, "201")
        assert members <= set(links), (op_id, members - set(links))
        for member in members:
            assert links[member]["parameters"] == {"id": "$response.body#/id"}
            assert links[member]["operationId"] == member and links[member]["description"]


def test_every_workflow_link_is_in_the_schema(schema):
    """A renamed operation would silently drop a link: each one of WORKFLOWS must land."""
    for (source, status), targets in WORKFLOWS.items():
        links = links_of(schema, source, status)
        for target in targets:
            assert target in operations(schema), f"{source} links to {target}, which is no operation"
            assert links[target]["operationId"] == target


_EXPRESSION = re.compile(r"^\$(request|response)\.body#(/.*)?$")


def evaluate(value, request_body, response_body):
    """A link's runtime expression (`$response.body#/sessions/0/id`), or a structure of them, on one exchange."""
    if isinstance(value, dict):
        return {key: evaluate(item, request_body, response_body) for key, item in value.items()}
    match = _EXPRESSION.match(value) if isinstance(value, str) else None
    if match is None:
        return value
    found = request_body if match[1] == "request" else response_body
    for part in (match[2] or "").split("/")[1:]:
        found = found[int(part)] if isinstance(found, list) else found[part]
    return found


def follow(client, schema, link: dict, previous: tuple[dict | None, dict], body: dict | None = None):
    """Call the link's target with its parameters and body filled in from the previous exchange."""
    method, path, _ = operations(schema)[link["operationId"]]
    for name, expression in link.get("parameters", {}).items():
        path = path.replace(f"{{{name}}}", str(evaluate(expression, *previous)))
    data = {**(body or {}), **evaluate(link.get("requestBody", {}), *previous)}
    request_body = data or None
    response = getattr(client, method)(path, request_body, format="json")
    return response, (request_body, response.json())


@pytest.mark.frozen(dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC))  # Monday noon in New York
def test_a_client_following_the_links_books_a_course_and_runs_its_first_session(db, schema, clinic, chairs, nurse):
    client = APIClient()
    client.force_authenticate(staff_user(ADMIN, clinic))
    registered = client.post("/api/v1/patients/", {
        "clinic": clinic.pk, "first_name": "Ada", "last_name": "Walker", "date_of_birth": "1970-05-17",
        "timezone": "America/New_York",
    }, format="json")
    assert registered.status_code == 201, registered.content
    exchange = (None, registered.json())

    proposed, exchange = follow(client, schema, links_of(schema, "patients_create", "201")["cycles_proposals"],
                                exchange, {"protocol": shared_protocol("booster-iv").pk, "earliest_date": "2027-03-01"})
    assert proposed.status_code == 200, proposed.content
    booked, exchange = follow(client, schema, links_of(schema, "cycles_proposals", "200")["cycles_create"], exchange)
    assert booked.status_code == 201, booked.content
    first = booked.json()["sessions"][0]
    assert first["starts_local"].startswith("2027-03-01"), first  # today: it can be checked in
    step = ("cycles_create", "201", "sessions_confirm")
    for source, status, target in (step, ("sessions_confirm", "200", "sessions_check_in"),
                                   ("sessions_check_in", "200", "sessions_start"),
                                   ("sessions_start", "200", "sessions_complete")):
        # Completed seconds after the start, before the protocol's chair time: with the reason it needs.
        body = {"reason": "Felt unwell"} if target == "sessions_complete" else None
        # The safety checks the start and the completion wait for (safety's gates), recorded as a clinic would.
        if target == "sessions_start":
            checks = {"systolic": 120, "diastolic": 80, "heart_rate": 70, "oxygen_saturation": 98, "weight_kg": 70,
                      "pregnancy": "not_applicable", "fasting": True, "escort": True}
            assert client.post(f"/api/v1/sessions/{first['id']}/checks/", checks, format="json").status_code == 200
        if target == "sessions_complete":
            recovery = {"systolic": 122, "diastolic": 80, "alert_and_oriented": True, "escort_present": True}
            assert client.post(f"/api/v1/sessions/{first['id']}/recovery-check/", recovery, format="json").status_code == 200
        response, exchange = follow(client, schema, links_of(schema, source, status)[target], exchange, body)
        assert response.status_code == 200 and response.json()["id"] == first["id"], (target, response.content)
    assert exchange[1]["status"] == "completed"


@pytest.mark.parametrize("version", ["\r\nSet-Cookie: x=1", "1.0.0\x00", "x" * 5000])
def test_the_schema_page_ignores_a_version_in_the_query(client, db, version):
    """The version went into the Content-Disposition header: CR LF in it was a 500 (BadHeaderError)."""
    response = client.get("/api/schema/", {"format": "json", "version": version})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="Infusion clinic scheduler API.json"'
    assert response.json()["info"]["version"] == "1.0.0"
