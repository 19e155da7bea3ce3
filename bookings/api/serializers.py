"""What the booking API reads and answers: patients, courses (cycles) and sessions.

Input serializers only parse and validate; the views hand what they parse to bookings.services. Related
ids in a body resolve only within the requesting user's clinics, so another clinic's id reads exactly like
an id that does not exist (400, never a hint that the object is there).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.validators import RegexValidator
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.models import CancelledBy, InfusionSession, Patient, ReviewReason, TreatmentCycle
from bookings.progress import cycle_progress, cycle_sessions_short
from bookings.services import SCOPE_FOLLOWING, SCOPE_THIS
from common.access import scope_to_user_clinics, user_clinic_ids
from common.fields import LOCAL_OR_INSTANT_HELP, LocalOrInstantMixin, local_or_instant
from common.serializers import (
    SCHEDULE_YEARS,
    StrictCharField,
    StrictChoiceField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictSerializer,
)
from scheduler.models import Chair, Clinic, Protocol, StaffMember, StaffRole

#: Where consent was given when a client does not say.
DEFAULT_CONSENT_SOURCE = "api"


# --- Fields --------------------------------------------------------------------------------------


class ScopedPrimaryKeyRelatedField(StrictPrimaryKeyRelatedField):
    """An id resolved among the requesting user's clinics only (a superuser sees every clinic).

    `scope` builds the filter from the user's clinic ids; by default the model's `clinic` must be one of them
    (common.access.scope_to_user_clinics).
    """

    default_error_messages = {"does_not_exist": "There is no such {name} in your clinics (id {pk_value})."}

    def __init__(self, *, name: str, scope=None, **kwargs):
        self.name = name
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        assert queryset is not None  # every such field is given its queryset
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        if self.scope is None:
            return scope_to_user_clinics(queryset, user)
        if user.is_superuser:
            return queryset
        return queryset.filter(self.scope(user_clinic_ids(user)))

    def fail(self, key, **kwargs):
        if key == "does_not_exist":
            kwargs.setdefault("name", self.name)
        super().fail(key, **kwargs)


def clinic_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(
        name="clinic", queryset=Clinic.objects.all(), scope=lambda ids: Q(pk__in=ids), **kwargs
    )


class StartField(LocalOrInstantMixin, serializers.Field):
    """A session start: an aware instant (kept, in UTC) or a naive wall-clock time (kept naive).

    DRF's DateTimeField would make a naive value aware in the request's current zone; the services read a
    naive value in the clinic's zone, so this field leaves it naive. A wall-clock time the clocks skip
    (spring forward) is refused by the services with `nonexistent_local_time`; one that occurs twice (fall
    back) is taken at its first occurrence.
    """

    default_error_messages = {
        "invalid": (
            "Enter a date and time in ISO 8601: 2027-03-02T09:00 (clinic time) or 2027-03-02T14:00:00Z (an instant)."
        ),
        "date_only": "Give a time as well as the date, e.g. 2027-03-02T09:00.",
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", data):
            self.fail("date_only")  # Python would read a bare date as midnight; a session needs its time said
        parsed = local_or_instant(data, lambda: self.fail("invalid"))
        return parsed.astimezone(dt.UTC) if parsed.tzinfo is not None else parsed

    def to_representation(self, value):
        return value.isoformat()


# --- Patients ------------------------------------------------------------------------------------

#: The shape bookings.services.patients checks, as a pattern the schema can carry: at least three digits, with
#: +, spaces, dashes, dots, slashes and brackets, and an extension (x123). Not trimmed: as sent.
PHONE = RegexValidator(
    r"^\+?([ ().\-/]*[0-9]){3}[0-9 ().\-/]*( *([xX]|[eE][xX][tT]\.?) *[0-9]{1,6})?$",
    message="Enter a phone number: digits, optionally with +, spaces, dashes, dots, slashes, brackets and an "
    "extension (x123).",
)


# Parses only (types, formats, lengths): the rules of a patient record are bookings.services.patients'.
# (A comment, not the docstring: the docstring is the schema's description.)
class PatientSerializer(StrictModelSerializer):
    """A patient. Consent to email is recorded with its time and source; withdrawing it clears both."""

    clinic = clinic_field(help_text="Home clinic (id); one of your clinics.")
    timezone = StrictCharField(
        max_length=64,
        required=False,
        help_text="IANA time zone the patient's emails are written in, e.g. America/New_York. "
        "Defaults to the home clinic's zone.",
    )
    phone = StrictCharField(
        max_length=40,
        required=False,
        allow_blank=True,
        validators=[PHONE],
        help_text="Digits with optional +, spaces, dashes, dots, slashes, brackets and an extension (x123).",
    )
    email_consent_source = StrictCharField(
        max_length=80,
        required=False,
        allow_blank=True,
        help_text=f"Where consent was given (intake form, phone call…). Recorded when `email_consent` turns true "
        f"(default \"{DEFAULT_CONSENT_SOURCE}\"); cleared when it turns false.",
    )

    class Meta:
        model = Patient
        fields = (
            "id", "clinic", "first_name", "last_name", "date_of_birth", "email", "phone", "timezone",
            "email_consent", "email_consent_at", "email_consent_source",
        )
        read_only_fields = ("id", "email_consent_at")
        extra_kwargs = {
            "email_consent_at": {"help_text": "When consent to email was recorded; null without consent."},
            "date_of_birth": {"help_text": "YYYY-MM-DD, from 1900; not in the future.", "validators": [SCHEDULE_YEARS]},
            "email": {"help_text": "Needed for email consent."},
            "email_consent": {"help_text": "The patient agreed to receive reminders and notices by email."},
        }


# --- Sessions ------------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    """One infusion session: where, when, with whom, its state and when each step happened."""

    session_count = serializers.IntegerField(source="cycle.session_count", read_only=True, help_text="n in 'session k of n'.")
    timezone = serializers.CharField(source="clinic.timezone", read_only=True, help_text="The clinic's IANA time zone.")
    starts_local = serializers.SerializerMethodField(help_text="The start in the clinic's time zone, with its offset.")
    ends_local = serializers.SerializerMethodField(help_text="The end in the clinic's time zone, with its offset.")
    # Plain text, not an enum: the request's `by` is the enum of the same two values.
    cancelled_by_party = serializers.CharField(
        read_only=True, help_text="Who cancelled: `patient` or `clinic`; empty unless cancelled."
    )

    class Meta:
        model = InfusionSession
        fields = (
            "id", "cycle", "patient", "clinic", "chair", "nurse", "sequence", "session_count",
            "starts_at", "ends_at", "starts_local", "ends_local", "timezone", "status", "version", "extra_monitoring",
            "booked_at", "confirmed_at", "checked_in_at", "chair_started_at", "completed_at", "early_completion_reason",
            "cancelled_at", "cancelled_by_party", "cancel_reason", "no_show_at", "reschedule_requested_at",
            "made_up_for",
        )
        read_only_fields = fields
        extra_kwargs = {
            "version": {"help_text": "Grows with every change; patient links bind to it."},
            "reschedule_requested_at": {
                "help_text": "When the patient asked, through the link in an email, to move this session; "
                "null when not asked, and cleared once it moves."
            },
            "extra_monitoring": {"help_text": "Sessions 1–3 of a course: watch blood pressure closely."},
            "chair_started_at": {"help_text": "When the patient sat in the chair (the infusion started)."},
            "made_up_for": {"help_text": "A make-up session: the cancelled or missed session of the course it "
                            "replaces (id); null for a session booked with the course."},
        }

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_local(self, obj: InfusionSession) -> str:
        return obj.starts_at.astimezone(obj.clinic.tz).isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_ends_local(self, obj: InfusionSession) -> str:
        return obj.ends_at.astimezone(obj.clinic.tz).isoformat()


class RescheduleSerializer(StrictSerializer):
    starts_at = StartField(help_text=f"The new start. {LOCAL_OR_INSTANT_HELP}")
    chair = ScopedPrimaryKeyRelatedField(
        name="chair", queryset=Chair.objects.all(), required=False, allow_null=True,
        help_text="A chair of the session's clinic; left out, the session keeps its chair if free, else the "
        "system chooses.",
    )
    nurse = ScopedPrimaryKeyRelatedField(
        name="nurse", queryset=StaffMember.objects.filter(role=StaffRole.NURSE), required=False, allow_null=True,
        help_text="A nurse of the session's clinic; left out, the session keeps its nurse if free, else the "
        "system chooses.",
    )
    scope = StrictChoiceField(
        choices=[(SCOPE_THIS, "This session only"), (SCOPE_FOLLOWING, "This and every later upcoming session")],
        default=SCOPE_THIS,
        help_text="`this`: move only this session. `following`: move it and every later upcoming session of the "
        "course by the same wall-clock offset.",
    )


class RescheduledSerializer(serializers.Serializer):
    session = SessionSerializer(help_text="The session asked to move, as it is now.")
    moved = SessionSerializer(many=True, help_text="Every session moved (this one first, then later ones).")


class CancelSerializer(StrictSerializer):
    reason = StrictCharField(max_length=300, help_text="Why; kept with the session.")
    by = StrictChoiceField(choices=CancelledBy.choices, help_text="Who asked: the patient or the clinic.")


class CompleteSerializer(StrictSerializer):
    reason = StrictCharField(
        max_length=300, required=False, allow_blank=True,
        help_text="Why the session ends before the protocol's chair time has passed (needed then; kept with the "
        "session). Ignored when the chair time has passed.",
    )


# --- Cycles --------------------------------------------------------------------------------------


class ProgressSerializer(serializers.Serializer):
    completed = serializers.IntegerField(help_text="k: sessions completed.")
    total = serializers.IntegerField(help_text="n: sessions in the course.")
    next_sequence = serializers.IntegerField(
        allow_null=True, help_text="The sequence number of the next session not yet done (booked, confirmed, "
        "checked in or in the chair); null when none is left."
    )
    # The stub types `label` as Field's own label text; here it is a declared field (the metaclass collects it).
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='"session k of n", k the session the patient is at (the next not yet done); '
        '"k of n done" once nothing is left.'
    )


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. window_warning: the course stretches past the protocol's "
                                 "recommended span.")
    message = serializers.CharField()
    details = serializers.DictField()


class CycleSerializer(serializers.ModelSerializer):
    """A course with its sessions in order and its progress."""

    timezone = serializers.CharField(source="clinic.timezone", read_only=True, help_text="The clinic's IANA time zone.")
    progress = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField(
        help_text="What the rules allowed but the desk should know, e.g. window_warning. Given when the course "
        "is booked; empty elsewhere."
    )
    sessions = SessionSerializer(many=True, read_only=True, help_text="Every session of the course, by sequence.")
    sessions_short = serializers.SerializerMethodField(
        help_text="How many sessions the course lacks to reach `session_count` (cancelled or missed ones not made "
        "up); 0 once it has ended. A short course may get a make-up: `POST /api/v1/cycles/{id}/make-up/`."
    )
    # Declared, not generated: DRF drops allow_blank on read-only choice fields, and "" is the usual value.
    review_reason = serializers.ChoiceField(
        choices=ReviewReason.choices, allow_blank=True, read_only=True,
        help_text="Why the course is flagged: after_session, early_dropout; empty when it is not.",
    )

    class Meta:
        model = TreatmentCycle
        fields = (
            "id", "patient", "protocol", "clinic", "timezone", "status", "session_count", "version",
            "needs_review", "review_reason", "created_at", "ended_at", "cancel_reason", "progress", "warnings",
            "sessions", "sessions_short",
        )
        read_only_fields = fields
        extra_kwargs = {
            "needs_review": {"help_text": "Flagged for a clinician's review (after session 3, or an early miss)."},
            "session_count": {"help_text": "n: sessions in the course."},
        }

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj: TreatmentCycle) -> dict[str, Any]:
        return dict(cycle_progress(cycle=obj).as_dict())

    @extend_schema_field(OpenApiTypes.INT)
    def get_sessions_short(self, obj: TreatmentCycle) -> int:
        return cycle_sessions_short(cycle=obj)

    @extend_schema_field(WarningSerializer(many=True))
    def get_warnings(self, obj: TreatmentCycle) -> list:
        return [
            {"code": w.code, "message": w.message, "details": dict(w.details)}
            for w in self.context.get("warnings", ())
        ]


class BookSessionSerializer(StrictSerializer):
    starts_at = StartField(help_text=f"When the session starts. {LOCAL_OR_INSTANT_HELP}")
    chair = ScopedPrimaryKeyRelatedField(
        name="chair", queryset=Chair.objects.all(), required=False, allow_null=True,
        help_text="A chair of the clinic; left out or null, the system chooses a free one.",
    )
    nurse = ScopedPrimaryKeyRelatedField(
        name="nurse", queryset=StaffMember.objects.filter(role=StaffRole.NURSE), required=False, allow_null=True,
        help_text="A nurse of the clinic; left out or null, the system chooses one on shift with capacity.",
    )


class CycleBookSerializer(StrictSerializer):
    patient = ScopedPrimaryKeyRelatedField(name="patient", queryset=Patient.objects.all(), help_text="The patient (id).")
    protocol = ScopedPrimaryKeyRelatedField(
        name="protocol",
        queryset=Protocol.objects.all(),
        scope=lambda ids: Q(pk__in=Protocol.objects.offered_at(ids)),
        help_text="The protocol (id): the clinic's own or a shared template.",
    )
    clinic = clinic_field(help_text="Where the sessions take place (id).")
    # many=True makes a ListSerializer, which takes min_length and max_length; the stub types the child's arguments.
    sessions = BookSessionSerializer(  # type: ignore[call-arg]
        many=True, min_length=1, max_length=52,
        help_text="One entry per session of the protocol, in any order: they are numbered by time.",
    )


class CycleCancelSerializer(StrictSerializer):
    reason = StrictCharField(max_length=300, help_text="Why the course ends; kept with it and its sessions.")
    by = StrictChoiceField(
        choices=CancelledBy.choices, default=CancelledBy.CLINIC, help_text="Who asked (default: the clinic)."
    )


class MakeUpSerializer(StrictSerializer):
    starts_at = StartField(help_text=f"When the make-up session starts. {LOCAL_OR_INSTANT_HELP}")
    replaces = ScopedPrimaryKeyRelatedField(
        name="session", queryset=InfusionSession.objects.all(),
        help_text="The cancelled, late-cancelled or no-show session of this course the make-up replaces (id).",
    )
    chair = ScopedPrimaryKeyRelatedField(
        name="chair", queryset=Chair.objects.all(), required=False, allow_null=True,
        help_text="A chair of the course's clinic; left out or null, the system chooses a free one.",
    )
    nurse = ScopedPrimaryKeyRelatedField(
        name="nurse", queryset=StaffMember.objects.filter(role=StaffRole.NURSE), required=False, allow_null=True,
        help_text="A nurse of the course's clinic; left out or null, the system chooses one on shift with capacity.",
    )
