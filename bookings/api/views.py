"""The booking API's views: parse the request, call one service or selector, serialize the answer.

Writes to courses and sessions go through bookings.services (atomic, locked, re-checked); their
refusals are ApplicationErrors that common.api.exception_handler turns into {"code", "message",
"details"} with 400 or 409. Every queryset is scoped to the user's clinics: another clinic's object is 404.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.mixins import AuditReadMixin
from bookings import selectors, services
from bookings.api.emails import ReminderSerializer
from bookings.api.filters import CycleFilter, PatientFilter, SessionFilter, documented_parameters
from bookings.api.serializers import (
    CancelSerializer,
    CycleBookSerializer,
    CycleCancelSerializer,
    CycleSerializer,
    PatientSerializer,
    RescheduledSerializer,
    RescheduleSerializer,
    SessionSerializer,
)
from bookings.models import InfusionSession, Patient, TreatmentCycle, transition_refusal
from bookings.selectors import emails_for_sessions
from common.api import (
    ADMIN,
    ALL_ROLES,
    BOOKING_ROLES,
    CLINICIAN,
    ClinicScopedQuerysetMixin,
    RolePermission,
)
from common.openapi import FORBIDDEN_BOOKING, FORBIDDEN_READ, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors

#: Who runs the infusion itself: the front desk books and checks in, it does not start or finish sessions.
INFUSION_ROLES = frozenset({ADMIN, CLINICIAN})

# --- OpenAPI: the errors each operation can answer, with examples ----------------------------------


def _validation(field: str, message: str) -> OpenApiExample:
    return _example(
        "validation_error", f"The request is not valid: {field}: {message}", {field: [message]}, name="validation_error"
    )


FORBIDDEN_INFUSION = _errors(
    "Your role may not do this (admin or clinician may).",
    _example("permission_denied", "This needs one of the roles: admin, clinician."),
)
NOT_FOUND = _errors(
    "No such object in your clinics (another clinic's objects are not found either).",
    _example("not_found", "No InfusionSession matches the given query.", name="not_found"),
)
PAGE_NOT_FOUND = _errors("The page is past the last one.", _example("not_found", "Invalid page."))


def _filter_errors(field: str, message: str) -> OpenApiResponse:
    return _errors("A query parameter is not valid; `details` names it.", _validation(field, message))


# Domain refusals (bookings.error_codes, scheduler.error_codes).
RULE_EXAMPLES = [
    _example("outside_hours", "Session 2: Wed 2027-03-03 17:00–19:00 is not inside the clinic's opening hours.",
             {"starts_at": "2027-03-03T22:00:00+00:00", "ends_at": "2027-03-04T00:00:00+00:00", "sequence": 2}),
    _example("clinic_closed", "Session 4: The clinic is closed from Mon 2027-03-08 00:00 to Tue 2027-03-09 00:00.",
             {"closed_from": "2027-03-08T05:00:00+00:00", "closed_until": "2027-03-09T05:00:00+00:00", "sequence": 4}),
    _example("spacing_too_close", "Sessions 1 and 2 are 24.0 h apart; the protocol needs at least 40.0 h.",
             {"sequences": [1, 2], "gap_hours": 24.0, "min_gap_hours": 40.0}),
    _example("spacing_too_far", "Sessions 3 and 4 are 9 days apart; the protocol allows at most 8.",
             {"sequences": [3, 4], "gap_days": 9, "max_gap_days": 8}),
    _example("window_exceeded", "The course would take 15 days; the protocol fits it within 14.",
             {"span_days": 15, "window_days": 14}),
    _example("nonexistent_local_time", "2027-03-14 02:30 does not exist in America/New_York: the clocks skip that hour.",
             {"local_time": "2027-03-14T02:30:00", "timezone": "America/New_York"}),
    _example("in_past", "Session 1 would start in the past.", {"starts_at": "2027-02-26T14:00:00+00:00", "sequence": 1}),
]
BOOK_RULE_EXAMPLES = [
    *RULE_EXAMPLES,
    _example("session_count_mismatch", "This protocol has 6 sessions; 5 were given.", {"expected": 6, "given": 5}),
    _example("protocol_unavailable", "That protocol is not offered at this clinic.", {"protocol": 7}),
    _example("clinic_inactive", "This clinic is not taking bookings."),
    _example("wrong_clinic", "That chair belongs to another clinic.", {"chair": 12}),
]
CONFLICT_EXAMPLES = [
    _example("chair_conflict", "Session 5: That chair is already taken at this time.",
             {"chair": 3, "session": 812, "sequence": 5}),
    _example("patient_conflict", "Session 2: The patient already has a session at this time.",
             {"patient": 41, "session": 790, "sequence": 2}),
    _example("nurse_capacity", "Session 1: The nurse would watch 4 patients at once; the clinic allows 3.",
             {"nurse": 2, "at": "2027-03-02T15:00:00+00:00", "sessions": [801, 802, 803], "sequence": 1}),
    _example("stagger", "Session 1: The nurse already starts another infusion within 15 minutes of this one.",
             {"nurse": 2, "session": 801, "stagger_minutes": 15, "sequence": 1}),
    _example("nurse_unavailable", "Session 3: The nurse has time off then.", {"nurse": 2, "reason": "time_off", "sequence": 3}),
    _example("busy", "Another booking was being saved at the same moment; please try again."),
]


def _invalid_transition(status_: str, action_: str, label: str) -> OpenApiExample:
    return _example(
        "invalid_transition", transition_refusal(label, action_),
        {"session": 812, "status": status_, "action": action_},
    )


# Request and response examples.
SESSION_EXAMPLE = {
    "id": 812, "cycle": 97, "patient": 41, "clinic": 1, "chair": 3, "nurse": 2, "sequence": 2, "session_count": 6,
    "starts_at": "2027-03-03T14:00:00Z", "ends_at": "2027-03-03T16:00:00Z",
    "starts_local": "2027-03-03T09:00:00-05:00", "ends_local": "2027-03-03T11:00:00-05:00",
    "timezone": "America/New_York", "status": "confirmed", "version": 2, "extra_monitoring": True,
    "booked_at": "2027-02-20T16:31:07Z", "confirmed_at": "2027-03-01T18:02:44Z", "checked_in_at": None,
    "chair_started_at": None, "completed_at": None, "cancelled_at": None, "cancelled_by_party": "",
    "cancel_reason": "", "no_show_at": None,
}
CYCLE_EXAMPLE = {
    "id": 97, "patient": 41, "protocol": 1, "clinic": 1, "timezone": "America/New_York", "status": "planned",
    "session_count": 6, "version": 1, "needs_review": False, "review_reason": "",
    "created_at": "2027-02-20T16:31:07Z", "ended_at": None, "cancel_reason": "",
    "progress": {"completed": 0, "total": 6, "next_sequence": 1, "label": "session 1 of 6"},
    "warnings": [],
    "sessions": [
        {**SESSION_EXAMPLE, "id": 810 + k, "sequence": k, "status": "booked", "version": 1, "confirmed_at": None,
         "extra_monitoring": k <= 3, "starts_at": f"2027-03-{day:02d}T14:00:00Z",
         "ends_at": f"2027-03-{day:02d}T{'16:30' if k == 1 else '16:00'}:00Z",
         "starts_local": f"2027-03-{day:02d}T09:00:00-05:00",
         "ends_local": f"2027-03-{day:02d}T{'11:30' if k == 1 else '11:00'}:00-05:00"}
        for k, day in enumerate([1, 3, 5, 8, 10, 12], start=1)
    ],
}
PATIENT_EXAMPLE = {
    "id": 41, "clinic": 1, "first_name": "Jane", "last_name": "Doe", "date_of_birth": "1985-05-17",
    "email": "jane@example.org", "phone": "+1 555 0100", "timezone": "America/New_York", "email_consent": True,
    "email_consent_at": "2027-02-20T16:30:00Z", "email_consent_source": "intake form",
}


def _ok(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


def _body(name: str, value, summary: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True, summary=summary or name)


# --- Shared view behaviour -----------------------------------------------------------------------


class ScopedViewSet(ClinicScopedQuerysetMixin, viewsets.GenericViewSet):
    permission_classes = [RolePermission]

    def filter_queryset(self, queryset):
        # Query parameters filter lists only; an action on one object is never narrowed by them.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def parse(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


# --- Patients ------------------------------------------------------------------------------------

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
            409: _errors("The patient has courses.", _example(
                "in_use", "This record is still referred to by other records and cannot be deleted.")),
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
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        # A patient with courses is protected (on_delete=PROTECT): the handler answers 409 in_use.
        with transaction.atomic():
            instance.delete()


# --- Cycles --------------------------------------------------------------------------------------

BOOK_REQUEST = {
    "patient": 41, "protocol": 1, "clinic": 1,
    "sessions": [
        {"starts_at": "2027-03-01T09:00"}, {"starts_at": "2027-03-03T09:00", "chair": 3},
        {"starts_at": "2027-03-05T09:00"}, {"starts_at": "2027-03-08T09:00"},
        {"starts_at": "2027-03-10T14:00:00Z", "chair": 3, "nurse": 2}, {"starts_at": "2027-03-12T09:00"},
    ],
}


@extend_schema_view(
    list=extend_schema(
        operation_id="cycles_list",
        summary="List courses",
        description="Treatment courses of your clinics, newest first, each with its sessions and progress.",
        responses={200: CycleSerializer(many=True), 400: _filter_errors("status", "Select a valid choice. done is not one of the available choices."),
                   401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: PAGE_NOT_FOUND},
        parameters=documented_parameters(CycleFilter),
        examples=[_ok("A page of courses", CYCLE_EXAMPLE)],
    ),
    retrieve=extend_schema(
        operation_id="cycles_retrieve",
        summary="Get a course",
        description="One course with its sessions in order and its progress (`session k of n`: k the session the patient is at).",
        responses={200: CycleSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("A course", CYCLE_EXAMPLE)],
    ),
)
class CycleViewSet(AuditReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Treatment courses: booked whole, all sessions or none, and cancelled whole."""

    audit_patient_attr = "patient_id"

    serializer_class = CycleSerializer
    filterset_class = CycleFilter
    roles = {
        "list": ALL_ROLES, "retrieve": ALL_ROLES, "metadata": ALL_ROLES,
        "create": BOOKING_ROLES, "cancel": BOOKING_ROLES,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TreatmentCycle.objects.none()
        return self.scope(selectors.cycle_list())

    def _answer(self, cycle_id: int, *, http_status=status.HTTP_200_OK, warnings=()) -> Response:
        cycle = selectors.cycle_list().get(pk=cycle_id)
        context = {**self.get_serializer_context(), "warnings": warnings}
        return Response(CycleSerializer(cycle, context=context).data, status=http_status)

    @extend_schema(
        operation_id="cycles_create",
        summary="Book a course",
        description=(
            "Books every session of the protocol at once: all or nothing. Give one entry per session (in any "
            "order; they are numbered by time). `starts_at` with an offset is an instant; without one it is a "
            "wall-clock time in the clinic's zone. Chairs and nurses left out are chosen by the system. The "
            "answer is the course with its sessions and any warnings (e.g. `window_warning`). A rule broken by "
            "the request itself is a 400; a clash with what is already booked is a 409 naming the session or "
            "resource in the way (`details.session`, `details.chair`, `details.nurse`) and the sequence number "
            "of the session asked for."
        ),
        request=CycleBookSerializer,
        responses={
            201: CycleSerializer,
            400: _errors(
                "The request is not valid (`validation_error`, fields in `details`) or breaks a rule of the "
                "clinic or protocol.",
                _validation("patient", "There is no such patient in your clinics (id 9)."),
                *BOOK_RULE_EXAMPLES,
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_BOOKING,
            409: _errors("The sessions clash with what is already booked; nothing was stored.", *CONFLICT_EXAMPLES),
        },
        examples=[
            _body("Depression induction, six sessions", BOOK_REQUEST,
                  "Naive times are clinic time; chair and nurse optional."),
            _ok("The course booked", {**CYCLE_EXAMPLE, "warnings": [
                {"code": "window_warning", "message": "The course takes 29 days, longer than the 28 days advised.",
                 "details": {"span_days": 29, "warn_window_days": 28}}]}),
        ],
    )
    def create(self, request, *args, **kwargs):
        params = self.parse(CycleBookSerializer)
        booked = services.cycle_book(
            patient=params["patient"],
            protocol=params["protocol"],
            clinic=params["clinic"],
            sessions=[
                services.SessionRequest(s["starts_at"], chair=s.get("chair"), nurse=s.get("nurse"))
                for s in params["sessions"]
            ],
            by=request.user,
        )
        return self._answer(booked.cycle.pk, http_status=status.HTTP_201_CREATED, warnings=booked.warnings)

    @extend_schema(
        operation_id="cycles_cancel",
        summary="Cancel a course",
        description=(
            "Ends the course: its upcoming sessions are cancelled (late-cancelled inside the clinic's cutoff). "
            "A course with a session done becomes `abandoned`, else `cancelled`. Refused while a session is "
            "under way."
        ),
        request=CycleCancelSerializer,
        responses={
            200: CycleSerializer,
            400: _errors("The request is not valid.", _validation("reason", "This field is required.")),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_BOOKING,
            404: NOT_FOUND,
            409: _errors(
                "The course has ended already, or a session is under way.",
                _example("invalid_transition", "A cancelled course cannot be cancelled.",
                         {"cycle": 97, "status": "cancelled", "action": "cancel"}),
                _example("session_in_progress", "A session of this course is under way; finish it first.",
                         {"sessions": [812]}),
            ),
        },
        examples=[
            _body("Patient withdrew", {"reason": "Moved away", "by": "patient"}),
            _ok("The course cancelled", {**CYCLE_EXAMPLE, "status": "cancelled", "cancel_reason": "Moved away",
                                         "progress": {"completed": 0, "total": 6, "next_sequence": None,
                                                      "label": "session 1 of 6"}}),
        ],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        cycle = self.get_object()
        params = self.parse(CycleCancelSerializer)
        services.cycle_cancel(cycle=cycle, reason=params["reason"], by_party=params["by"], by=request.user)
        return self._answer(cycle.pk)


# --- Sessions ------------------------------------------------------------------------------------


def _session_action(operation_id: str, summary: str, description: str, roles_error, conflicts: list, **extra):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        request=extra.pop("request", None),
        responses={
            200: extra.pop("response", SessionSerializer),
            **extra.pop("bad_request", {}),
            401: UNAUTHENTICATED,
            403: roles_error,
            404: NOT_FOUND,
            409: _errors("The session is not in a state that allows this.", *conflicts),
        },
        examples=extra.pop("examples", [_ok("The session", SESSION_EXAMPLE)]),
        **extra,
    )


@extend_schema_view(
    list=extend_schema(
        operation_id="sessions_list",
        summary="List sessions",
        description=(
            "Sessions of your clinics by start time. `date` is a day in each session's clinic time zone; "
            "`from`/`to` take an instant, a wall-clock time (clinic time) or a date; `status` takes several "
            "values separated by commas."
        ),
        responses={200: SessionSerializer(many=True), 400: _filter_errors("date", "Enter a valid date."),
                   401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: PAGE_NOT_FOUND},
        parameters=documented_parameters(SessionFilter),
        examples=[_ok("A page of sessions", SESSION_EXAMPLE)],
    ),
    retrieve=extend_schema(
        operation_id="sessions_retrieve",
        summary="Get a session",
        description="One session of your clinics with every transition's time.",
        responses={200: SessionSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("A session", SESSION_EXAMPLE)],
    ),
)
class SessionViewSet(AuditReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Infusion sessions: moved and cancelled by the desk, run through their day by staff.

    booked → confirmed → checked_in → in_chair → completed; or cancelled / late_cancelled / no_show.
    """

    audit_patient_attr = "patient_id"
    # The emails sent about a session are the patient's data as much as the session itself.
    audit_read_actions = frozenset({"retrieve", "reminders"})

    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    roles = {
        "list": ALL_ROLES, "retrieve": ALL_ROLES, "metadata": ALL_ROLES, "reminders": ALL_ROLES,
        "reschedule": BOOKING_ROLES, "cancel": BOOKING_ROLES, "confirm": BOOKING_ROLES,
        "check_in": BOOKING_ROLES, "no_show": BOOKING_ROLES,
        "start": INFUSION_ROLES, "complete": INFUSION_ROLES,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InfusionSession.objects.none()
        return self.scope(selectors.session_list())

    def _answer(self, session_id: int) -> Response:
        session = selectors.session_list().get(pk=session_id)
        return Response(SessionSerializer(session, context=self.get_serializer_context()).data)

    def _transition(self, service) -> Response:
        session = self.get_object()
        service(session=session, by=self.request.user)
        return self._answer(session.pk)

    @_session_action(
        "sessions_reschedule",
        "Move a session",
        "Moves this session (`scope: this`), or it and every later upcoming session of the course by the same "
        "wall-clock offset (`scope: following`). `starts_at` without an offset is clinic time. Moved sessions "
        "keep their chair and nurse where still free, else the system chooses; a confirmed session goes back to "
        "`booked`. All move or none. The answer holds the session and every session moved.",
        FORBIDDEN_BOOKING,
        [*CONFLICT_EXAMPLES, _invalid_transition("completed", "move", "completed")],
        request=RescheduleSerializer,
        response=RescheduledSerializer,
        bad_request={400: _errors(
            "The request is not valid, or the new time breaks a rule.",
            _validation("starts_at", "Enter a date and time in ISO 8601: 2027-03-02T09:00 (clinic time) or "
                                     "2027-03-02T14:00:00Z (an instant)."),
            *RULE_EXAMPLES,
            _example("wrong_clinic", "That chair belongs to another clinic.", {"chair": 12}),
        )},
        examples=[
            _body("Move this one to 13:00 clinic time", {"starts_at": "2027-03-03T13:00", "scope": "this"}),
            _body("Move it and the later ones by a week", {"starts_at": "2027-03-10T09:00", "scope": "following"}),
            _ok("Moved", {"session": {**SESSION_EXAMPLE, "status": "booked", "version": 3},
                          "moved": [{**SESSION_EXAMPLE, "status": "booked", "version": 3}]}),
        ],
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        session = self.get_object()
        params = self.parse(RescheduleSerializer)
        moved = services.session_reschedule(
            session=session, starts_at=params["starts_at"], chair=params.get("chair"), nurse=params.get("nurse"),
            scope=params["scope"], by=request.user,
        )
        ids = [s.pk for s in moved]
        rows = {s.pk: s for s in selectors.session_list().filter(pk__in=ids)}
        context = self.get_serializer_context()
        return Response(
            RescheduledSerializer({"session": rows[session.pk], "moved": [rows[i] for i in ids]}, context=context).data
        )

    @_session_action(
        "sessions_cancel",
        "Cancel a session",
        "Cancels one upcoming session, saying why and who asked. Inside the clinic's cutoff (default 24 h) it is "
        "recorded as `late_cancelled`. A patient cancelling session 2 or 3 flags the course for review.",
        FORBIDDEN_BOOKING,
        [_invalid_transition("completed", "cancel", "completed")],
        request=CancelSerializer,
        bad_request={400: _errors("The request is not valid.", _validation("by", "\"robot\" is not a valid choice."))},
        examples=[_body("Patient is unwell", {"reason": "Unwell", "by": "patient"}),
                  _ok("The session", {**SESSION_EXAMPLE, "status": "cancelled"})],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        session = self.get_object()
        params = self.parse(CancelSerializer)
        services.session_cancel(session=session, by_party=params["by"], reason=params["reason"], by=request.user)
        return self._answer(session.pk)

    @_session_action(
        "sessions_confirm",
        "Confirm a session",
        "The patient confirmed they are coming. Confirming a confirmed session changes nothing.",
        FORBIDDEN_BOOKING,
        [_invalid_transition("cancelled", "confirm", "cancelled")],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._transition(services.session_confirm)

    @_session_action(
        "sessions_check_in",
        "Check a patient in",
        "The patient has arrived: allowed on the session's own day (clinic time).",
        FORBIDDEN_BOOKING,
        [_invalid_transition("cancelled", "check_in", "cancelled"),
         _example("not_today", "A patient can be checked in only on the day of the session.",
                  {"session": 812, "starts_at": "2027-03-03T14:00:00+00:00"})],
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return self._transition(services.session_check_in)

    @_session_action(
        "sessions_start",
        "Start a session",
        "The checked-in patient is in the chair. For clinicians and admins.",
        FORBIDDEN_INFUSION,
        [_invalid_transition("booked", "start", "booked")],
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(services.session_start)

    @_session_action(
        "sessions_complete",
        "Complete a session",
        "The infusion and recovery are done. The course becomes active, is flagged for review after its "
        "review session, or completes with its last session. For clinicians and admins.",
        FORBIDDEN_INFUSION,
        [_invalid_transition("checked_in", "complete", "checked in")],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._transition(services.session_complete)

    @_session_action(
        "sessions_no_show",
        "Record a no-show",
        "The patient did not come: allowed from the clinic's no-show minutes (default 15) after the start. "
        "A miss at session 2 or 3 flags the course for review.",
        FORBIDDEN_BOOKING,
        [_invalid_transition("completed", "no_show", "completed"),
         _example("too_early_for_no_show", "A no-show can be recorded from 15 minutes after the start.",
                  {"session": 812, "allowed_from": "2027-03-03T14:15:00+00:00"})],
    )
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        return self._transition(services.session_no_show)

    @extend_schema(
        operation_id="sessions_reminders",
        summary="List a session's emails",
        description=(
            "Every email written for this session, whatever its status (pending, sending, sent, failed, "
            "cancelled, skipped), by due time: its reminders, change notices, and the course's confirmation when "
            "this is the course's first session. Not paginated: a session has a handful. A failed one can be "
            "resent with `POST /api/v1/reminders/{id}/resend/`."
        ),
        request=None,
        responses={200: ReminderSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        # One row: the schema wraps a list's example in the list.
        examples=[_ok("A session's emails", {
            "id": 5010, "session": 812, "cycle": 97, "patient": 41, "clinic": 1, "kind": "reminder_72h",
            "session_version": 1, "due_at": "2027-02-28T14:00:00Z", "send_after": "2027-02-28T14:00:00Z",
            "status": "sent", "status_reason": "", "attempts": 1, "last_error": "",
            "sent_at": "2027-02-28T14:00:03Z", "message_id": "<reminder.5010.0@clinic.example>", "resends": 0,
            "created_at": "2027-02-20T16:31:07Z",
        })],
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def reminders(self, request, pk=None):
        session = self.get_object()
        rows = emails_for_sessions(session_ids=[session.pk])
        return Response(ReminderSerializer(rows, many=True, context=self.get_serializer_context()).data)
