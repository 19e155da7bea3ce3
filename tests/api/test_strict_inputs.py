"""Inputs are read exactly as strictly as the OpenAPI schema types them, and the schema says what is refused (issue 12).

1. The walk: every property of every request body in the schema (and of the objects in its arrays), and every
   query parameter, is sent values of the wrong JSON type (or, for a query, text that is not the type's own
   spelling), null where it is not nullable, "" where the schema has no empty value: each must be a 400
   `validation_error` naming that property. Bodies start from the schema's own request examples; the object in
   a path is a row of the requesting admin's clinic. A new serializer or filter that coerces fails here.
2. Table-driven cases of each serializer family (the coercions issue 12 found, and their neighbours), and of
   what the schema allows that must be accepted (nulls where nullable, the bounds of a range).
3. The schema's constraints are there: minItems where an empty list is refused, the pagination's ranges,
   `starts_local` a date-time wherever it is answered, the 400 and 404 of every paginated list.
"""

from __future__ import annotations

import copy
import json
from urllib.parse import urlencode

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from common.serializers import MAX_ID, NOT_BLANK
from outcomes.models import UrgentFlag
from waitlist.models import WaitlistEntry

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
METHODS = ("get", "put", "patch", "post", "delete")
OPERATIONS: dict[str, tuple[str, str, dict]] = {
    op["operationId"]: (method, path, op)
    for path, item in SCHEMA["paths"].items() for method, op in item.items() if method in METHODS
}

#: Wrong JSON values for each schema type: every other type, and the coercions DRF would make.
WRONG = {
    "string": [0, 1.5, True, [], {}],
    "integer": ["1", 1.5, 1.0, True, [], {}, "abc"],
    "number": ["1.5", True, [], {}],
    "boolean": [0, 1, "true", "false", "", [], {}],
    "array": ["a", 1, {}, True],
    "object": ["a", 1, [], True],
}
#: Query text that is not the type's spelling.
WRONG_QUERY = {
    "integer": ["abc", "1.5", "1.0", "+1", " 1", "true", "", "null", "1e3", "٣"],
    "boolean": ["1", "0", "True", "yes", "on", "", "null"],
    "date": ["2027/03/02", "20270302", "2027-03-02T09:00", "", "null", "2027-W09-2"],
    "date-time": ["2027-03-02", "2027-03-02T09:00", "2027-03-02 09:00:00Z", "", "null"],
    "pattern": ["x", "", "null", "2027-03-02 09:00", "2027-02-30", "1899-12-31"],
    "enum": ["nope", "", "null"],
    "array": ["nope", "booked,", ",", "null"],
}


def resolve(schema: dict) -> dict:
    """A property's schema with its $ref and single allOf followed (drf-spectacular's enum references)."""
    while True:
        if "$ref" in schema:
            schema = {**SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]],
                      **{k: v for k, v in schema.items() if k != "$ref"}}
        elif len(schema.get("allOf", ())) == 1:
            schema = {**resolve(schema["allOf"][0]), **{k: v for k, v in schema.items() if k != "allOf"}}
        else:
            return schema


def json_type(schema: dict) -> str:
    schema = resolve(schema)
    if "type" in schema:
        return schema["type"]
    if "oneOf" in schema:
        return json_type(schema["oneOf"][0])
    return {str: "string", int: "integer", bool: "boolean"}[type(schema["enum"][0])]


def wrong_values(schema: dict) -> list:
    """Values the property's schema refuses: other types, null unless nullable, "" unless a text may be empty."""
    schema = resolve(schema)
    kind = json_type(schema)
    values = list(WRONG[kind])
    if not schema.get("nullable"):
        values.append(None)
    if kind == "string" and not may_be_empty(schema):
        values += ["", "   "] if schema.get("pattern") == NOT_BLANK else [""]
    return values


def may_be_empty(schema: dict) -> bool:
    if "oneOf" in schema:
        return any(may_be_empty(resolve(part)) for part in schema["oneOf"])
    return not (schema.get("minLength") or schema.get("pattern") or schema.get("format") or schema.get("enum"))


def request_schema(op: dict) -> dict | None:
    content = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    return resolve(content["schema"]) if content else None


def example_body(op: dict) -> dict:
    examples = op["requestBody"]["content"]["application/json"].get("examples", {})
    return copy.deepcopy(next(iter(examples.values()))["value"]) if examples else {}


