"""API views of patients: registered and edited by the front desk and admins, read by every role."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins

from audit.mixins import AuditReadMixin
from bookings import selectors
from bookings.api.filters import PatientFilter, documented_parameters
from bookings.api.serializers import DEFAULT_CONSENT_SOURCE, PatientSerializer
from bookings.api.views.base import ScopedViewSet
from bookings.api.views.openapi import NOT_FOUND, _body, _filter_errors, _ok, _validation
from bookings.models import Patient
from bookings.services.patients import patient_create, patient_update
from common import error_codes as codes
from common.access import ALL_ROLES, BOOKING_ROLES
from common.openapi import FORBIDDEN_BOOKING, FORBIDDEN_READ, PAGE_NOT_FOUND, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors

PATIENT_EXAMPLE = {
    "id": 41, "clinic": 1, "first_name": "Jane", "last_name": "Doe", "date_of_birth": "1985-05-17",
    "email": "jane@example.org", "phone": "+1 555 0100", "timezone": "America/New_York", "email_consent": True,
    "email_consent_at": "2027-02-20T16:30:00Z", "email_consent_source": "intake form",
}


PATIENT_ERRORS_WRITE = {400: _errors(
    "A field is not valid; `details` names it (another clinic's id reads as one that does not exist).",
    _validation("clinic", "There is no such clinic in your clinics (id 9)."),
    _validation("timezone", "'Mars/Olympus' is not an IANA time zone name (e.g. America/New_York)."),
)}


@extend_schema_view(
    list=extend_schema(
        operation_id="patients_list",
        summary="List patients",
        description="Patients of your clinics, by last and first name, a page at a time. Filter by home clinic "
        "and search by name, email, phone or date of birth.",
        responses={200: PatientSerializer(many=True), 400: _filter_errors("clinic", "Enter a whole number."),
                   401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: PAGE_NOT_FOUND},
        parameters=documented_parameters(PatientFilter),
        examples=[_ok("A page of patients", PATIENT_EXAMPLE)],
    ),
    retrieve=extend_schema(
        operation_id="patients_retrieve",
        summary="Get a patient",
        description="One patient of your clinics.",
        responses={200: PatientSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("A patient", PATIENT_EXAMPLE)],
    ),
    create=extend_schema(
        operation_id="patients_create",
        summary="Register a patient",
        description="The home clinic must be one of yours. Consent to email (`email_consent: true`) is recorded "
        "with the time now and `email_consent_source` (default \"api\"), and needs an email address. "
        "The time zone defaults to the home clinic's.",
        request=PatientSerializer,
        responses={201: PatientSerializer, **PATIENT_ERRORS_WRITE, 401: UNAUTHENTICATED, 403: FORBIDDEN_BOOKING},
        examples=[
            _body("New patient", {
                "clinic": 1, "first_name": "Jane", "last_name": "Doe", "date_of_birth": "1985-05-17",
                "email": "jane@example.org", "phone": "+1 555 0100", "timezone": "America/New_York",
                "email_consent": True, "email_consent_source": "intake form",
            }),
            _ok("The patient registered", PATIENT_EXAMPLE),
        ],
    ),
    update=extend_schema(
        operation_id="patients_update",
        summary="Replace a patient's details",
        description="Turning `email_consent` on records the time now and the source; turning it off clears both.",
        request=PatientSerializer,
        responses={200: PatientSerializer, **PATIENT_ERRORS_WRITE, 401: UNAUTHENTICATED, 403: FORBIDDEN_BOOKING,
                   404: NOT_FOUND},
        examples=[_ok("The patient updated", PATIENT_EXAMPLE)],
    ),
    partial_update=extend_schema(
        operation_id="patients_partial_update",
        summary="Change some of a patient's details",
        description="Only the fields sent change. Turning `email_consent` on records the time now and the "
        "source; turning it off clears both.",
        responses={200: PatientSerializer, **PATIENT_ERRORS_WRITE, 401: UNAUTHENTICATED, 403: FORBIDDEN_BOOKING,
                   404: NOT_FOUND},
        examples=[_body("Withdraw email consent", {"email_consent": False}), _ok("The patient updated", PATIENT_EXAMPLE)],
    ),
    destroy=extend_schema(
        operation_id="patients_destroy",
        summary="Delete a patient",
        description="Only a patient with no courses can be deleted (a record with treatment history is kept).",
        responses={
            204: OpenApiResponse(description="Deleted."),
            401: UNAUTHENTICATED, 403: FORBIDDEN_BOOKING, 404: NOT_FOUND,
            409: _errors("The patient has courses.", _example(codes.IN_USE, codes.IN_USE_MESSAGE)),
        },
    ),
)
class PatientViewSet(
    AuditReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    mixins.DestroyModelMixin, ScopedViewSet,
):
    """Patients: registered and edited by the front desk and admins, read by clinicians too.

    Every read is in the audit trail: a record retrieved, and each row of a listed page (one insert).
    """

    audit_read_actions = frozenset({"retrieve", "list"})

    serializer_class = PatientSerializer
    filterset_class = PatientFilter
    roles = {
        "list": ALL_ROLES, "retrieve": ALL_ROLES, "metadata": ALL_ROLES,
        "create": BOOKING_ROLES, "update": BOOKING_ROLES, "partial_update": BOOKING_ROLES, "destroy": BOOKING_ROLES,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Patient.objects.none()
        return self.scope(selectors.patient_list())

    def perform_create(self, serializer):
        serializer.instance = patient_create(
            by=self.request.user, default_consent_source=DEFAULT_CONSENT_SOURCE, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = patient_update(
            patient=serializer.instance, by=self.request.user, default_consent_source=DEFAULT_CONSENT_SOURCE,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance):
        # A patient with courses is protected (on_delete=PROTECT): the handler answers 409 in_use.
        with transaction.atomic():
            instance.delete()
