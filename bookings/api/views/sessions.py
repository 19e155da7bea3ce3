"""API views of infusion sessions: listed, moved and cancelled by the desk, run through their day by staff."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.mixins import AuditReadMixin
from bookings import selectors, services
from bookings.api.emails import ReminderSerializer
from bookings.api.filters import SessionFilter, documented_parameters
from bookings.api.serializers import (
    CancelSerializer,
    CompleteSerializer,
    RescheduledSerializer,
    RescheduleSerializer,
    SessionSerializer,
)
from bookings.api.views.base import ScopedViewSet
from bookings.api.views.openapi import (
    CONFLICT_EXAMPLES,
    FORBIDDEN_INFUSION,
    NOT_FOUND,
    RULE_EXAMPLES,
    SESSION_EXAMPLE,
    _body,
    _filter_errors,
    _ok,
    _validation,
)
from bookings.models import InfusionSession, transition_refusal
from bookings.selectors import emails_for_sessions
from common.access import ALL_ROLES, BOOKING_ROLES, INFUSION_ROLES
from common.openapi import FORBIDDEN_BOOKING, FORBIDDEN_READ, PAGE_NOT_FOUND, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors


def _invalid_transition(status_: str, action_: str, label: str) -> OpenApiExample:
    return _example(
        "invalid_transition", transition_refusal(label, action_),
        {"session": 812, "status": status_, "action": action_},
    )


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
        "review session, or completes with its last session. Before the protocol's chair time for the session "
        "(its `chair_minutes`, the first visit's longer) has passed since `chair_started_at`, a `reason` is "
        "needed: it is kept as `early_completion_reason` and in the session's history; without one the answer "
        "is 409 `too_early_to_complete`, whose details give `earliest_at`. The body may be empty otherwise. "
        "For clinicians and admins.",
        FORBIDDEN_INFUSION,
        [_invalid_transition("checked_in", "complete", "checked in"),
         _example("too_early_to_complete",
                  "This session holds the chair for 120 minutes; say why it is completed before 11:00.",
                  {"session": 812, "earliest_at": "2027-03-03T16:00:00+00:00", "chair_minutes": 120})],
        request=CompleteSerializer,
        bad_request={400: _errors("The request is not valid.",
                                  _validation("reason", "Ensure this field has no more than 300 characters."))},
        examples=[_body("Completed early, with the reason", {"reason": "Patient felt unwell; the clinician ended the infusion."}),
                  _ok("The session", {**SESSION_EXAMPLE, "status": "completed"})],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        session = self.get_object()
        params = self.parse(CompleteSerializer)
        services.session_complete(session=session, by=request.user, reason=params.get("reason", ""))
        return self._answer(session.pk)

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