def path_object(world, path: str):
    """The row of the admin's clinic an operation's {id} names (the first path segment says which)."""
    home = world.home
    if "/make-up/" in path:  # make-up sessions (issue 14): a course short of a session
        from tests.api.make_up_ops import short_course_of

        return short_course_of(home)
    return {
        "patients": home.patient, "cycles": home.cycle, "sessions": home.sessions["upcoming"], "clinics": home.clinic,
        "chairs": home.chairs[0], "staff": home.nurses[0], "protocols": home.protocol, "closures": home.closure,
        "time-off": home.time_off,
        # The waitlist (issue 14): the entry tests/api/world.py makes for the upcoming session's patient.
        "waitlist": WaitlistEntry.objects.get(session=home.sessions["upcoming"]),
        # Outcomes (issue 15): the urgent flag tests/api/world.py raises on the upcoming session.
        "flags": UrgentFlag.objects.get(session=home.sessions["upcoming"]),
        # Pump courses (issue 16): the site's first pump, and its fitted episode (every action reads its body first).
        "pumps": home.pump, "episodes": home.episodes["fitted"],
    }[path.removeprefix("/api/v1/").split("/")[0]]


def send(world, operation_id: str, *, body=None, query=None):
    method, path, _ = OPERATIONS[operation_id]
    url = path.replace("{id}", str(path_object(world, path).pk)) if "{id}" in path else path
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.home.tokens['admin']}")
    if method == "get":
        return client.get(url, query or {})
    if query:  # a write's query parameters (`?dry_run=`) ride on its URL
        url = f"{url}?{urlencode(query, doseq=True)}"
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def named(response, *path) -> bool:
    """Whether the answer is a 400 validation_error whose details name `path` (a field, or an item's field)."""
    if response.status_code != 400 or response.json().get("code") != "validation_error":
        return False
    found = response.json()["details"]
    for key in path:
        if isinstance(found, dict) and key not in found:
            found = list(found.values())  # a list's errors, by the index of the item
        if isinstance(found, list):
            found = next((item for item in found if isinstance(item, dict) and key in item), None)
        if not isinstance(found, dict) or key not in found:
            return False
        found = found[key]
    return True


BODY_OPERATIONS = sorted(name for name, (_, _, op) in OPERATIONS.items() if request_schema(op))
QUERY_OPERATIONS = sorted(
    name for name, (_, _, op) in OPERATIONS.items() if any(p["in"] == "query" for p in op.get("parameters", []))
)


# --- 1. The walk -----------------------------------------------------------------------------------


def test_the_walk_covers_the_api():
    """The operations walked: every one that takes a body or a query (a guard against an empty walk)."""
    assert len(BODY_OPERATIONS) >= 20 and len(QUERY_OPERATIONS) >= 14, (BODY_OPERATIONS, QUERY_OPERATIONS)


@pytest.mark.parametrize("operation_id", BODY_OPERATIONS)
def test_every_body_property_takes_only_its_type(world, db, operation_id):
    _, _, op = OPERATIONS[operation_id]
    schema, example = request_schema(op), example_body(op)
    assert schema is not None
    accepted = []
    for name, prop in schema["properties"].items():
        for value in wrong_values(prop):
            response = send(world, operation_id, body={**example, name: value})
            if not named(response, name):
                accepted.append((name, value, response.status_code, response.content[:200]))
        items = resolve(prop).get("items")
        if json_type(prop) == "array" and items and json_type(items) == "object":
            item_example = (example.get(name) or [{}])[0]
            for inner, inner_prop in resolve(items)["properties"].items():
                for value in wrong_values(inner_prop):
                    response = send(world, operation_id, body={**example, name: [{**item_example, inner: value}]})
                    if not named(response, name, inner):
                        accepted.append((f"{name}[0].{inner}", value, response.status_code, response.content[:200]))
    assert not accepted, f"{operation_id} took values its schema refuses:\n" + "\n".join(map(str, accepted))


def wrong_query_values(parameter: dict) -> list[str]:
    schema = resolve(parameter["schema"])
    if schema.get("type") == "array":
        values = list(WRONG_QUERY["array"])
    elif "enum" in schema:
        values = list(WRONG_QUERY["enum"])
    elif schema.get("format") in ("date", "date-time"):
        values = list(WRONG_QUERY[schema["format"]])
    elif "pattern" in schema:
        values = list(WRONG_QUERY["pattern"])
    elif schema.get("type") in ("integer", "boolean"):
        values = list(WRONG_QUERY[schema["type"]])
    else:  # free text: only its length is limited
        values = []
    if "minimum" in schema:
        values.append(str(schema["minimum"] - 1))
    if "maximum" in schema:
        values.append(str(schema["maximum"] + 1))
    if "maxLength" in schema:
        values.append("x" * (schema["maxLength"] + 1))
    return values


