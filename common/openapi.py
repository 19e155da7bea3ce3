"""OpenAPI declarations every API view shares: the error body's examples and responses, and the schema class that
documents the errors every operation can answer (drf-spectacular)."""

from __future__ import annotations

from collections.abc import Iterator

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from common import error_codes as codes
from common.api import ErrorSerializer
from common.parsers import TOO_DEEP_MESSAGE


def error_example(code: str, message: str, details: dict | None = None, *, name: str | None = None) -> OpenApiExample:
    """An example error body `{"code", "message", "details"}`, shown on responses only."""
    return OpenApiExample(name or code, value={"code": code, "message": message, "details": details or {}}, response_only=True)


def error_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description, examples=list(examples))


UNAUTHENTICATED = error_response(
    "Not signed in: send `Authorization: Token …` or a session cookie.",
    error_example("not_authenticated", "Authentication credentials were not provided."),
)
FORBIDDEN_READ = error_response(
    "Your account holds none of the staff roles.",
    error_example("permission_denied", "This needs one of the roles: admin, clinician, front_desk."),
)
FORBIDDEN_BOOKING = error_response(
    "Your role may not do this (admin or front_desk may).",
    error_example("permission_denied", "This needs one of the roles: admin, front_desk."),
)

# --- What any operation may answer, by how it is built (AutoSchema adds those a view does not write) ----------

INVALID_BODY = error_response(
    "The body is not valid: `validation_error` names each field and its errors in `details`; `parse_error` is a body "
    "that is not JSON, or nests more than 32 levels deep.",
    error_example("validation_error", "The request is not valid: name: This field is required.",
                  {"name": ["This field is required."]}),
    error_example("parse_error", "JSON parse error - Expecting value: line 1 column 1 (char 0)"),
    error_example("parse_error", TOO_DEEP_MESSAGE, name="too_deep"),
)
INVALID_QUERY = error_response(
    "A query parameter is not valid; `details` names it.",
    error_example("validation_error", "The request is not valid: page_size: A valid integer is required.",
                  {"page_size": ["A valid integer is required."]}),
)
FORBIDDEN = error_response(
    "Refused to this account: its role may not do this (`permission_denied`); or, signed in with a session cookie, "
    "the session still owes its second factor (`two_factor_required`) or a write came without the CSRF token.",
    error_example("permission_denied", "You do not have permission to perform this action."),
)
NOT_FOUND = error_response(
    "No such object in your clinics (another clinic's objects are not found either).",
    error_example("not_found", "No such resource."),
)
PAGE_NOT_FOUND = error_response("The page is past the last one.", error_example("not_found", "Invalid page."))
NOT_ACCEPTABLE = error_response(
    "The Accept header allows no type this operation answers in: it answers `application/json`.",
    error_example("not_acceptable", "Could not satisfy the request Accept header."),
)
TOO_LARGE = error_response(
    "The body is over the size limit (2.5 MB): refused before it is read.",
    error_example(codes.REQUEST_TOO_LARGE, codes.REQUEST_TOO_LARGE_MESSAGE.format(limit=2621440)),
)
UNSUPPORTED_MEDIA_TYPE = error_response(
    "The body is not JSON: send it as `Content-Type: application/json` (form and multipart bodies are refused).",
    error_example("unsupported_media_type", 'Unsupported media type "application/x-www-form-urlencoded" in request.'),
)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, and every operation documents each error status it can answer.

    The views write the errors particular to them, with their examples: a domain refusal's 409, the 403
    naming the roles that may, a rule's 400. The ones that follow from how an operation is built are added
    here where the view wrote none, so that no operation can forget one:

    - 400 when it reads a body or query parameters (page aside: a page past the end is a 404);
    - 401 and 403 when it needs credentials (a role, a session's second factor, a session's CSRF token);
    - 404 for an object named in the path, and for a page past the end of a list;
    - 406 everywhere: an Accept header that rules out JSON;
    - 413 and 415 when it reads a body (too large; not JSON).

    A method a path does not have is a 405 with an Allow header (common.api): no operation of the schema answers
    it, so none documents it. 429 is the sign-in lockout's, written by the token endpoint itself.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for status, response in self._errors_by_construction(operation):
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(response, str(status), ["application/json"])
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _errors_by_construction(self, operation: dict) -> Iterator[tuple[int, OpenApiResponse]]:
        query = {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"}
        body = "requestBody" in operation
        security = operation.get("security") or []
        paged = self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
        if body:
            yield 400, INVALID_BODY
        elif query - {"page"}:
            yield 400, INVALID_QUERY
        if security and {} not in security:
            yield 401, UNAUTHENTICATED
            yield 403, FORBIDDEN
        if "{" in self.path:
            yield 404, NOT_FOUND
        elif paged:
            yield 404, PAGE_NOT_FOUND
        yield 406, NOT_ACCEPTABLE
        if body:
            yield 413, TOO_LARGE
            yield 415, UNSUPPORTED_MEDIA_TYPE
