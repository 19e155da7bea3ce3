"""The outcomes API: instruments; a session's answers (clinicians and admins) and its forms done or missing (every
staff role); a course's scores; urgent flags and their acknowledgement; a course review's decision.

Answers and scores are for clinicians and admins only; the front desk sees whether a form is done. Every answer
or score handed out is an ACCESS entry in the audit trail; every write is audited by its service.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.records import record_access
from bookings.models import InfusionSession, TreatmentCycle
from common.access import ALL_ROLES, INFUSION_ROLES
from common.api import ClinicScopedQuerysetMixin, Pagination, RolePermission
from common.openapi import FORBIDDEN_READ, PAGE_NOT_FOUND, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors
from outcomes import selectors, services
from outcomes.api.serializers import (
    CourseReviewDecisionSerializer,
    CourseReviewSerializer,
    InstrumentSerializer,
    MeasureCreateSerializer,
    MeasureScoreSerializer,
    MeasureSeriesSerializer,
    SessionFormSerializer,
    UrgentFlagSerializer,
)
from outcomes.models import Source, UrgentFlag

FORBIDDEN_CLINICAL = _errors("Your role may not do this (admin or clinician may).",
                             _example("permission_denied", "This needs one of the roles: admin, clinician."))
NOT_FOUND = _errors("No such object in your clinics.", _example("not_found", "No such resource."))
ANSWERS_INVALID = _errors(
    "The answers do not fit the instrument, or the instrument is not one this course asks for.",
    _example("answer_count_wrong", "PHQ-9 has 9 items; 8 answers were given.", {"expected": 9, "given": 8}),
    _example("answer_out_of_range", "Item 4: each answer is a whole number from 0 to 3.", {"item": 4, "min": 0, "max": 3}),
    _example("answers_not_a_list", "Give the answers as a list, one per item, in order."),
    _example("instrument_unknown", "No instrument is called 'phq8'; known: gad7, pain, pcl5, phq9.",
             {"known": ["gad7", "pain", "pcl5", "phq9"]}),
    _example("instrument_not_asked", "This session's course does not ask for GAD-7.", {"asked": ["phq9"]}),
)
SCORE_EXAMPLE = {
    "measure": 31, "session": 812, "sequence": 3, "instrument": "phq9", "version": 1, "source": "clinician",
    "answers": [1, 1, 1, 1, 1, 1, 1, 1, 1], "answered_at": "2027-03-05T13:40:00Z", "total": 9, "band": "mild",
    "band_label": "Mild", "baseline": 19, "change_from_baseline": -10, "response": True, "remission": False,
    "flags": [{"id": 4, "session": 812, "patient": 41, "item": 9, "raised_at": "2027-03-05T13:40:00Z",
               "acknowledged_at": None, "acknowledged_by": None, "note": ""}],
}
FLAG_EXAMPLE = SCORE_EXAMPLE["flags"][0]  # type: ignore[index]


def _session(view: ClinicScopedQuerysetMixin, pk: int) -> InfusionSession:
    return get_object_or_404(view.scope(InfusionSession.objects.select_related("cycle__protocol", "clinic")), pk=pk)


def _cycle(view: ClinicScopedQuerysetMixin, pk: int) -> TreatmentCycle:
    return get_object_or_404(view.scope(TreatmentCycle.objects.select_related("protocol", "clinic")), pk=pk)


def _audit_reads(request, measures) -> None:
    record_access(measures, request=request, patient_of=lambda m: m.patient_id, clinic_of=lambda m: m.clinic_id)


class _View(ClinicScopedQuerysetMixin, APIView):
    permission_classes = [RolePermission]


class InstrumentListView(ClinicScopedQuerysetMixin, generics.ListAPIView):
    permission_classes = [RolePermission]
    roles = {"*": ALL_ROLES}
    serializer_class = InstrumentSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return selectors.instruments_current()

    @extend_schema(
        operation_id="instruments_list", tags=["outcomes"], summary="List the questionnaires",
        description="The current version of each instrument: its items, answer scale, severity bands, remission "
        "threshold and the items that raise an urgent flag. No patient data.",
        responses={200: InstrumentSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: PAGE_NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SessionMeasuresView(_View):
    roles = {"*": INFUSION_ROLES}

    @extend_schema(
        operation_id="sessions_measures_create", tags=["outcomes"], summary="Record a session's answers",
        description="A clinician enters the patient's answers to one instrument the course asks for. Answered "
        "again, the new answers are the next version (the old ones are kept). The answer holds the total, its band, "
        "the change from the course's baseline (its first session's score), response (a drop of at least 50 %) "
        "and remission (PHQ-9 or GAD-7 below 5). An answer above 0 on PHQ-9 item 9 raises an urgent flag at once: "
        "the session does not start (409 `urgent_flag_unacknowledged`) until a clinician acknowledges it.",
        request=MeasureCreateSerializer,
        responses={201: MeasureScoreSerializer, 400: ANSWERS_INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN_CLINICAL,
                   404: NOT_FOUND,
                   409: _errors("The session is cancelled or missed.", _example(
                       "session_not_open", "Answers can no longer be given for this session.",
                       {"session": 812, "status": "cancelled"}))},
        examples=[OpenApiExample("PHQ-9", request_only=True, value={"instrument": "phq9", "answers": [1] * 9}),
                  OpenApiExample("Scored", response_only=True, status_codes=["201"], value=SCORE_EXAMPLE)],
    )
    def post(self, request, pk: int):
        session = _session(self, pk)
        body = MeasureCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        read = services.measure_record(session=session, instrument_code=body.validated_data["instrument"],
                                       answers=body.validated_data["answers"], source=Source.CLINICIAN, by=request.user)
        return Response(MeasureScoreSerializer(read).data, status=status.HTTP_201_CREATED)


class SessionFormsView(_View):
    roles = {"*": ALL_ROLES}

    @extend_schema(
        operation_id="sessions_forms", tags=["outcomes"], summary="A session's check-in forms: done or missing",
        description="Each instrument the session's course asks for, and whether its answers are in. No answers and "
        "no scores: this is what the front desk sees.",
        responses={200: SessionFormSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        return Response(SessionFormSerializer(selectors.session_forms(session=_session(self, pk)), many=True).data)


class CycleMeasuresView(_View):
    roles = {"*": INFUSION_ROLES}

    @extend_schema(
        operation_id="cycles_measures", tags=["outcomes"], summary="A course's scores",
        description="Per instrument, the course's current answers session by session with their scores read "
        "against the baseline, the response line and the remission threshold. Each score handed out is recorded "
        "in the audit trail.",
        responses={200: MeasureSeriesSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_CLINICAL, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        series = selectors.cycle_measures(cycle=_cycle(self, pk))
        _audit_reads(request, selectors.measures_of(series))
        return Response(MeasureSeriesSerializer(series, many=True).data)


class FlagListView(ClinicScopedQuerysetMixin, generics.ListAPIView):
    permission_classes = [RolePermission]
    roles = {"*": INFUSION_ROLES}
    serializer_class = UrgentFlagSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return self.scope(UrgentFlag.objects.filter(acknowledged_at__isnull=True)).order_by("raised_at", "pk")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        record_access(page or [], request=self.request, patient_of=lambda f: f.patient_id, clinic_of=lambda f: f.clinic_id)
        return page

    @extend_schema(
        operation_id="flags_list", tags=["outcomes"], summary="Urgent flags not yet acknowledged",
        description="Your clinics' urgent flags no clinician has acknowledged, oldest first.",
        responses={200: UrgentFlagSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_CLINICAL, 404: PAGE_NOT_FOUND},
        examples=[OpenApiExample("Open flags", response_only=True, value=[FLAG_EXAMPLE])],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class FlagAcknowledgeView(_View):
    roles = {"*": INFUSION_ROLES}

    @extend_schema(
        operation_id="flags_acknowledge", tags=["outcomes"], summary="Acknowledge an urgent flag",
        description="A clinician has seen the urgent answer (who and when are kept, in the audit trail too); the "
        "session may then start.",
        request=None,
        responses={200: UrgentFlagSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_CLINICAL, 404: NOT_FOUND,
                   409: _errors("Acknowledged already.", _example(
                       "flag_already_acknowledged", "This urgent flag has been acknowledged already.", {"flag": 4}))},
    )
    def post(self, request, pk: int):
        flag = get_object_or_404(self.scope(UrgentFlag.objects.all()), pk=pk)
        flag = services.flag_acknowledge(flag=flag, by=request.user)
        return Response(UrgentFlagSerializer(flag).data)


class CycleReviewView(_View):
    roles = {"*": INFUSION_ROLES}

    @extend_schema(
        operation_id="cycles_review", tags=["outcomes"], summary="Decide on a course flagged for review",
        description="Continue, adjust or stop, with a note: recorded, and the course's review flag cleared.",
        request=CourseReviewDecisionSerializer,
        examples=[OpenApiExample("Continue", request_only=True, value={"decision": "continue", "note": "Partial relief"})],
        responses={201: CourseReviewSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_CLINICAL, 404: NOT_FOUND,
                   409: _errors("Not flagged.", _example("review_not_due", "This course is not flagged for review.",
                                                        {"cycle": 97}))},
    )
    def post(self, request, pk: int):
        cycle = _cycle(self, pk)
        body = CourseReviewDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = services.cycle_review_decide(cycle=cycle, by=request.user, **body.validated_data)
        return Response(CourseReviewSerializer(review).data, status=status.HTTP_201_CREATED)