@pytest.mark.parametrize("operation_id", QUERY_OPERATIONS)
def test_every_query_parameter_takes_only_its_spelling(world, db, operation_id):
    _, _, op = OPERATIONS[operation_id]
    required = {p["name"]: p for p in op["parameters"] if p["in"] == "query" and p.get("required")}
    valid = {name: example_query_value(p) for name, p in required.items()}
    accepted = []
    for parameter in (p for p in op["parameters"] if p["in"] == "query"):
        name = parameter["name"]
        for value in wrong_query_values(parameter):
            response = send(world, operation_id, query={**valid, name: value})
            if not named(response, name):
                accepted.append((name, value, response.status_code, response.content[:200]))
        # Given twice: the schema has one value (a list is one comma-separated value).
        response = send(world, operation_id, query={**valid, name: [example_query_value(parameter)] * 2})
        if not named(response, name):
            accepted.append((name, "given twice", response.status_code, response.content[:200]))
    assert not accepted, f"{operation_id} took query values its schema refuses:\n" + "\n".join(map(str, accepted))


def example_query_value(parameter: dict) -> str:
    """A value the parameter's schema allows (the availability's required ids: the admin's clinic's rows)."""
    schema = resolve(parameter["schema"])
    if schema.get("type") == "array":
        return schema["items"]["enum"][0]
    if "enum" in schema:
        return schema["enum"][0]
    return {"integer": "1", "boolean": "true"}.get(schema.get("type"), "2027-03-03")


# Not the availabilities (sessions, pumps), the re-plan proposals nor the episode proposals: their clinic (and
# patient, protocol) must be rows of the user's clinics, which an id at a bound is not.
@pytest.mark.parametrize("operation_id", [name for name in QUERY_OPERATIONS if name not in (
    "availability_retrieve", "sessions_replan_proposals", "episodes_proposals", "pumps_availability_retrieve")])
def test_query_bounds_are_accepted(world, db, operation_id):
    """What the schema allows at the edges of a range is answered (not a 400, not a 500): the largest id too."""
    _, _, op = OPERATIONS[operation_id]
    for parameter in (p for p in op["parameters"] if p["in"] == "query"):
        schema = resolve(parameter["schema"])
        for bound in ("minimum", "maximum"):
            if bound in schema:
                response = send(world, operation_id, query={parameter["name"]: str(schema[bound])})
                assert response.status_code in (200, 404), (parameter["name"], schema[bound], response.content[:300])


# --- 2. Each serializer family --------------------------------------------------------------------

