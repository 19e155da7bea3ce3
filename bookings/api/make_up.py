"""Make-up sessions in the API: the free times for one, and adding it to a short course.

GET /api/v1/cycles/{id}/make-up/options/ and POST /api/v1/cycles/{id}/make-up/ (bookings.services.make_up).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors, services
from bookings.api.planning import _PLANNED, OptionsQuerySerializer, PlannedSessionSerializer
from bookings.api.serializers import MakeUpSerializer, SessionSerializer
from bookings.api.views import NOT_FOUND, _validation
from bookings.api.views.openapi import CONFLICT_EXAMPLES, RULE_EXAMPLES, SESSION_EXAMPLE
from bookings.models import InfusionSession, TreatmentCycle
from bookings.selectors.proposals import OPTIONS_MAX_DAYS
from common.api import BOOKING_ROLES, ClinicScopedQuerysetMixin, RolePermission
from common.openapi import FORBIDDEN_BOOKING, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors

#: Why a course cannot have a make-up (bookings.selectors.make_up_refusal), as the API answers it.
REFUSAL_EXAMPLES = [
    _example("course_not_short", "The course holds all 6 of its sessions.", {"cycle": 97, "session_count": 6}),
    _example("course_ended", "This course is completed: nothing can be added to it.", {"cycle": 97, "status": "completed"}),
    _example("first_visit_missed", "The course's first visit was missed: cancel the course and book it again rather "
             "than add a session.", {"cycle": 97}),
]
MAKE_UP_REFUSALS = [
    *REFUSAL_EXAMPLES,
    _example("not_missed", "Only a cancelled or missed session can be made up.", {"replaces": 812, "status": "booked"}),
    _example("already_made_up", "That session has been made up already.", {"replaces": 812, "session": 830}),
]
NUMBERING = (
    "**Numbering.** The make-up takes the number of its place in time among the sessions the course keeps; the "
    "kept sessions after it move up to close the gap, so `session k of n` stays the patient's k-th visit and n "
    "the course's target. The missed session keeps its number, status and history (the numbers are unique among "
    "sessions that hold their time). A renumbered session keeps its time, chair, nurse and version."
)


def _cycle(view: ClinicScopedQuerysetMixin, pk: int) -> TreatmentCycle:
    return get_object_or_404(
        view.scope(TreatmentCycle.objects.select_related("clinic", "protocol", "patient").prefetch_related("sessions")),
        pk=pk,
    )


class MakeUpOptionsView(ClinicScopedQuerysetMixin, APIView):
    """GET /api/v1/cycles/{id}/make-up/options/: where a make-up session of this course could go."""

    permission_classes = [RolePermission]
    roles = {"*": BOOKING_ROLES}

    @extend_schema(
        operation_id="cycles_make_up_options",
        tags=["cycles"],
        summary="Next free times for a make-up session",
        description=(
            "Up to `count` (default 5, at most 20) next start times at which a make-up session could be added to "
            "this course (it must be short: `sessions_short` > 0) while the whole course stays valid (spacing, "
            "window, chairs, nurses, the patient's other sessions), earliest first, each numbered as it would be "
            "and with the chair and nurse it would take. Every time offered is one `POST /api/v1/cycles/{id}/"
            "make-up/` accepts, until something else is booked there. A time may fall in the gap a missed "
            f"session left, or after the course's last session. The search covers at most {OPTIONS_MAX_DAYS} "
            "days from today or `from`.\n\n" + NUMBERING + "\n\n"
            "**Refusals.** 409 when the course cannot have one (`course_not_short`, `course_ended`, "
            "`first_visit_missed`), or `make_up_window_closed` when the protocol's spacing and window leave no date "
            "from today on. `[]`: no free time in the dates left."
        ),
        parameters=[OptionsQuerySerializer],
        responses={
            200: PlannedSessionSerializer(many=True),
            400: _errors("Bad input; `details` names the parameter.", _validation("count", "Ensure this value is less than or equal to 20.")),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_BOOKING,
            404: NOT_FOUND,
            409: _errors(
                "The course cannot have a make-up session.", *REFUSAL_EXAMPLES,
                _example("make_up_window_closed", "No date is left on which a make-up keeps the course within its "
                         "spacing and window.", {"cycle": 97}),
            ),
        },
        examples=[OpenApiExample("Options", response_only=True, value=[{**_PLANNED[-1], "sequence": 6}])],
    )
    def get(self, request, pk: int):
        cycle = _cycle(self, pk)
        query = OptionsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        options = selectors.make_up_options(cycle=cycle, count=v["count"], earliest=v.get("from"))
        return Response(PlannedSessionSerializer(options, many=True, context={"tz": cycle.clinic.tz}).data)


class MakeUpView(ClinicScopedQuerysetMixin, APIView):
    """POST /api/v1/cycles/{id}/make-up/: add a make-up session to a short course."""

    permission_classes = [RolePermission]
    roles = {"*": BOOKING_ROLES}

    @extend_schema(
        operation_id="cycles_make_up",
        tags=["cycles"],
        summary="Add a make-up session",
        description=(
            "Adds a session to this course in place of one it lost (`replaces`: a cancelled, late-cancelled or "
            "no-show session of it), when the course is short of its target. The whole course must stay valid, as "
            "in a booking: spacing and window (`spacing_too_close`, `window_exceeded`), opening hours, chairs, "
            "nurses and the patient's other sessions; chair and nurse left out are chosen. The patient is sent "
            "the course's upcoming sessions again with a calendar file, and the new session's reminders.\n\n"
            + NUMBERING
        ),
        request=MakeUpSerializer,
        responses={
            201: SessionSerializer,
            400: _errors(
                "The request is not valid, or breaks a rule of the clinic or protocol.",
                _validation("replaces", "There is no such session in your clinics (id 9)."),
                _example("not_in_course", "That session belongs to another course.", {"replaces": 640}),
                _example("make_up_before_first_visit", "A make-up session comes after the course's first visit.",
                         {"starts_at": "2027-02-26T14:00:00+00:00", "first_visit": 810}),
                *RULE_EXAMPLES,
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN_BOOKING,
            404: NOT_FOUND,
            409: _errors("The course cannot have this make-up, or it clashes with what is booked; nothing was stored.",
                         *MAKE_UP_REFUSALS, *CONFLICT_EXAMPLES),
        },
        examples=[
            OpenApiExample("Session 3 was cancelled", request_only=True, value={"starts_at": "2027-03-15T09:00", "replaces": 812}),
            OpenApiExample("The make-up", response_only=True, value={
                **SESSION_EXAMPLE, "id": 830, "sequence": 6, "status": "booked", "version": 1, "confirmed_at": None,
                "extra_monitoring": False, "starts_at": "2027-03-15T13:00:00Z", "ends_at": "2027-03-15T15:00:00Z",
                "starts_local": "2027-03-15T09:00:00-04:00", "ends_local": "2027-03-15T11:00:00-04:00",
                "made_up_for": 812,
            }),
        ],
    )
    def post(self, request, pk: int):
        cycle = _cycle(self, pk)
        body = MakeUpSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        v = body.validated_data
        made = services.cycle_make_up(
            cycle=cycle, replaces=v["replaces"], starts_at=v["starts_at"], chair=v.get("chair"), nurse=v.get("nurse"),
            by=request.user,
        )
        session = InfusionSession.objects.select_related("clinic", "cycle").get(pk=made.pk)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)
