"""API views of the clinic configuration: clinics, chairs, staff, protocols, closures and time off.

Every role reads; only admins write (docs/API_CONVENTIONS.md). Rows are scoped to the user's clinics, so
another clinic's row is a 404 and lists never show it. Writes run in one transaction each.
"""

from __future__ import annotations

from contextlib import contextmanager, suppress

from django import forms
from django.db import IntegrityError, transaction
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission

from common.api import ADMIN, ALL_ROLES, ClinicScopedQuerysetMixin, ErrorSerializer, RolePermission, user_clinic_ids
from common.errors import ApplicationError
from common.fields import InstantFilter
from scheduler.api import serializers as s
from scheduler.models import Chair, Clinic, Closure, Protocol, StaffMember, StaffRole, TimeOff

READ_ACTIONS = ("list", "retrieve")
WRITE_ACTIONS = ("create", "update", "partial_update", "destroy")
CONFIG_ROLES = {
    **{action: ALL_ROLES for action in READ_ACTIONS},
    **{action: frozenset({ADMIN}) for action in WRITE_ACTIONS},
}


@contextmanager
def integrity_as_conflict():
    """A write that lost a race to a uniqueness rule checked just before: 409, never a 500."""
    try:
        yield
    except IntegrityError:
        raise ApplicationError(
            "conflict",
            "This change collides with data stored meanwhile (for example a name just taken). Reload and try again.",
            status=status.HTTP_409_CONFLICT,
        ) from None


class ConfigViewSet(ClinicScopedQuerysetMixin, viewsets.ModelViewSet):
    """Read for every role, write for admins, rows of the user's clinics, one transaction per write."""

    permission_classes = [RolePermission]
    parser_classes = [JSONParser]
    roles = CONFIG_ROLES

    def get_queryset(self):
        return self.scope(super().get_queryset())

    def perform_create(self, serializer):
        with integrity_as_conflict(), transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with integrity_as_conflict(), transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        # A row still referred to by bookings raises ProtectedError: common.api answers 409 `in_use`.
        with transaction.atomic():
            instance.delete()


# --- Filters ------------------------------------------------------------------------------------


class IdFilter(filters.NumberFilter):
    """A whole-number id. An id the user may not see simply finds nothing.

    Not common.fields.IdFilter: without its schema override drf-spectacular keeps these filters' help texts.
    """

    field_class = forms.IntegerField


class ClinicFilter(filters.FilterSet):
    active = filters.BooleanFilter(field_name="is_active", help_text="true: active clinics only; false: inactive.")

    class Meta:
        model = Clinic
        fields = []


class ChairFilter(filters.FilterSet):
    clinic = IdFilter(field_name="clinic", help_text="Only this clinic's chairs (a clinic id).")
    active = filters.BooleanFilter(field_name="is_active", help_text="true: chairs in service; false: out of service.")

    class Meta:
        model = Chair
        fields = []


class StaffFilter(filters.FilterSet):
    clinic = IdFilter(field_name="clinic", help_text="Only this clinic's staff (a clinic id).")
    role = filters.ChoiceFilter(choices=StaffRole.choices, help_text="nurse or provider.")
    active = filters.BooleanFilter(field_name="is_active", help_text="true: active staff only; false: inactive.")

    class Meta:
        model = StaffMember
        fields = []


class ProtocolFilter(filters.FilterSet):
    clinic = IdFilter(
        method="filter_clinic", help_text="The protocols this clinic may book: its own and the shared templates."
    )
    active = filters.BooleanFilter(field_name="is_active", help_text="true: active protocols only; false: retired.")

    class Meta:
        model = Protocol
        fields = []

    def filter_clinic(self, queryset, name, value):
        return queryset.offered_at(value)


class ClosureFilter(filters.FilterSet):
    clinic = IdFilter(field_name="clinic", help_text="Only this clinic's closures (a clinic id).")
    ends_after = InstantFilter(
        field_name="ends_at", lookup_expr="gt", help_text="Only closures ending after this instant (ISO 8601)."
    )
    starts_before = InstantFilter(
        field_name="starts_at", lookup_expr="lt", help_text="Only closures starting before this instant (ISO 8601)."
    )

    class Meta:
        model = Closure
        fields = []


class TimeOffFilter(filters.FilterSet):
    clinic = IdFilter(field_name="staff__clinic", help_text="Only this clinic's staff (a clinic id).")
    staff = IdFilter(field_name="staff", help_text="Only this staff member's time off (an id).")
    ends_after = InstantFilter(
        field_name="ends_at", lookup_expr="gt", help_text="Only time off ending after this instant (ISO 8601)."
    )
    starts_before = InstantFilter(
        field_name="starts_at", lookup_expr="lt", help_text="Only time off starting before this instant (ISO 8601)."
    )

    class Meta:
        model = TimeOff
        fields = []