#: (operationId, body changes on the schema's example, the field that must be named).
REFUSED_BODIES = [
    ("clinics_create", {"name": 0}, "name"),  # issue 12: stored as "0"
    ("clinics_create", {"is_active": 0}, "is_active"),  # issue 12: taken as false
    ("clinics_create", {"is_active": "false"}, "is_active"),
    ("clinics_create", {"nurse_max_concurrent": "3"}, "nurse_max_concurrent"),
    ("clinics_create", {"nurse_max_concurrent": 3.0}, "nurse_max_concurrent"),
    ("clinics_create", {"reminder_offsets_hours": ["72"]}, "reminder_offsets_hours"),
    ("clinics_create", {"quiet_hours_start": "2100"}, "quiet_hours_start"),  # Python reads 2100 as 21:00
    ("clinics_create", {"quiet_hours_start": "21:00+02:00"}, "quiet_hours_start"),
    ("clinics_create", {"late_cancel_hours": 32768}, "late_cancel_hours"),  # past the column, on any database
    ("clinics_create", {"name": "   "}, "name"),
    ("clinics_create", {"slug": " riverside"}, "slug"),  # the pattern is checked as sent, not trimmed
    ("clinics_create", {"opening_hours": [{"weekday": "0", "opens": "08:00", "closes": "18:00"}]}, "opening_hours"),
    ("clinics_create", {"opening_hours": [{"weekday": True, "opens": "08:00", "closes": "18:00"}]}, "opening_hours"),
    ("protocols_create", {"session_count": "6"}, "session_count"),
    ("protocols_create", {"consecutive_weekdays": "no"}, "consecutive_weekdays"),
    ("protocols_create", {"clinic": "1"}, "clinic"),
    ("protocols_create", {"route": 1}, "route"),
    ("chairs_create", {"clinic": 1.0}, "clinic"),
    ("chairs_create", {"clinic": True}, "clinic"),
    ("chairs_create", {"clinic": MAX_ID + 1}, "clinic"),
    ("closures_create", {"starts_at": "2027-12-24"}, "starts_at"),
    ("closures_create", {"starts_at": "2027-12-24 09:00"}, "starts_at"),
    ("closures_create", {"starts_at": "2027-02-29T09:00"}, "starts_at"),  # not a leap year
    ("patients_create", {"first_name": 0}, "first_name"),
    ("patients_create", {"email_consent": "yes"}, "email_consent"),
    ("patients_create", {"date_of_birth": "19850517"}, "date_of_birth"),
    ("patients_create", {"date_of_birth": "1899-12-31"}, "date_of_birth"),
    ("patients_create", {"phone": "\t555 0100"}, "phone"),
    ("patients_create", {"timezone": None}, "timezone"),
    ("cycles_create", {"sessions": []}, "sessions"),
    ("cycles_create", {"sessions": {}}, "sessions"),
    ("cycles_create", {"patient": "41"}, "patient"),
    ("cycles_proposals", {"weekdays": []}, "weekdays"),  # issue 12: refused, and now minItems says so
    ("clinics_create", {"reminder_offsets_hours": [24, 24]}, "reminder_offsets_hours"),  # and uniqueItems says so
    ("cycles_proposals", {"weekdays": ["0"]}, "weekdays"),
    ("cycles_proposals", {"time_to": ""}, "time_to"),  # issue 12
    ("cycles_proposals", {"earliest_date": 20270301}, "earliest_date"),
    ("sessions_reschedule", {"starts_at": "2027-03-04"}, "starts_at"),
    ("sessions_reschedule", {"scope": 0}, "scope"),
    ("sessions_cancel", {"reason": 5}, "reason"),
    ("sessions_cancel", {"by": ""}, "by"),
    ("cycles_cancel", {"reason": ["why"]}, "reason"),
    ("episodes_review", {"done": "false"}, "done"),
    ("episodes_review", {"visit": "302"}, "visit"),
    ("episodes_cancel", {"reason": "  "}, "reason"),
    ("pumps_create", {"clinic": "1"}, "clinic"),
    ("pumps_maintenance_create", {"starts_at": "2027-04-05"}, "starts_at"),
    ("auth_token_obtain", {"username": 0}, "username"),
    ("auth_token_obtain", {"password": None}, "password"),
]


@pytest.mark.parametrize(("operation_id", "changes", "field"), REFUSED_BODIES)
def test_coercions_are_refused(world, db, operation_id, changes, field):
    body = {**example_body(OPERATIONS[operation_id][2]), **changes}
    response = send(world, operation_id, body=body)
    assert named(response, field), (response.status_code, response.content[:400])


#: (operationId, query, the parameter that must be named).
REFUSED_QUERIES = [
    ("audit_list", {"page": "0"}, "page"),  # issue 12: was an undocumented 404
    ("audit_list", {"page": "last"}, "page"),
    ("audit_list", {"page_size": "null"}, "page_size"),  # issue 12: was ignored
    ("audit_list", {"page_size": "201"}, "page_size"),  # was cut to 200
    ("audit_list", {"page_size": "0"}, "page_size"),  # was the default size
    ("audit_list", {"patient": "1.0"}, "patient"),
    ("audit_list", {"from": "2027-03-01T09:00:00 +01:00"}, "from"),
    ("patients_list", {"page": ["1", "2"]}, "page"),
    ("chairs_list", {"active": "1"}, "active"),
    ("chairs_list", {"active": "garbage"}, "active"),  # was ignored: every chair
    ("staff_list", {"role": ""}, "role"),  # was ignored
    ("sessions_list", {"date": "03/02/2027"}, "date"),
    ("sessions_list", {"status": "booked,"}, "status"),
    ("episodes_list", {"status": "fitted,"}, "status"),
    ("episodes_list", {"from": "2027-03-02 09:00"}, "from"),
    ("pumps_list", {"clinic": "1.0"}, "clinic"),
    ("sessions_list", {"reschedule_requested": "True"}, "reschedule_requested"),
    ("reminders_list", {"due_after": "2027-03-02T09:00"}, "due_after"),  # an instant needs its offset
    ("availability_retrieve", {"first_visit": "1"}, "first_visit"),
    ("availability_retrieve", {"date": "1899-12-31"}, "date"),
    ("pumps_availability_retrieve", {"clinic": "1", "start": "1899-12-31"}, "start"),
    ("pumps_availability_retrieve", {"clinic": "1", "days": "63"}, "days"),
    ("pumps_availability_retrieve", {"clinic": "1", "days": "1.0"}, "days"),
    ("pumps_availability_retrieve", {"clinic": "1", "start": "2999-12-30", "days": "3"}, "days"),
]


