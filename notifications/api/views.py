"""The reminders API: staff see the outbox of their clinics' patient emails and resend a failed one.

Every staff role reads (a failed email is the desk's to-do: call the patient, or fix the address and
resend); the desk and admins resend. Rows are scoped to the user's clinics, so another clinic's email is a
404 and lists never show it. A reminder belongs to a patient: each row handed out (retrieved, or on a
listed page) is recorded in the audit trail as a read. No row carries the patient's name or address.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.mixins import AuditReadMixin
from bookings.api.emails import ReminderSerializer
from bookings.models import PatientEmail
from common.api import ALL_ROLES, BOOKING_ROLES, ClinicScopedQuerysetMixin, RolePermission
from common.openapi import FORBIDDEN_BOOKING, FORBIDDEN_READ, PAGE_NOT_FOUND, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors
from notifications import services
from notifications.api.filters import ReminderFilter

# --- OpenAPI -------------------------------------------------------------------------------------


NOT_FOUND = _errors(
    "No such email in your clinics (another clinic's are not found either).",
    _example("not_found", "No PatientEmail matches the given query."),
)
BAD_FILTER = _errors(
    "A query parameter is not valid; `details` names it.",
    _example("validation_error", "The request is not valid: status: Select a valid choice. lost is not one of the "
             "available choices.", {"status": ["Select a valid choice. lost is not one of the available choices."]}),
)
NOT_RESENDABLE = _errors(
    "Only a failed email can be sent again.",
    _example("reminder_not_resendable", "Only a failed email can be sent again; this one is sent.",
             {"reminder": 5012, "status": "sent"}),
)

REMINDER_EXAMPLE = {
    "id": 5012, "session": 812, "cycle": 97, "patient": 41, "clinic": 1, "kind": "reminder_24h",
    "session_version": 2, "due_at": "2027-03-02T14:00:00Z", "send_after": "2027-03-02T14:41:00Z",
    "status": "failed", "status_reason": "", "attempts": 6,
    "last_error": "SMTPServerDisconnected: Connection unexpectedly closed", "sent_at": None, "message_id": "",
    "resends": 0, "created_at": "2027-02-20T16:31:07Z",
}


def _ok(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=["200"])


# --- The view ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        operation_id="reminders_list",
        summary="List patient emails",
        description=(
            "The outbox of your clinics' patient emails (confirmations, change notices, reminders, booster "
            "recalls), by due time, newest first. `?status=failed` lists those that could not be sent after "
            "every retry: call the patient, or fix the address and resend. Each listed row is recorded in the "
            "audit trail as a read of the patient's data."
        ),
        responses={200: ReminderSerializer(many=True), 400: BAD_FILTER, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ,
                   404: PAGE_NOT_FOUND},
        examples=[_ok("A failed reminder", REMINDER_EXAMPLE)],
        tags=["reminders"],
    ),
    retrieve=extend_schema(
        operation_id="reminders_retrieve",
        summary="Get a patient email",
        description="One email of your clinics' outbox, with how sending went.",
        responses={200: ReminderSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("A failed reminder", REMINDER_EXAMPLE)],
        tags=["reminders"],
    ),
)
class ReminderViewSet(
    AuditReadMixin, ClinicScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Patient emails: read by every staff role, a failed one resent by the desk and admins."""

    audit_read_actions = frozenset({"retrieve", "list"})
    audit_patient_attr = "patient_id"

    serializer_class = ReminderSerializer
    filterset_class = ReminderFilter
    permission_classes = [RolePermission]
    roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "metadata": ALL_ROLES, "resend": BOOKING_ROLES}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PatientEmail.objects.none()
        return self.scope(PatientEmail.objects.order_by("-due_at", "-pk"))

    def filter_queryset(self, queryset):
        # Query parameters filter the list only; an action on one row is never narrowed by them.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        operation_id="reminders_resend",
        summary="Resend a failed email",
        description=(
            "Puts a failed email back in the outbox, due now, with a fresh count of tries; the next sweep (within "
            "a minute) sends it. Before sending it is checked again: an email about a session that was cancelled "
            "or moved meanwhile, or to a patient who withdrew consent, is not sent. Only a failed email can be "
            "resent (409 `reminder_not_resendable` otherwise)."
        ),
        request=None,
        responses={200: ReminderSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_BOOKING, 404: NOT_FOUND,
                   409: NOT_RESENDABLE},
        examples=[_ok("Back in the outbox", {**REMINDER_EXAMPLE, "status": "pending", "attempts": 0, "resends": 1})],
        tags=["reminders"],
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        reminder = self.get_object()
        row = services.email_resend(email=reminder, by=request.user)
        return Response(ReminderSerializer(row, context=self.get_serializer_context()).data)
