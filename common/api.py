"""What every API view shares: the error shape, roles, clinic scoping, pagination.

Views stay thin (shared/STYLE.md): parse → call one service or selector → serialize. Domain errors are
`common.errors.ApplicationError`; this module's exception handler turns them, and DRF's own errors,
into one shape: {"code": "…", "message": "…", "details": {…}}.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common import error_codes as codes
from common.access import (
    ADMIN,
    ALL_ROLES,
    BOOKING_ROLES,
    CLINICIAN,
    FRONT_DESK,
    INFUSION_ROLES,
    scope_to_user_clinics,
    user_clinic_ids,
    user_roles,
)
from common.errors import ApplicationError
from common.fields import StrictIntegerFormField
from common.middleware import api_error_body

if TYPE_CHECKING:
    from rest_framework.views import APIView

    # The mixin comes before a DRF view in every MRO: to mypy, that view is its base.
    _ViewBase = APIView
else:
    _ViewBase = object

logger = logging.getLogger(__name__)

# --- Roles and clinics (common.access) -------------------------------------------------------------

# Re-exported: views and tests name the roles from here.
__all__ = [
    "ADMIN", "ALL_ROLES", "BOOKING_ROLES", "CLINICIAN", "FRONT_DESK", "INFUSION_ROLES", "ClinicScopedQuerysetMixin",
    "ErrorSerializer", "Pagination", "RolePermission", "error_response", "exception_handler", "roles_for",
    "user_clinic_ids", "user_roles",
]


class RolePermission(BasePermission):
    """Allow an action to the roles the view lists for it in `roles`, a mapping of action → roles.

    A view sets `roles = {"list": ALL_ROLES, "create": {ADMIN}, …}`; "*" is the default for actions
    not listed. A signed-in user with none of the roles gets 403, naming the roles that may.
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        allowed = roles_for(view)
        held = user_roles(user)
        if held & allowed:
            return True
        self.message = f"This needs one of the roles: {', '.join(sorted(allowed))}."
        return False


def roles_for(view) -> frozenset[str]:
    mapping = getattr(view, "roles", None) or {}
    action = getattr(view, "action", None) or request_method_action(view)
    if action == "metadata" and "metadata" not in mapping:
        # OPTIONS (DRF's metadata: the methods the resource has) is for whoever may use the resource at all; it
        # was a 403 naming no role on the views that list their actions one by one.
        return frozenset().union(*mapping.values())
    return frozenset(mapping.get(action, mapping.get("*", ())))


def request_method_action(view) -> str:
    """A plain view's action for `roles`: GET and HEAD read ("list"), OPTIONS is "metadata" (whoever may use the
    resource at all: roles_for), any other method its own name ("post")."""
    return {"GET": "list", "HEAD": "list", "OPTIONS": "metadata"}.get(view.request.method, view.request.method.lower())


class ClinicScopedQuerysetMixin(_ViewBase):
    """A view's rows are those of the requesting user's clinics: `clinic_field` is the lookup path.

    Another clinic's object is then simply not found (404), and lists never show it.
    """

    clinic_field = "clinic"

    def scope(self, queryset):
        return scope_to_user_clinics(queryset, self.request.user, field=self.clinic_field)


# --- Pagination --------------------------------------------------------------------------------


class Pagination(PageNumberPagination):
    """`?page=` (from 1) and `?page_size=` (1 to 200, default 50), strictly: anything else is a 400 naming it.

    DRF would quietly fall back to the default size for `page_size=0` or `null`, cut 500 to the maximum,
    and answer 404 for `page=0`. A page past the last one stays a 404 (`not_found`), documented on every list.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # `page=last` is not an integer: the schema does not offer it

    def paginate_queryset(self, queryset, request, view=None):
        self.query = self._parse(request)
        return super().paginate_queryset(queryset, request, view)

    def _limits(self) -> dict[str, tuple[int, int | None]]:
        return {self.page_query_param: (1, None), self.page_size_query_param: (1, self.max_page_size)}

    def _parse(self, request) -> dict[str, int]:
        parsed, errors = {}, {}
        for name, (low, high) in self._limits().items():
            given = request.query_params.getlist(name)
            if not given:
                continue
            field = StrictIntegerFormField(min_value=low, max_value=high)
            try:
                if len(given) > 1:
                    raise forms.ValidationError("Give this parameter once.")
                if given[0] == "":
                    raise forms.ValidationError("Give a value, or leave the parameter out.")
                parsed[name] = field.clean(given[0])
            except forms.ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise exceptions.ValidationError(errors)
        return parsed

    def get_page_size(self, request):
        return self.query.get(self.page_size_query_param, self.page_size)

    def get_page_number(self, request, paginator):
        return self.query.get(self.page_query_param, 1)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low, high = self._limits()[parameter["name"]]
            parameter["schema"].update({"minimum": low, **({"maximum": high} if high else {})})
        described = {
            self.page_query_param: "The page, from 1. A page past the last one is a 404 `not_found`.",
            self.page_size_query_param: f"Results per page, 1 to {self.max_page_size} (default {self.page_size}).",
        }
        for parameter in parameters:
            parameter["description"] = described[parameter["name"]]
        return parameters


# --- Errors ------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """Every error answer: a machine-readable code, a sentence for people, and details."""

    code = serializers.CharField(help_text="Machine-readable, e.g. chair_conflict, validation_error.")
    message = serializers.CharField(help_text="A human-readable sentence.")
    details = serializers.DictField(help_text="Field errors for validation_error; the conflicting resource for 409s.")


_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "parse_error",
    exceptions.ValidationError: "validation_error",
}


def error_response(code: str, message: str, http_status: int, details: dict | None = None, headers=None) -> Response:
    return Response({"code": code, "message": message, "details": details or {}}, status=http_status, headers=headers)


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            text = _first_message(value)
            return text if key == "non_field_errors" else f"{key}: {text}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc, context):
    """DRF's hook: one error shape for domain errors, DRF's errors and the ORM's refusals, always as JSON.

    The browsable API may render the answers a browser asks for, never an error: whatever the Accept header
    (text/html, or a type no renderer has: the 406 itself), an error is JSON.
    """
    request = context.get("request")
    if request is not None:
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    exc = _method_first(exc, context)
    if isinstance(exc, ApplicationError):
        return error_response(exc.code, exc.message, exc.status, exc.details, headers=exc.headers or None)
    if isinstance(exc, ProtectedError | RestrictedError):
        return error_response(codes.IN_USE, codes.IN_USE_MESSAGE, status.HTTP_409_CONFLICT)
    if isinstance(exc, RequestDataTooBig):
        # Raised as a SuspiciousOperation when the body is read: Django would answer 400 (an HTML page under DEBUG).
        too_large = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        return Response(api_error_body(too_large), status=too_large)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = "The request is not valid: " + _first_message(detail)
        details = detail
    else:
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else _first_message(exc.detail)
        details = {}
    response.data = {"code": code, "message": message, "details": details}
    return response


def _method_first(exc, context):
    """A method the resource does not have is 405 for everyone, with its Allow header.

    DRF checks credentials and roles before it looks for the method's handler: a PUT on a collection was a 401
    or a 403 naming no role. The schema is public, so the 405 tells nothing a credential protects.
    """
    view, request = context.get("view"), context.get("request")
    refused = isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed | exceptions.PermissionDenied)
    if refused and view is not None and request is not None and request.method not in view.allowed_methods:
        return exceptions.MethodNotAllowed(request.method)
    return exc
