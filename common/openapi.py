"""OpenAPI declarations every API view shares: the error body's examples and responses (drf-spectacular)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from common.api import ErrorSerializer


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
