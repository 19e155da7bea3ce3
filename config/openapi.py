"""The schema page, and its OpenAPI links: which call can follow which, with the ids to carry over.

drf-spectacular emits no links. This hook adds them to the schema, where Swagger UI shows them under each
response and clients and test tools (schemathesis' stateful testing) can follow them:

- every creation (a POST on a collection answering 201) links to each operation on the object it created
  (`/patients/` → `/patients/{id}/`, its update, delete and actions), with `id` from the answer;
- WORKFLOWS: the steps of the booking workflow and of setting up a clinic, from one resource to another
  (a patient registered → a course proposed for them → the proposal booked → its first session acted on;
  a session confirmed → checked in → started → completed).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.views import SpectacularAPIView


class SchemaView(SpectacularAPIView):
    """GET /api/schema/: one version, whatever the query says.

    drf-spectacular reads `?version=` into the Content-Disposition header's file name: CR LF there was a 500.
    """

    def _get_version_parameter(self, request):
        return None


METHODS = ("get", "put", "patch", "post", "delete")
ID = "$response.body#/id"

#: (source operationId, its status) → {target operationId: (description, path parameters, request body)}.
WORKFLOWS: dict[tuple[str, str], dict[str, tuple[str, dict[str, str], dict[str, Any] | None]]] = {
    ("patients_create", "201"): {
        "cycles_proposals": ("Propose a course for the patient just registered, at their clinic.", {},
                             {"patient": ID, "clinic": "$response.body#/clinic"}),
    },
    ("cycles_proposals", "200"): {
        "cycles_create": (
            "Book the proposed sessions (the earliest series) for the same patient, protocol and clinic.", {},
            {"patient": "$request.body#/patient", "protocol": "$request.body#/protocol",
             "clinic": "$request.body#/clinic", "sessions": "$response.body#/sessions"},
        ),
    },
    ("cycles_create", "201"): {
        target: (f"{summary}: the course's first session.", {"id": "$response.body#/sessions/0/id"}, None)
        for target, summary in (
            ("sessions_retrieve", "Get a session"), ("sessions_confirm", "Confirm"), ("sessions_check_in", "Check in"),
            ("sessions_start", "Start"), ("sessions_complete", "Complete"), ("sessions_no_show", "Record a no-show"),
            ("sessions_cancel", "Cancel"), ("sessions_reschedule", "Move"), ("sessions_options", "Free times to move to"),
            ("sessions_reminders", "The emails"),
        )
    },
    # A session's day, step by step.
    ("sessions_confirm", "200"): {"sessions_check_in": ("Check the patient in, on the day.", {"id": ID}, None)},
    ("sessions_check_in", "200"): {"sessions_start": ("The patient is in the chair.", {"id": ID}, None)},
    ("sessions_start", "200"): {"sessions_complete": ("The session is over.", {"id": ID}, None)},
    ("sessions_reminders", "200"): {
        "reminders_retrieve": ("The session's first email.", {"id": "$response.body#/0/id"}, None),
        "reminders_resend": ("Send the session's first email again (once it has failed).", {"id": "$response.body#/0/id"},
                             None),
    },
    ("clinics_create", "201"): {
        target: (f"{what} at the clinic just created.", {}, {"clinic": ID})
        for target, what in (
            ("chairs_create", "Add a chair"), ("staff_create", "Add a staff member"), ("closures_create", "Record a closure"),
            ("protocols_create", "Add a protocol"), ("patients_create", "Register a patient"),
        )
    },
    ("staff_create", "201"): {
        "time_off_create": ("Record time off for the staff member just added.", {}, {"staff": ID}),
    },
}


def _operations(schema: dict) -> dict[str, tuple[str, dict]]:
    """operationId → (path, operation)."""
    return {
        operation["operationId"]: (path, operation)
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS and "operationId" in operation
    }


def _link(target: dict, description: str, parameters: dict[str, str], body: dict[str, Any] | None) -> dict:
    link: dict[str, Any] = {"operationId": target["operationId"], "description": description}
    if parameters:
        link["parameters"] = parameters
    if body is not None:
        link["requestBody"] = body
    return link


def _creation_links(operations: dict[str, tuple[str, dict]]) -> dict[tuple[str, str], dict[str, dict]]:
    """For each POST on a collection that answers 201: a link to every operation under `<collection>{id}/`."""
    found: dict[tuple[str, str], dict[str, dict]] = {}
    for operation_id, (path, operation) in operations.items():
        if not path.endswith("/") or "{" in path or "201" not in operation.get("responses", {}):
            continue
        members = sorted(
            (target for target_path, target in operations.values() if target_path.startswith(f"{path}{{id}}/")),
            key=lambda target: target["operationId"],
        )
        found[(operation_id, "201")] = {
            target["operationId"]: _link(
                target, f"{target.get('summary') or target['operationId']}: the one just created.", {"id": ID}, None
            )
            for target in members
        }
    return found


def add_links(result: dict, generator=None, request=None, public=None) -> dict:
    """POSTPROCESSING_HOOKS entry: the creation links and WORKFLOWS, on the responses they start from."""
    operations = _operations(result)
    links = _creation_links(operations)
    for (source, status), targets in WORKFLOWS.items():
        for target, (description, parameters, body) in targets.items():
            if source in operations and target in operations:
                links.setdefault((source, status), {})[target] = _link(operations[target][1], description, parameters, body)
    for (source, status), found in links.items():
        response = operations[source][1]["responses"].get(status)
        if response is not None and found:
            response.setdefault("links", {}).update(found)
    return result