@pytest.mark.parametrize(("operation_id", "query", "parameter"), REFUSED_QUERIES)
def test_query_coercions_are_refused(world, db, operation_id, query, parameter):
    assert named(send(world, operation_id, query=query), parameter)


class TestAccepted:
    """What the schema allows is taken."""

    def test_nulls_where_nullable(self, world, db):
        site = world.home
        body = {**example_body(OPERATIONS["protocols_create"][2]), "clinic": site.clinic.pk, "slug": "nullable",
                "max_gap_hours": None, "window_days": None}
        response = send(world, "protocols_create", body=body)
        assert response.status_code == 201, response.content[:400]
        assert response.json()["max_gap_hours"] is None

    def test_a_naive_and_an_aware_span(self, world, db):
        body = {"clinic": world.home.clinic.pk, "reason": "Training", "starts_at": "2027-06-01T09:00",
                "ends_at": "2027-06-01T17:30:00.5-04:00"}
        response = send(world, "closures_create", body=body)
        assert response.status_code == 201, response.content[:400]
        assert response.json()["starts_at"] == "2027-06-01T13:00:00Z"

    @pytest.mark.parametrize("query", [{"page": "1", "page_size": "1"}, {"page_size": "200"}, {"status": ""},
                                       {"status": "booked,confirmed"}, {"clinic": str(MAX_ID)}])
    def test_list_queries_at_their_bounds(self, world, db, query):
        assert send(world, "sessions_list", query=query).status_code == 200

    def test_a_page_past_the_last_is_the_documented_404(self, world, db):
        response = send(world, "sessions_list", query={"page": "99"})
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert "404" in OPERATIONS["sessions_list"][2]["responses"]

    def test_blank_optional_texts(self, world, db):
        body = {"username": "nobody", "password": "wrong-password", "device": "", "otp": ""}
        response = send(world, "auth_token_obtain", body=body)
        assert response.json()["code"] == "invalid_credentials", response.content[:300]


# --- 3. The schema says so -------------------------------------------------------------------------


def component(name: str) -> dict:
    return SCHEMA["components"]["schemas"][name]


@pytest.mark.parametrize(("schema_name", "prop", "constraints"), [
    ("CycleBookRequest", "sessions", {"minItems": 1, "maxItems": 52}),
    ("ProposalRequestRequest", "weekdays", {"minItems": 1, "maxItems": 7}),
    ("ClinicRequest", "reminder_offsets_hours", {"maxItems": 6, "uniqueItems": True}),
    ("ChairRequest", "clinic", {"minimum": 1, "maximum": MAX_ID}),
    ("ClinicRequest", "late_cancel_hours", {"minimum": 0, "maximum": 32767}),
    ("ClinicRequest", "name", {"minLength": 1, "pattern": NOT_BLANK}),
])
def test_the_schema_states_the_limits(schema_name, prop, constraints):
    found = component(schema_name)["properties"][prop]
    assert {key: found.get(key) for key in constraints} == constraints, found


@pytest.mark.parametrize("schema_name", ["PlannedSession", "AvailableSlot", "Session"])
def test_starts_local_is_a_date_time_everywhere(schema_name):
    starts_local = component(schema_name)["properties"]["starts_local"]
    assert (starts_local["type"], starts_local.get("format")) == ("string", "date-time"), starts_local


def test_every_paginated_list_documents_its_pages():
    paginated = {name: op for name, (_, _, op) in OPERATIONS.items()
                 if any(p["name"] == "page" for p in op.get("parameters", []))}
    assert len(paginated) >= 12, sorted(paginated)
    for name, op in paginated.items():
        parameters = {p["name"]: p["schema"] for p in op["parameters"]}
        assert parameters["page"] == {"type": "integer", "minimum": 1}, name
        assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200}, name
        assert {"400", "404"} <= set(op["responses"]), (name, sorted(op["responses"]))
