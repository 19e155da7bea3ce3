"""The safety checks' API: GET and POST /api/v1/sessions/{id}/checks/, POST /api/v1/sessions/{id}/recovery-check/.

Clinicians and admins record and read values; the front desk reads the state alone. Sessions are scoped to the
user's clinics (another clinic's is a 404). Every answer is in the audit trail: an ACCESS entry for each row whose
values it hands out, or for the session when it hands out none.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.records import record_access
from bookings.models import InfusionSession
from common.access import ALL_ROLES, INFUSION_ROLES, user_roles
from common.api import ClinicScopedQuerysetMixin, RolePermission
from common.openapi import FORBIDDEN_READ, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors
from safety import services
from safety.api.serializers import (
    ChecksRecordSerializer,
    RecoveryRecordSerializer,
    SessionChecksSerializer,
    checks_data,
    rows_shown,
)
from safety.selectors import ChecksStatus, checks_status

NOT_FOUND = _errors("No such session in your clinics.", _example("not_found", "No InfusionSession matches the given query."))
FORBIDDEN_INFUSION = _errors("Your role may not do this (admin or clinician may).",
                             _example("permission_denied", "This needs one of the roles: admin, clinician."))
ENTRY = {"id": 501, "kind": "blood_pressure", "version": 1, "session": 812, "systolic": 150, "diastolic": 95,
         "value": None, "confirmed": None, "answer": "", "flagged": True, "recorded_at": "2027-03-03T13:52:00Z",
         "recorded_by": 7}
CHECKS_EXAMPLE = {
    "session": 812, "required": True, "extra_monitoring": True, "state": "flagged", "recovery_state": "pending",
    "pending": [], "flagged": ["blood_pressure"],
    "items": [{"kind": "blood_pressure", "status": "flagged", "entry": ENTRY}], "entries": [ENTRY],
    "override": None, "recovery": None, "recovery_override": None,
}
DESK_EXAMPLE = {**CHECKS_EXAMPLE, "state": "pending", "pending": None, "flagged": None, "items": None, "entries": None}
BAD_VALUES = _errors(
    "A value no patient can have, or nothing to record; `code` names the check.",
    _example("blood_pressure_out_of_range", "The systolic pressure must be between 50 and 300 mmHg.",
             {"value": "400", "min": "50", "max": "300"}, name="blood_pressure_out_of_range"),
    _example("blood_pressure_incomplete", "Give both the systolic and the diastolic pressure.",
             name="blood_pressure_incomplete"),
    _example("override_reason_required", "An override needs a reason.", name="override_reason_required"),
    _example("nothing_to_record", "Give at least one check's value, or an override with its reason.",
             name="nothing_to_record"),
    _example("validation_error", "The request is not valid: heart_rate: A valid integer is required.",
             {"heart_rate": ["A valid integer is required."]}, name="validation_error"),
)
OVERRIDE_FORBIDDEN = _errors(
    "Your role may not record checks, or may not override them (clinicians only).",
    _example("permission_denied", "This needs one of the roles: admin, clinician.", name="permission_denied"),
    _example("override_not_allowed", "Only a clinician may override the safety checks.", name="override_not_allowed"),
)


def _ok(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


class _SessionChecksView(ClinicScopedQuerysetMixin, APIView):
    permission_classes = [RolePermission]

    def _session(self, pk: int) -> InfusionSession:
        sessions = InfusionSession.objects.select_related("cycle__protocol", "clinic")
        return get_object_or_404(self.scope(sessions), pk=pk)

    def _answer(self, status: ChecksStatus) -> Response:
        values = bool(user_roles(self.request.user) & INFUSION_ROLES)
        shown = rows_shown(status) if values else []
        session = status.session
        record_access(shown or [session], request=self.request, patient_of=lambda row: row.patient_id,
                      clinic_of=lambda row: row.clinic_id)
        return Response(checks_data(status, values=values))


class ChecksView(_SessionChecksView):
    roles = {"list": ALL_ROLES, "post": INFUSION_ROLES}

    @extend_schema(
        operation_id="sessions_checks", tags=["sessions"], summary="Get a session's safety checks",
        description="Each check the session's protocol asks for (blood pressure, heart rate, oxygen saturation, "
        "weight for dosing, pregnancy attestation, fasting, escort home) with its latest entry and status: `passed`, "
        "`flagged` (outside the clinic's thresholds, e.g. blood pressure above 140/90), `missing`, or `stale` (a "
        "weight or pregnancy attestation older than the clinic's limit); the overrides and the recovery check. "
        "Clinicians and admins see values; the front desk sees `state` and `recovery_state` alone (`pending` "
        "until they pass), the other fields null. Every read is in the audit trail.",
        responses={200: SessionChecksSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("A clinician's view", CHECKS_EXAMPLE), _ok("The front desk's view", DESK_EXAMPLE)],
    )
    def get(self, request, pk: int):
        return self._answer(checks_status(session=self._session(pk)))

    @extend_schema(
        operation_id="sessions_checks_record", tags=["sessions"], summary="Record safety checks",
        description="Records the checks given (each a new version of its check: a correction never overwrites) "
        "for a checked-in session. With `override_reason`, a clinician lets the session start despite what is "
        "still pending or flagged after them; a later entry for an overridden check needs a new override. Until "
        "the checks pass or are overridden, `POST /api/v1/sessions/{id}/start/` answers 409 `checks_pending`.",
        request=ChecksRecordSerializer,
        responses={200: SessionChecksSerializer, 400: BAD_VALUES, 401: UNAUTHENTICATED, 403: OVERRIDE_FORBIDDEN,
                   404: NOT_FOUND,
                   409: _errors("Not now: the session is not checked in, or nothing is left to override.",
                                _example("checks_closed", "Safety checks are recorded once the patient is checked "
                                         "in and before the session starts.", {"session": 812, "status": "booked"},
                                         name="checks_closed"),
                                _example("nothing_to_override", "Nothing is pending or flagged: there is nothing "
                                         "to override.", {"session": 812, "state": "passed"}, name="nothing_to_override"))},
        examples=[
            OpenApiExample("Vitals and attestations", request_only=True, value={
                "systolic": 150, "diastolic": 95, "heart_rate": 78, "oxygen_saturation": 98, "weight_kg": 72.5,
                "pregnancy": "not_applicable", "fasting": True, "escort": True}),
            OpenApiExample("A clinician's override", request_only=True,
                           value={"override_reason": "Anxious on arrival; rechecked at 138/88 by hand."}),
            _ok("The checks", CHECKS_EXAMPLE),
        ],
    )
    def post(self, request, pk: int):
        session = self._session(pk)
        body = ChecksRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        status = services.checks_record(session=session, by=request.user, vitals=body.vitals(),
                                        override_reason=body.validated_data.get("override_reason"))
        return self._answer(status)


class RecoveryCheckView(_SessionChecksView):
    roles = {"post": INFUSION_ROLES}

    @extend_schema(
        operation_id="sessions_recovery_check", tags=["sessions"], summary="Record the recovery check",
        description="Before discharge, while the patient is in the chair: blood pressure again, alert and "
        "oriented, escort present (all four fields), with the time in the chair recorded. A flagged check (blood "
        "pressure above the clinic's limit, not alert and oriented, no escort) needs a corrected check or a "
        "clinician's `override_reason` (alone in the body, or with the values). Until then `POST /api/v1/sessions/"
        "{id}/complete/` answers 409 `recovery_check_pending`.",
        request=RecoveryRecordSerializer,
        responses={200: SessionChecksSerializer, 400: BAD_VALUES, 401: UNAUTHENTICATED, 403: OVERRIDE_FORBIDDEN,
                   404: NOT_FOUND,
                   409: _errors("Not now: the session is not in the chair, or nothing is left to override.",
                                _example("recovery_check_closed", "The recovery check is recorded while the patient "
                                         "is in the chair.", {"session": 812, "status": "checked_in"},
                                         name="recovery_check_closed"),
                                _example("nothing_to_override", "The recovery check flags nothing to override (or "
                                         "has not been recorded).", {"session": 812, "state": "passed"},
                                         name="nothing_to_override"))},
        examples=[
            OpenApiExample("The recovery check", request_only=True, value={
                "systolic": 132, "diastolic": 84, "alert_and_oriented": True, "escort_present": True}),
            _ok("The checks", {**CHECKS_EXAMPLE, "state": "overridden", "flagged": [], "recovery_state": "passed",
                               "recovery": {"id": 90, "version": 1, "systolic": 132, "diastolic": 84,
                                            "alert_and_oriented": True, "escort_present": True, "chair_minutes": 118,
                                            "flagged": False, "recorded_at": "2027-03-03T15:50:00Z",
                                            "recorded_by": 7}}),
        ],
    )
    def post(self, request, pk: int):
        session = self._session(pk)
        body = RecoveryRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        status = services.recovery_record(session=session, by=request.user, **body.validated_data)
        return self._answer(status)
