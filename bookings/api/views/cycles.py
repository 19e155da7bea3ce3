"""API views of treatment courses: booked whole (all sessions or none), listed, and cancelled whole."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.mixins import AuditReadMixin
from bookings import selectors, services
from bookings.api.filters import CycleFilter, documented_parameters
from bookings.api.serializers import CycleBookSerializer, CycleCancelSerializer, CycleSerializer
from bookings.api.views.base import ScopedViewSet
from bookings.api.views.openapi import (
    CONFLICT_EXAMPLES,
    NOT_FOUND,
    RULE_EXAMPLES,
    SESSION_EXAMPLE,
    _body,
    _filter_errors,
    _ok,
    _validation,
)
from bookings.models import TreatmentCycle
from common.access import ALL_ROLES, BOOKING_ROLES
from common.openapi import FORBIDDEN_BOOKING, FORBIDDEN_READ, PAGE_NOT_FOUND, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors

BOOK_RULE_EXAMPLES = [
    *RULE_EXAMPLES,
    _example("session_count_mismatch", "This protocol has 6 sessions; 5 were given.", {"expected": 6, "given": 5}),
    _example("protocol_unavailable", "That protocol is not offered at this clinic.", {"protocol": 7}),
    _example("clinic_inactive", "This clinic is not taking bookings."),
    _example("wrong_clinic", "That chair belongs to another clinic.", {"chair": 12}),
]
CYCLE_EXAMPLE = {
    "id": 97, "patient": 41, "protocol": 1, "clinic": 1, "timezone": "America/New_York", "status": "planned",
    "session_count": 6, "version": 1, "needs_review": False, "review_reason": "",
    "created_at": "2027-02-20T16:31:07Z", "ended_at": None, "cancel_reason": "",
    "progress": {"completed": 0, "total": 6, "next_sequence": 1, "label": "session 1 of 6"},
    "warnings": [], "sessions_short": 0,
    "sessions": [
        {**SESSION_EXAMPLE, "id": 810 + k, "sequence": k, "status": "booked", "version": 1, "confirmed_at": None,
         "extra_monitoring": k <= 3, "starts_at": f"2027-03-{day:02d}T14:00:00Z",
         "ends_at": f"2027-03-{day:02d}T{'16:30' if k == 1 else '16:00'}:00Z",
         "starts_local": f"2027-03-{day:02d}T09:00:00-05:00",
         "ends_local": f"2027-03-{day:02d}T{'11:30' if k == 1 else '11:00'}:00-05:00"}
        for k, day in enumerate([1, 3, 5, 8, 10, 12], start=1)
    ],
}
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