# --- OpenAPI ------------------------------------------------------------------------------------


def _example(code: str, message: str, details: dict | None = None, name: str = "") -> OpenApiExample:
    return OpenApiExample(name or code, value={"code": code, "message": message, "details": details or {}})


def _error(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description, examples=list(examples))


def _validation(field: str, error: str) -> OpenApiExample:
    return _example("validation_error", f"The request is not valid: {field}: {error}", {field: [error]})


_UNAUTHENTICATED = _error(
    "No or bad credentials: `not_authenticated` or `authentication_failed`.",
    _example("not_authenticated", "Authentication credentials were not provided."),
)


def _forbidden(roles: frozenset[str], *more: OpenApiExample) -> OpenApiResponse:
    return _error(
        "The user's role does not allow this: `permission_denied`.",
        _example("permission_denied", f"This needs one of the roles: {', '.join(sorted(roles))}."),
        *more,
    )


def config_schema(
    *,
    serializer,
    noun: str,
    plural: str,
    tag: str,
    about: str,
    request_example: dict,
    response_example: dict,
    field: str,
    field_error: str,
    filter_error: tuple[str, str] | None = ("clinic", "Enter a whole number."),
    extra: dict[str, str] | None = None,
    forbidden_create: tuple[OpenApiExample, ...] = (),
    forbidden_change: tuple[OpenApiExample, ...] = (),
):
    """extend_schema_view for the six CRUD operations of a config resource, with every error each can give.

    `field`/`field_error` make the 400 example of writes, `filter_error` that of the list; `extra` adds
    sentences to the descriptions of "list", "create", "update" and "destroy".
    """
    extra = extra or {}
    bad_input = _error(
        "Bad input: `validation_error`, with the errors of each field in `details`.", _validation(field, field_error)
    )
    list_errors = {401: _UNAUTHENTICATED}
    if filter_error:
        list_errors[400] = _error("A query parameter is not valid: `validation_error`.", _validation(*filter_error))
    not_found = _error(
        f"No such {noun} among your clinics' (another clinic's is not found either): `not_found`.",
        _example("not_found", "Not found."),
    )
    conflict = _error(
        "`conflict`: the write collided with a change stored meanwhile (e.g. a name just taken); reload and retry.",
        _example(
            "conflict",
            "This change collides with data stored meanwhile (for example a name just taken). Reload and try again.",
        ),
    )
    in_use = _error(
        f"`in_use`: the {noun} is still referred to by bookings and cannot be deleted.",
        _example("in_use", "This record is still referred to by other records and cannot be deleted."),
    )
    no_page = _error("`not_found`: no such page.", _example("not_found", "Invalid page."))
    read_forbidden = _forbidden(CONFIG_ROLES["list"])
    create_forbidden = _forbidden(CONFIG_ROLES["create"], *forbidden_create)
    change_forbidden = _forbidden(CONFIG_ROLES["update"], *forbidden_change)
    request = [OpenApiExample(f"A {noun}", value=request_example, request_only=True)]
    response = [OpenApiExample(f"A {noun}", value=response_example, response_only=True)]
    admin_only = " Admins only."
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=f"{about} Lists the {plural} of your clinics, paginated (`page`, `page_size`). "
            "Every role may read." + extra.get("list", ""),
            responses={200: serializer, **list_errors, 403: read_forbidden, 404: no_page},
            examples=response,
            tags=[tag],
        ),
        retrieve=extend_schema(
            summary=f"Get one {noun}",
            description=f"{about} Every role may read.",
            responses={200: serializer, 401: _UNAUTHENTICATED, 403: read_forbidden, 404: not_found},
            examples=response,
            tags=[tag],
        ),
        create=extend_schema(
            summary=f"Create a {noun}",
            description=f"{about}{admin_only}" + extra.get("create", ""),
            request=serializer,
            responses={201: serializer, 400: bad_input, 401: _UNAUTHENTICATED, 403: create_forbidden, 409: conflict},
            examples=request + response,
            tags=[tag],
        ),
        update=extend_schema(
            summary=f"Replace a {noun}",
            description=f"{about}{admin_only} Required fields must be given; optional ones left out keep their "
            "stored values." + extra.get("update", ""),
            request=serializer,
            responses={
                200: serializer, 400: bad_input, 401: _UNAUTHENTICATED, 403: change_forbidden, 404: not_found,
                409: conflict,
            },
            examples=request + response,
            tags=[tag],
        ),
        partial_update=extend_schema(
            summary=f"Change some fields of a {noun}",
            description=f"{about}{admin_only} Only the fields given change." + extra.get("update", ""),
            request=serializer,
            responses={
                200: serializer, 400: bad_input, 401: _UNAUTHENTICATED, 403: change_forbidden, 404: not_found,
                409: conflict,
            },
            examples=request + response,
            tags=[tag],
        ),
        destroy=extend_schema(
            summary=f"Delete a {noun}",
            description=f"{about}{admin_only} A {noun} still referred to by bookings is kept: 409 `in_use`."
            + extra.get("destroy", ""),
            responses={204: OpenApiResponse(description="Deleted."), 401: _UNAUTHENTICATED, 403: change_forbidden,
                       404: not_found, 409: in_use},
            tags=[tag],
        ),
    )


