"""Pumps and an episode's life: pumps/ (every role reads; clinic admins add and change), pumps/{id}/maintenance/,
episodes/ (list, read), episodes/{id}/fit|review|remove|return|cancel/.

Clinicians and admins fit, record reviews and remove (they are the nurse's visits); any staff role takes a pump
back (return); the desk and admins cancel a booked episode. Rows are those of the user's clinics: another clinic's
id is a 404. Every write is a service (pumps.services), audited there; reading an episode is audited (ACCESS).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.mixins import AuditReadMixin
from bookings.api.filters import DateOrInstantFilter, documented_parameters
from common.access import ADMIN, ALL_ROLES, BOOKING_ROLES, INFUSION_ROLES
from common.api import ClinicScopedQuerysetMixin, RolePermission
from common.fields import ChoiceInFilter, IdFilter, StrictFilterSet
from common.openapi import FORBIDDEN_BOOKING, FORBIDDEN_READ, NOT_FOUND, PAGE_NOT_FOUND, UNAUTHENTICATED
from common.openapi import error_example as _example
from common.openapi import error_response as _errors
from pumps import error_codes as codes
from pumps.api.serializers import (
    EpisodeCancelSerializer,
    EpisodeRemoveSerializer,
    EpisodeReviewSerializer,
    EpisodeSerializer,
    MaintenanceSerializer,
    PumpSerializer,
)
from pumps.models import Episode, EpisodeStatus, EpisodeVisit, Pump, PumpStatus
from pumps.selectors.lists import episode_list, episodes_between, maintenance_list, pump_list
from pumps.services import lifecycle, pumps

ADMINS = frozenset({ADMIN})

FORBIDDEN_ADMIN = _errors("Your role may not do this (admins may).",
                          _example("permission_denied", "This needs one of the roles: admin."))
FORBIDDEN_CLINICAL = _errors("Your role may not do this (admin or clinician may).",
                             _example("permission_denied", "This needs one of the roles: admin, clinician."))

PUMP_EXAMPLE = {"id": 3, "clinic": 1, "label": "Pump 2", "serial_number": "CADD-7731-22", "status": "in_service",
                "notes": "", "created_at": "2027-01-10T15:00:00Z", "updated_at": "2027-01-10T15:00:00Z"}
MAINTENANCE_EXAMPLE = {"id": 12, "pump": 3, "starts_at": "2027-04-05T13:00:00Z", "ends_at": "2027-04-07T13:00:00Z",
                       "reason": "Battery service"}


def _visit_example(id_: int, kind: str, day: int, starts: str, ends: str, status_: str = "planned") -> dict:
    return {"id": id_, "kind": kind, "mode": "visit", "day": day, "starts_at": starts, "ends_at": ends,
            "starts_local": starts.replace("15:00:00Z", "10:00:00-05:00"), "chair": 4, "nurse": 2,
            "status": status_, "done_at": None, "missed_at": None, "note": ""}


EPISODE_EXAMPLE = {
    "id": 55, "course": 21, "number": 1, "episodes_per_course": 1, "protocol": 2, "clinic": 1, "patient": 41,
    "pump": 3, "pump_label": "Pump 2", "status": "booked", "version": 1, "starts_at": "2027-03-01T15:00:00Z",
    "ends_at": "2027-03-04T16:00:00Z", "pump_until": "2027-03-04T20:00:00Z",
    "starts_local": "2027-03-01T10:00:00-05:00", "ends_local": "2027-03-04T11:00:00-05:00",
    "timezone": "America/New_York", "booked_at": "2027-02-20T16:31:07Z", "fitted_at": None, "removed_at": None,
    "early_removal_reason": "", "returned_at": None, "cancelled_at": None, "cancel_reason": "",
    "visits": [
        _visit_example(301, "fitting", 0, "2027-03-01T15:00:00Z", "2027-03-01T16:00:00Z"),
        _visit_example(302, "review", 1, "2027-03-02T15:00:00Z", "2027-03-02T15:30:00Z"),
        _visit_example(303, "review", 2, "2027-03-03T15:00:00Z", "2027-03-03T15:30:00Z"),
        _visit_example(304, "removal", 3, "2027-03-04T15:00:00Z", "2027-03-04T16:00:00Z"),
    ],
}


def _ok(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


def _body(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


def _invalid(status_: str, label: str, action: str) -> OpenApiExample:
    return _example(codes.INVALID_TRANSITION, lifecycle.episode_transition_refusal(label, action),
                    {"episode": 55, "status": status_, "action": action}, name=f"{codes.INVALID_TRANSITION}")


# --- Pumps -----------------------------------------------------------------------------------------------------


class PumpFilter(StrictFilterSet):
    clinic = IdFilter(field_name="clinic_id", help_text="Only this clinic's pumps (id).")
    status = ChoiceInFilter(choices=PumpStatus.choices,
                            help_text="Only pumps in this status; several may be separated by commas.")

    class Meta:
        model = Pump
        fields: list[str] = []


_PUMP_BAD = _errors("The request is not valid; `details` names the field.",
                    _example("validation_error", "The request is not valid: label: This clinic already has a pump "
                             "with this label.", {"label": ["This clinic already has a pump with this label."]}))


@extend_schema_view(
    list=extend_schema(
        operation_id="pumps_list", tags=["pumps"], summary="List pumps",
        description="Your clinics' pumps by clinic and label, with their status (in service, in maintenance, retired).",
        responses={200: PumpSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: PAGE_NOT_FOUND},
        examples=[_ok("A page of pumps", PUMP_EXAMPLE)],
    ),
    create=extend_schema(
        operation_id="pumps_create", tags=["pumps"], summary="Add a pump",
        description="A new pump of one of your clinics (admins). Its label and serial number are each unique in the "
        "clinic.",
        responses={201: PumpSerializer, 400: _PUMP_BAD, 401: UNAUTHENTICATED, 403: FORBIDDEN_ADMIN},
        examples=[_body("A new pump", {"clinic": 1, "label": "Pump 2", "serial_number": "CADD-7731-22",
                                       "status": "in_service"}), _ok("The pump", PUMP_EXAMPLE)],
    ),
    retrieve=extend_schema(
        operation_id="pumps_retrieve", tags=["pumps"], summary="Get a pump",
        responses={200: PumpSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("A pump", PUMP_EXAMPLE)],
    ),
    partial_update=extend_schema(
        operation_id="pumps_partial_update", tags=["pumps"], summary="Change a pump",
        description="Its label, serial number, status or notes (admins). A pump stays in the clinic it was added "
        "to. Taking it out of service offers it for no new episode; an episode already booked keeps it.",
        responses={200: PumpSerializer, 400: _PUMP_BAD, 401: UNAUTHENTICATED, 403: FORBIDDEN_ADMIN, 404: NOT_FOUND},
        examples=[_body("Out for maintenance", {"status": "maintenance", "notes": "Occlusion alarm; sent back."}),
                  _ok("The pump", {**PUMP_EXAMPLE, "status": "maintenance"})],
    ),
)
class PumpViewSet(ClinicScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    permission_classes = [RolePermission]
    roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES, "create": ADMINS, "partial_update": ADMINS}
    serializer_class = PumpSerializer
    filterset_class = PumpFilter

    def get_queryset(self):
        return self.scope(pump_list())

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def create(self, request):
        body = PumpSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        pump = pumps.pump_create(by=request.user, **body.validated_data)
        return Response(PumpSerializer(pump).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        pump = self.get_object()
        body = PumpSerializer(pump, data=request.data, partial=True, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        changes = {k: v for k, v in body.validated_data.items() if k in pumps.PUMP_CHANGEABLE}
        return Response(PumpSerializer(pumps.pump_update(pump=pump, by=request.user, **changes)).data)


class PumpMaintenanceView(ClinicScopedQuerysetMixin, APIView):
    permission_classes = [RolePermission]
    roles = {"list": ALL_ROLES, "post": ADMINS}

    def _pump(self, pk: int) -> Pump:
        return get_object_or_404(self.scope(Pump.objects.select_related("clinic")), pk=pk)

    @extend_schema(
        operation_id="pumps_maintenance", tags=["pumps"], summary="List a pump's maintenance",
        description="The spans when the pump is out for maintenance, by start. Not paginated.",
        responses={200: MaintenanceSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("A pump's maintenance", MAINTENANCE_EXAMPLE)],
    )
    def get(self, request, pk: int):
        return Response(MaintenanceSerializer(maintenance_list(pump=self._pump(pk)), many=True).data)

    @extend_schema(
        operation_id="pumps_maintenance_create", tags=["pumps"], summary="Book a pump's maintenance",
        description="A span when the pump is out (admins): no episode is offered over it. Times without an offset "
        "are clinic time.",
        request=MaintenanceSerializer,
        responses={201: MaintenanceSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_ADMIN, 404: NOT_FOUND,
                   400: _errors("The request is not valid; `details` names the field.",
                                _example("validation_error", "The request is not valid: ends_at: Must be after "
                                         "`starts_at`.", {"ends_at": ["Must be after `starts_at`."]}))},
        examples=[_body("Two days out", {"starts_at": "2027-04-05T08:00", "ends_at": "2027-04-07T08:00",
                                         "reason": "Battery service"}),
                  _ok("The maintenance", MAINTENANCE_EXAMPLE)],
    )
    def post(self, request, pk: int):
        pump = self._pump(pk)
        body = MaintenanceSerializer(data=request.data, context={"request": request, "pump": pump})
        body.is_valid(raise_exception=True)
        row = pumps.maintenance_create(pump=pump, by=request.user, **body.validated_data)
        return Response(MaintenanceSerializer(row).data, status=status.HTTP_201_CREATED)


# --- Episodes --------------------------------------------------------------------------------------------------


class EpisodeFilter(StrictFilterSet):
    clinic = IdFilter(field_name="clinic_id", help_text="Only episodes at this clinic (id).")
    patient = IdFilter(field_name="patient_id", help_text="Only this patient's episodes (id).")
    pump = IdFilter(field_name="pump_id", help_text="Only the episodes of this pump (id).")
    course = IdFilter(field_name="course_id", help_text="Only the episodes of this pump course (id).")
    status = ChoiceInFilter(choices=EpisodeStatus.choices,
                            help_text="Only episodes in this status; several may be separated by commas.")
    starts_from = DateOrInstantFilter(
        method="filter_from",
        help_text="Only episodes still running at or after this (their removal ends after it): an instant with an "
        "offset, a wall-clock time without one (clinic time) or a date (from its first moment, clinic time).",
    )
    starts_to = DateOrInstantFilter(
        method="filter_to",
        help_text="Only episodes fitted before this instant or wall-clock time (exclusive), or on or before this "
        "date (inclusive: the whole day, clinic time).",
    )

    class Meta:
        model = Episode
        fields: list[str] = []

    def filter_from(self, queryset, name, value):
        return episodes_between(queryset, start=value)

    def filter_to(self, queryset, name, value):
        return episodes_between(queryset, end=value)


for _public, _declared in (("from", "starts_from"), ("to", "starts_to")):
    EpisodeFilter.base_filters[_public] = EpisodeFilter.base_filters.pop(_declared)


class EpisodeListView(ClinicScopedQuerysetMixin, generics.ListAPIView):
    """GET episodes/; pumps.api.booking's EpisodesView adds POST (booking) on the same route."""

    permission_classes = [RolePermission]
    roles = {"list": ALL_ROLES}
    serializer_class = EpisodeSerializer
    filterset_class = EpisodeFilter

    def get_queryset(self):
        return self.scope(episode_list())

    @extend_schema(
        operation_id="episodes_list", tags=["episodes"], summary="List pump episodes",
        description="Your clinics' pump episodes by fitting time, each with its visits. `from`/`to` keep the "
        "episodes whose span (fitting to removal) meets that interval; `status` takes several values separated by "
        "commas.",
        parameters=documented_parameters(EpisodeFilter),
        responses={200: EpisodeSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: PAGE_NOT_FOUND},
        examples=[_ok("A page of episodes", EPISODE_EXAMPLE)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _action(operation_id: str, summary: str, description: str, forbidden, conflicts: list, **extra):
    bad = extra.pop("bad", None)
    return extend_schema(
        operation_id=operation_id, tags=["episodes"], summary=summary, description=description,
        request=extra.pop("request", None),
        responses={200: EpisodeSerializer, **({400: bad} if bad else {}), 401: UNAUTHENTICATED, 403: forbidden,
                   404: NOT_FOUND, 409: _errors("The episode is not in a state that allows this.", *conflicts)},
        examples=extra.pop("examples", [_ok("The episode", EPISODE_EXAMPLE)]),
    )


@extend_schema_view(
    retrieve=extend_schema(
        operation_id="episodes_retrieve", tags=["episodes"], summary="Get a pump episode",
        description="One episode of your clinics with its visits and every step's time. Each read is audited.",
        responses={200: EpisodeSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN_READ, 404: NOT_FOUND},
        examples=[_ok("An episode", EPISODE_EXAMPLE)],
    ),
)
class EpisodeViewSet(AuditReadMixin, ClinicScopedQuerysetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """booked → fitted → removed → returned; or booked → cancelled."""

    permission_classes = [RolePermission]
    audit_patient_attr = "patient_id"
    serializer_class = EpisodeSerializer
    roles = {"retrieve": ALL_ROLES, "metadata": ALL_ROLES, "fit": INFUSION_ROLES, "review": INFUSION_ROLES,
             "remove": INFUSION_ROLES, "return_": ALL_ROLES, "cancel": BOOKING_ROLES}

    def get_queryset(self):
        return self.scope(episode_list())

    def filter_queryset(self, queryset):
        return queryset  # query parameters never narrow an action on one episode

    def _parse(self, serializer_class) -> dict:
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def _answer(self, episode_id: int) -> Response:
        return Response(EpisodeSerializer(episode_list().get(pk=episode_id), context=self.get_serializer_context()).data)

    @_action("episodes_fit", "Fit the pump",
             "The pump is on the patient: `booked` → `fitted`, on the fitting visit's day (clinic time); the fitting "
             "visit is done and the course active. For clinicians and admins.",
             FORBIDDEN_CLINICAL,
             [_invalid("fitted", "pump fitted", "fit"),
              _example(codes.NOT_FITTING_DAY, "A pump is fitted on the day of its fitting visit.",
                       {"episode": 55, "starts_at": "2027-03-01T15:00:00+00:00"}, name=codes.NOT_FITTING_DAY)],
             examples=[_ok("Fitted", {**EPISODE_EXAMPLE, "status": "fitted", "version": 2,
                                      "fitted_at": "2027-03-01T15:05:00Z"})])
    def fit(self, request, pk=None):
        episode = self.get_object()
        lifecycle.episode_fit(episode=episode, by=request.user)
        return self._answer(episode.pk)

    @_action("episodes_review", "Record a review",
             "A daily review of this fitted episode, done (`done: true`) or missed (`done: false`: it goes on the "
             "clinicians' worklist at once), from its own day (clinic time). The fitting and the removal are "
             "recorded by fit and remove. For clinicians and admins.",
             FORBIDDEN_CLINICAL,
             [_example(codes.EPISODE_NOT_FITTED, "A review is recorded while the pump is fitted; this episode is "
                       "booked.", {"episode": 55, "status": "booked", "visit": 302}, name=codes.EPISODE_NOT_FITTED),
              _example(codes.INVALID_TRANSITION, lifecycle.visit_transition_refusal("done"),
                       {"visit": 302, "status": "done", "action": "record"}, name=codes.INVALID_TRANSITION),
              _example(codes.NOT_A_REVIEW, "The fitting and the removal are recorded by fitting and removing the "
                       "pump.", {"visit": 301, "kind": "fitting"}, name=codes.NOT_A_REVIEW),
              _example(codes.VISIT_NOT_DUE, "A review is recorded from its own day.",
                       {"visit": 303, "starts_at": "2027-03-03T15:00:00+00:00"}, name=codes.VISIT_NOT_DUE)],
             request=EpisodeReviewSerializer,
             bad=_errors("The request is not valid, or the visit is not this episode's.",
                         _example("validation_error", "The request is not valid: visit: There is no such visit in "
                                  "this episode.", {"visit": ["There is no such visit in this episode."]})),
             examples=[_body("Review done", {"visit": 302, "done": True, "note": "Site clean, no redness."}),
                       _body("Review missed", {"visit": 303, "done": False, "note": "No answer at two calls."}),
                       _ok("The episode", {**EPISODE_EXAMPLE, "status": "fitted", "version": 3})])
    def review(self, request, pk=None):
        episode = self.get_object()
        params = self._parse(EpisodeReviewSerializer)
        visit = EpisodeVisit.objects.filter(pk=params["visit"], episode=episode).first()
        if visit is None:
            raise ValidationError({"visit": ["There is no such visit in this episode."]})
        lifecycle.visit_record(visit=visit, done=params["done"], by=request.user, note=params["note"])
        return self._answer(episode.pk)

    @_action("episodes_remove", "Remove the pump",
             "The pump is off the patient: `fitted` → `removed`, the removal visit done. Before the removal visit's "
             "start it is an early removal and needs `early_reason` (else 400 `early_removal_reason_required`): the "
             "episode ends now and its remaining reviews are cancelled. The pump is held until it is returned. For "
             "clinicians and admins.",
             FORBIDDEN_CLINICAL, [_invalid("booked", "booked", "remove")],
             request=EpisodeRemoveSerializer,
             bad=_errors("The request is not valid, or an early removal has no reason.",
                         _example(codes.EARLY_REMOVAL_REASON_REQUIRED, "The removal visit has not started yet: say "
                                  "why the pump is removed early.",
                                  {"episode": 55, "removal_starts_at": "2027-03-04T15:00:00+00:00"},
                                  name=codes.EARLY_REMOVAL_REASON_REQUIRED)),
             examples=[_body("Removed early", {"early_reason": "Skin reaction at the site."}),
                       _ok("The episode", {**EPISODE_EXAMPLE, "status": "removed", "version": 5,
                                           "removed_at": "2027-03-02T18:00:00Z", "ends_at": "2027-03-02T18:00:00Z",
                                           "early_removal_reason": "Skin reaction at the site."})])
    def remove(self, request, pk=None):
        episode = self.get_object()
        params = self._parse(EpisodeRemoveSerializer)
        lifecycle.episode_remove(episode=episode, by=request.user, early_reason=params["early_reason"])
        return self._answer(episode.pk)

    @_action("episodes_return", "Take the pump back",
             "The pump is back in the clinic's hands: `removed` → `returned`, held for the clinic's turnaround from "
             "now (a late return is recorded all the same). The course completes with its last episode's return. "
             "Any staff role.",
             FORBIDDEN_READ, [_invalid("fitted", "pump fitted", "return")],
             examples=[_ok("Returned", {**EPISODE_EXAMPLE, "status": "returned", "version": 6,
                                        "returned_at": "2027-03-04T16:20:00Z", "pump_until": "2027-03-04T20:20:00Z"})])
    def return_(self, request, pk=None):
        episode = self.get_object()
        lifecycle.episode_return(episode=episode, by=request.user)
        return self._answer(episode.pk)

    @_action("episodes_cancel", "Cancel a booked episode",
             "The booked episode will not happen: its visits are cancelled and its pump and patient freed; the "
             "course is cancelled when every episode is. A fitted pump is removed instead. For the desk and admins.",
             FORBIDDEN_BOOKING, [_invalid("fitted", "pump fitted", "cancel")],
             request=EpisodeCancelSerializer,
             bad=_errors("The request is not valid.",
                         _example("validation_error", "The request is not valid: reason: This field may not be blank.",
                                  {"reason": ["This field may not be blank."]})),
             examples=[_body("Patient unwell", {"reason": "Patient unwell; will call to rebook."}),
                       _ok("Cancelled", {**EPISODE_EXAMPLE, "status": "cancelled", "version": 2,
                                         "cancelled_at": "2027-02-25T14:00:00Z",
                                         "cancel_reason": "Patient unwell; will call to rebook."})])
    def cancel(self, request, pk=None):
        episode = self.get_object()
        params = self._parse(EpisodeCancelSerializer)
        lifecycle.episode_cancel(episode=episode, by=request.user, reason=params["reason"])
        return self._answer(episode.pk)


def _episode_action(name: str):
    return EpisodeViewSet.as_view({"post": name})


urlpatterns = [
    path("pumps/", PumpViewSet.as_view({"get": "list", "post": "create"}), name="pump-list"),
    path("pumps/<int:pk>/", PumpViewSet.as_view({"get": "retrieve", "patch": "partial_update"}), name="pump-detail"),
    path("pumps/<int:pk>/maintenance/", PumpMaintenanceView.as_view(), name="pump-maintenance"),
    path("episodes/<int:pk>/", EpisodeViewSet.as_view({"get": "retrieve"}), name="episode-detail"),
    *(path(f"episodes/<int:pk>/{action}/", _episode_action(name), name=f"episode-{action}")
      for action, name in (("fit", "fit"), ("review", "review"), ("remove", "remove"), ("return", "return_"),
                           ("cancel", "cancel"))),
]

__all__ = ["EpisodeListView", "EpisodeViewSet", "PumpMaintenanceView", "PumpViewSet", "urlpatterns"]