_HOURS = [{"weekday": d, "opens": "08:00:00", "closes": "18:00:00"} for d in range(5)]
_CLINIC = {
    "name": "Riverside Infusion Center",
    "slug": "riverside",
    "timezone": "America/New_York",
    "address": "12 River Road, Springfield",
    "phone": "+1 555 0100",
    "email": "desk@riverside.example.org",
    "is_active": True,
    "nurse_max_concurrent": 3,
    "start_stagger_minutes": 15,
    "late_cancel_hours": 24,
    "no_show_minutes": 15,
    "opening_hours": _HOURS,
}
_SHIFTS = [{"weekday": d, "starts": "07:30:00", "ends": "16:00:00", "valid_from": None, "valid_until": None} for d in (0, 2, 4)]
_STAFF = {
    "clinic": 1, "first_name": "Maria", "last_name": "Lopez", "role": "nurse", "email": "m.lopez@riverside.example.org",
    "is_active": True, "shifts": _SHIFTS,
}
_PROTOCOL = {
    "clinic": 1, "name": "Depression induction (IV), 8 sessions", "slug": "depression-iv-8", "indication": "Depression",
    "route": "iv", "is_active": True, "session_count": 8, "chair_minutes": 120, "first_visit_extra_minutes": 30,
    "min_gap_hours": 40, "max_gap_hours": None, "min_gap_days": 2, "max_gap_days": None,
    "consecutive_weekdays": False, "window_days": None, "target_window_days": 28, "warn_window_days": 35,
    "extra_monitoring_sessions": 3, "review_after_session": 3, "recall_min_days": None, "recall_max_days": None,
    "notes": "Two or three a week, at least 40 h apart.",
}


# --- Views --------------------------------------------------------------------------------------


@config_schema(
    serializer=s.ClinicSerializer,
    noun="clinic",
    plural="clinics",
    tag="clinics",
    about="A clinic (location) with its time zone, contact details, scheduling rules and weekly opening hours.",
    request_example=_CLINIC,
    response_example={"id": 1, **_CLINIC},
    field="timezone",
    field_error="'Mars/Olympus' is not an IANA time zone name (e.g. America/New_York).",
    filter_error=None,
    extra={
        "create": " The creator becomes a member of the new clinic.",
        "update": " `opening_hours`, when given, replaces the whole weekly set at once.",
        "destroy": " Deleting a clinic deletes its chairs, staff, hours, closures and own protocols.",
    },
)
class ClinicViewSet(ConfigViewSet):
    queryset = Clinic.objects.prefetch_related("opening_hours")
    serializer_class = s.ClinicSerializer
    filterset_class = ClinicFilter
    clinic_field = "pk"

    def perform_create(self, serializer):
        user = self.request.user
        with integrity_as_conflict(), transaction.atomic():
            clinic = serializer.save()
            clinic.staff.add(user)  # else the new clinic would vanish from its creator's view
        with suppress(AttributeError):
            del user._clinic_ids  # common.api caches the user's clinics on the user object


@config_schema(
    serializer=s.ChairSerializer,
    noun="chair",
    plural="chairs",
    tag="chairs",
    about="An infusion chair: one session holds it for the whole visit.",
    request_example={"clinic": 1, "name": "Chair 3", "is_active": True},
    response_example={"id": 7, "clinic": 1, "name": "Chair 3", "is_active": True},
    field="name",
    field_error="This clinic already has a chair with this name.",
)
class ChairViewSet(ConfigViewSet):
    queryset = Chair.objects.all()
    serializer_class = s.ChairSerializer
    filterset_class = ChairFilter


@config_schema(
    serializer=s.StaffMemberSerializer,
    noun="staff member",
    plural="staff members",
    tag="staff",
    about="A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in.",
    request_example=_STAFF,
    response_example={"id": 4, **_STAFF, "user": 12},
    field="role",
    field_error='"surgeon" is not a valid choice.',
    extra={
        "list": " Filter by `clinic`, `role` and `active`.",
        "update": " `shifts`, when given, replaces the whole weekly pattern at once.",
    },
)
class StaffMemberViewSet(ConfigViewSet):
    queryset = StaffMember.objects.prefetch_related("shifts")
    serializer_class = s.StaffMemberSerializer
    filterset_class = StaffFilter


SHARED_PROTOCOL_READ_ONLY = (
    "Shared protocol templates (no clinic) can be changed only by a superuser. "
    "To adapt one, create a protocol for your clinic with its values."
)
SHARED_PROTOCOL_CREATE = (
    "Only a superuser may create a shared protocol template; give `clinic` (one of yours) to create a "
    "protocol for your clinic."
)


class SharedProtocolPermission(BasePermission):
    """Shared templates (no clinic) are read-only for everyone but superusers."""

    message = SHARED_PROTOCOL_READ_ONLY

    def has_object_permission(self, request, view, obj) -> bool:
        return view.action in READ_ACTIONS or obj.clinic_id is not None or request.user.is_superuser


@config_schema(
    serializer=s.ProtocolSerializer,
    noun="protocol",
    plural="protocols",
    tag="protocols",
    about="A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a "
    "chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.",
    request_example=_PROTOCOL,
    response_example={"id": 9, **_PROTOCOL},
    field="max_gap_hours",
    field_error="Must be at least min_gap_hours (40).",
    forbidden_create=(_example("permission_denied", SHARED_PROTOCOL_CREATE, name="shared_template"),),
    forbidden_change=(_example("permission_denied", SHARED_PROTOCOL_READ_ONLY, name="shared_template"),),
    extra={
        "list": " The list holds your clinics' own protocols and the shared templates; `clinic` narrows it to "
        "what one clinic may book.",
        "create": " Give `clinic`: creating a shared template (no clinic) is refused with 403 unless you are a "
        "superuser.",
        "update": " Changing a shared template is refused with 403 unless you are a superuser.",
        "destroy": " Deleting a shared template is refused with 403 unless you are a superuser.",
    },
)
class ProtocolViewSet(ConfigViewSet):
    queryset = Protocol.objects.all()
    serializer_class = s.ProtocolSerializer
    filterset_class = ProtocolFilter
    permission_classes = [RolePermission, SharedProtocolPermission]

    def scope(self, queryset):
        user = self.request.user
        if user.is_superuser:
            return queryset
        return queryset.offered_at(user_clinic_ids(user))

    def create(self, request, *args, **kwargs):
        data = request.data
        if isinstance(data, dict) and data.get("clinic") in (None, "") and not request.user.is_superuser:
            raise exceptions.PermissionDenied(SHARED_PROTOCOL_CREATE)
        return super().create(request, *args, **kwargs)


@config_schema(
    serializer=s.ClosureSerializer,
    noun="closure",
    plural="closures",
    tag="closures",
    about="A span when a clinic takes no sessions (a holiday, training, a broken pump).",
    request_example={"clinic": 1, "starts_at": "2027-11-25T00:00:00", "ends_at": "2027-11-26T00:00:00",
                     "reason": "Thanksgiving"},
    response_example={"id": 3, "clinic": 1, "starts_at": "2027-11-25T05:00:00Z", "ends_at": "2027-11-26T05:00:00Z",
                      "reason": "Thanksgiving"},
    field="ends_at",
    field_error="Must be after `starts_at`.",
    extra={"list": " Filter by `clinic`, `ends_after` and `starts_before`. Instants are ISO 8601 with their UTC offset."},
)
class ClosureViewSet(ConfigViewSet):
    queryset = Closure.objects.all()
    serializer_class = s.ClosureSerializer
    filterset_class = ClosureFilter


@config_schema(
    serializer=s.TimeOffSerializer,
    noun="time off entry",
    plural="time off entries",
    tag="time off",
    about="A span when a staff member is away; the scheduler assigns them no sessions then.",
    request_example={"staff": 4, "starts_at": "2027-07-05T00:00:00", "ends_at": "2027-07-10T00:00:00",
                     "reason": "Vacation"},
    response_example={"id": 2, "staff": 4, "starts_at": "2027-07-05T04:00:00Z", "ends_at": "2027-07-10T04:00:00Z",
                      "reason": "Vacation"},
    field="staff",
    field_error="Staff member 99 does not exist or is not in one of your clinics.",
    extra={"list": " Filter by `clinic`, `staff`, `ends_after` and `starts_before`. Instants are ISO 8601 with their UTC offset."},
)
class TimeOffViewSet(ConfigViewSet):
    queryset = TimeOff.objects.all()
    serializer_class = s.TimeOffSerializer
    filterset_class = TimeOffFilter
    clinic_field = "staff__clinic"
