"""Serializers of the clinic configuration: they check input against the rows' own rules and show rows.

Config rows are plain records, so writes are ModelSerializer CRUD (docs/API_CONVENTIONS.md); the views run
them inside `transaction.atomic`. Every rule a database constraint holds is checked here first, so a client
gets a 400 naming the field, never an IntegrityError. Related ids are looked up among the requesting user's
clinics only: another clinic's id reads exactly like one that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import serializers

from common.access import scope_to_user_clinics
from common.fields import WallClockTimeField
from common.serializers import (
    StrictIntegerField,
    StrictListField,
    StrictModelSerializer,
)
from scheduler.api.fields import ClinicDateTimeField, InUserClinicsField, clinic_field, hhmm, localized
from scheduler.models import (
    Chair,
    Clinic,
    Closure,
    OpeningHours,
    Protocol,
    Shift,
    StaffMember,
    TimeOff,
    Weekday,
    email_name_check,
)
from scheduler.services import shifts_overlap

if TYPE_CHECKING:
    # The mixin comes before a ModelSerializer in every MRO: to mypy, that serializer is its base.
    _SerializerBase = StrictModelSerializer
else:
    _SerializerBase = object


class ConfigSerializer(StrictModelSerializer):
    """Shared helpers: the value a field will have after this write (given, or the stored one)."""

    def value(self, attrs: dict, name: str):
        if name in attrs:
            return attrs[name]
        return getattr(self.instance, name, None)


class ClinicOwnedSerializer(ConfigSerializer):
    """A row of one clinic: `clinic` is one of the user's clinics, and a row never moves to another.

    Moving a chair or a nurse would leave their booked sessions pointing at another clinic's resource.
    """

    noun = "row"
    clinic = clinic_field()

    def validate_clinic(self, clinic):
        if self.instance is not None and getattr(clinic, "pk", None) != self.instance.clinic_id:
            raise serializers.ValidationError(
                f"A {self.noun} stays in the clinic it was created in; create a new one in the other clinic instead."
            )
        return clinic


class NestedSetMixin(_SerializerBase):
    """A nested list (`nested_field` rows of `nested_model`, pointing back by `nested_fk`) written whole:
    given on create or update, it replaces the stored set (the view wraps the save in a transaction);
    left out of an update, the stored rows stay."""

    nested_field: str
    nested_model: Any  # a model class
    nested_fk: str

    def _replace_nested(self, owner, rows) -> None:
        self.nested_model.objects.filter(**{self.nested_fk: owner}).delete()
        self.nested_model.objects.bulk_create(self.nested_model(**{self.nested_fk: owner}, **row) for row in rows)

    def create(self, validated_data):
        rows = validated_data.pop(self.nested_field, [])
        owner = super().create(validated_data)
        self._replace_nested(owner, rows)
        return owner

    def update(self, instance, validated_data):
        rows = validated_data.pop(self.nested_field, None)
        owner = super().update(instance, validated_data)
        if rows is not None:
            self._replace_nested(owner, rows)
        return owner


class WholeRowMixin(_SerializerBase):
    """A row of a nested set, which a write replaces whole: every row needs its required fields, in a
    partial update (PATCH) too, where DRF would let a nested row leave them out and validate() or the
    database would then fail on the missing half. Answered as a create answers it."""

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        missing = {
            name: [field.error_messages["required"]]
            for name, field in self.fields.items()
            if field.required and name not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


# --- Clinics ------------------------------------------------------------------------------------


class OpeningHoursSerializer(WholeRowMixin, StrictModelSerializer):
    """One opening span on a weekday, in the clinic's local time."""

    opens = WallClockTimeField(help_text="Wall-clock time in the clinic's zone, HH:MM[:SS].")
    closes = WallClockTimeField(help_text="Wall-clock time in the clinic's zone, after `opens` (no span past midnight).")

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        extra_kwargs = {"weekday": {"help_text": "0 = Monday … 6 = Sunday."}}

    def validate(self, attrs):
        if attrs["closes"] <= attrs["opens"]:
            raise serializers.ValidationError({"closes": ["Must be after `opens` (a span cannot pass midnight)."]})
        return attrs


class ClinicSerializer(NestedSetMixin, StrictModelSerializer):
    """A clinic (location): its time zone, contact details, scheduling rules and weekly opening hours."""

    nested_field, nested_model, nested_fk = "opening_hours", OpeningHours, "clinic"

    opening_hours = OpeningHoursSerializer(
        many=True,
        required=False,
        help_text="The weekly opening spans. When given on create or update it replaces the whole set; "
        "left out, the stored set stays. A weekday may have several spans, which must not overlap.",
    )

    reminder_offsets_hours = StrictListField(
        child=StrictIntegerField(min_value=1, max_value=336),
        required=False,
        max_length=6,
        unique=True,
        help_text="Hours before each session at which a reminder is emailed; default [72, 24]. Add 2 for a "
        "same-day note.",
    )

    quiet_hours_start = WallClockTimeField(
        required=False, help_text="No reminder is sent from this time (patient's time zone); it is moved earlier."
    )
    quiet_hours_end = WallClockTimeField(required=False, help_text="… until this time the next morning.")

    class Meta:
        model = Clinic
        fields = [
            "id", "name", "slug", "timezone", "address", "phone", "email", "is_active",
            "nurse_max_concurrent", "start_stagger_minutes", "late_cancel_hours", "no_show_minutes",
            "opening_hours", "reminder_offsets_hours", "quiet_hours_start", "quiet_hours_end",
            "preparation_rules", "booster_recall_days", "email_name", "require_two_factor",
            "clock_format",
        ]
        extra_kwargs = {
            "timezone": {"help_text": "IANA time zone name, e.g. America/New_York. Opening hours, shifts and "
                         "wall-clock times given without an offset are read in it."},
            "slug": {"help_text": "Short name of the clinic, unique among the clinics you belong to."},
            "is_active": {"help_text": "An inactive clinic takes no new bookings."},
            "clock_format": {"help_text": "How staff pages and patient emails print a time of day: `24h` "
                             "(14:30, the default) or `12h` (2:30 PM). API values stay ISO 8601."},
            "name": {"help_text": "The clinic's own name, shown to staff. Patients' emails and calendar entries "
                     "show `email_name` instead."},
        }

    def validate_slug(self, slug):
        # Only the requesting user's clinics count: a clash elsewhere would confirm a clinic they cannot see.
        visible = scope_to_user_clinics(Clinic.objects.filter(slug=slug), self.context["request"].user, field="pk")
        if self.instance is not None:
            visible = visible.exclude(pk=self.instance.pk)
        if visible.exists():
            raise serializers.ValidationError("One of your clinics already has this slug.")
        return slug

    def validate_email_name(self, value):
        # The field's own check knows the deny-list; this adds the words of the protocols the clinic books.
        email_name_check(value, clinic=self.instance)
        return value

    def validate_reminder_offsets_hours(self, value):
        return sorted(value, reverse=True)

    def validate_opening_hours(self, hours):
        ordered = sorted(hours, key=lambda h: (h["weekday"], h["opens"]))
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a["weekday"] == b["weekday"] and b["opens"] < a["closes"]:
                raise serializers.ValidationError(
                    f"{Weekday(a['weekday']).label}: {hhmm(a['opens'])}–{hhmm(a['closes'])} overlaps "
                    f"{hhmm(b['opens'])}–{hhmm(b['closes'])}."
                )
        return hours



# --- Chairs -------------------------------------------------------------------------------------


class ChairSerializer(ClinicOwnedSerializer):
    """An infusion chair of a clinic; names are unique within the clinic."""

    noun = "chair"

    class Meta:
        model = Chair
        fields = ["id", "clinic", "name", "is_active"]
        extra_kwargs = {"is_active": {"help_text": "An inactive chair (out of service) is not booked."}}
        # The (clinic, name) uniqueness is checked in validate(), naming the field.
        validators: list[Any] = []

    def validate(self, attrs):
        clinic, name = self.value(attrs, "clinic"), self.value(attrs, "name")
        clash = Chair.objects.filter(clinic=clinic, name=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"name": ["This clinic already has a chair with this name."]})
        return attrs


# --- Staff --------------------------------------------------------------------------------------


class ShiftSerializer(WholeRowMixin, StrictModelSerializer):
    """A weekly working span: this weekday from `starts` to `ends` (clinic local time), between optional dates."""

    starts = WallClockTimeField(help_text="Wall-clock time in the clinic's zone, HH:MM[:SS].")
    ends = WallClockTimeField(help_text="Wall-clock time in the clinic's zone, after `starts`.")

    class Meta:
        model = Shift
        fields = ["weekday", "starts", "ends", "valid_from", "valid_until"]
        extra_kwargs = {
            "weekday": {"help_text": "0 = Monday … 6 = Sunday."},
        }

    def validate(self, attrs):
        if attrs["ends"] <= attrs["starts"]:
            raise serializers.ValidationError({"ends": ["Must be after `starts` (a shift cannot pass midnight)."]})
        valid_from, valid_until = attrs.get("valid_from"), attrs.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            raise serializers.ValidationError({"valid_until": ["Must be on or after `valid_from`."]})
        return attrs


class StaffMemberSerializer(NestedSetMixin, ClinicOwnedSerializer):
    """A nurse or provider of a clinic, with the weekly shifts sessions are assigned in."""

    nested_field, nested_model, nested_fk = "shifts", Shift, "staff"

    noun = "staff member"
    shifts = ShiftSerializer(
        many=True,
        required=False,
        help_text="The weekly working pattern. When given on create or update it replaces the whole set; "
        "left out, the stored set stays. Shifts on one weekday must not overlap while both are valid.",
    )

    class Meta:
        model = StaffMember
        fields = ["id", "clinic", "user", "first_name", "last_name", "role", "email", "is_active", "shifts"]
        extra_kwargs = {
            "user": {"read_only": True, "help_text": "Id of the linked login account, if any (set in the admin)."},
            "role": {"help_text": "Nurses are scheduled to sessions; providers supervise."},
            "is_active": {"help_text": "An inactive staff member is not scheduled."},
        }

    def validate_shifts(self, shifts):
        for i, a in enumerate(shifts):
            for b in shifts[i + 1 :]:
                if shifts_overlap(a, b):
                    raise serializers.ValidationError(
                        f"{Weekday(a['weekday']).label}: {hhmm(a['starts'])}–{hhmm(a['ends'])} overlaps "
                        f"{hhmm(b['starts'])}–{hhmm(b['ends'])}."
                    )
        return shifts



# --- Protocols ----------------------------------------------------------------------------------

#: (smaller, larger): when both are set the second must not be below the first (some are DB checks).
_ORDERED_PROTOCOL_FIELDS = [
    ("min_gap_hours", "max_gap_hours"),
    ("min_gap_days", "max_gap_days"),
    ("recall_min_days", "recall_max_days"),
    ("target_window_days", "window_days"),
]


class ProtocolSerializer(ClinicOwnedSerializer):
    """A treatment protocol: sessions per course, their spacing and chair time. No clinic: a shared template."""

    noun = "protocol"
    clinic = clinic_field(
        allow_null=True,
        required=False,
        help_text="Id of the clinic (one of yours) that owns the protocol; null for a template shared by every "
        "clinic, which only a superuser may create or change. Fixed once created.",
    )

    class Meta:
        model = Protocol
        fields = [
            "id", "clinic", "name", "slug", "indication", "route", "is_active",
            "session_count", "chair_minutes", "first_visit_extra_minutes",
            "min_gap_hours", "max_gap_hours", "min_gap_days", "max_gap_days", "consecutive_weekdays",
            "window_days", "target_window_days", "warn_window_days",
            "extra_monitoring_sessions", "review_after_session", "recall_min_days", "recall_max_days", "notes",
        ]
        extra_kwargs = {
            "slug": {"help_text": "Unique among the clinic's protocols (or among the shared templates)."},
            "session_count": {"help_text": "Sessions in one course, 1–52."},
            "chair_minutes": {"help_text": "How long one visit holds a chair, 15–720 minutes: pre-checks, infusion, "
                              "recovery and turnover."},
            "first_visit_extra_minutes": {"help_text": "Added to the first visit's chair time."},
            "max_gap_hours": {"help_text": "Most time from one session's start to the next one's; ≥ min_gap_hours."},
            "max_gap_days": {"help_text": "Most calendar days between sessions; ≥ min_gap_days."},
            "recall_max_days": {"help_text": "Booster protocols: latest recall after the last session; "
                                "≥ recall_min_days."},
            "window_days": {"help_text": "Hard limit: all sessions fall within this many calendar days, the first "
                            "day counting as 1; ≥ target_window_days."},
        }
        # The slug uniqueness (per clinic, and among shared templates) is checked in validate().
        validators: list[Any] = []

    def validate(self, attrs):
        errors = {}
        for low, high in _ORDERED_PROTOCOL_FIELDS:
            low_value, high_value = self.value(attrs, low), self.value(attrs, high)
            if low_value is not None and high_value is not None and high_value < low_value:
                errors[high] = [f"Must be at least {low} ({low_value})."]
        clash = Protocol.objects.filter(clinic=self.value(attrs, "clinic"), slug=self.value(attrs, "slug"))
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            errors["slug"] = ["A protocol with this slug already exists in this clinic (or among the shared templates)."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- Closures and time off ----------------------------------------------------------------------

_INSTANT_HELP = "ISO 8601 instant; without an offset it is a wall-clock time in the clinic's zone."


class SpanSerializer(ConfigSerializer):
    """A span from starts_at to ends_at; naive values are read in `span_clinic`'s zone."""

    starts_at = ClinicDateTimeField(help_text=_INSTANT_HELP)
    ends_at = ClinicDateTimeField(help_text=_INSTANT_HELP + " After `starts_at`.")

    def span_clinic(self, attrs) -> Clinic:
        raise NotImplementedError

    def validate(self, attrs):
        clinic = self.span_clinic(attrs)
        for name in ("starts_at", "ends_at"):
            if name in attrs:
                attrs[name] = localized(attrs[name], clinic, name)
        if self.value(attrs, "ends_at") <= self.value(attrs, "starts_at"):
            raise serializers.ValidationError({"ends_at": ["Must be after `starts_at`."]})
        return attrs


class ClosureSerializer(SpanSerializer, ClinicOwnedSerializer):
    """A span when a clinic takes no sessions."""

    noun = "closure"
    chair = InUserClinicsField(
        queryset=Chair.objects.all(),
        noun="Chair",
        required=False,
        allow_null=True,
        help_text="Null (the default): the whole clinic is closed. A chair's id (of the same clinic): only that "
        "chair is out of service (e.g. maintenance); the rest of the clinic works.",
    )

    class Meta:
        model = Closure
        fields = ["id", "clinic", "chair", "starts_at", "ends_at", "reason"]
        extra_kwargs = {"reason": {"help_text": "Shown to staff, e.g. \"Thanksgiving\" or \"Staff training\"."}}

    def span_clinic(self, attrs) -> Clinic:
        return self.value(attrs, "clinic")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        chair = self.value(attrs, "chair")
        if chair is not None and chair.clinic_id != self.value(attrs, "clinic").pk:
            raise serializers.ValidationError({"chair": ["That chair belongs to another clinic than the closure's."]})
        return attrs


class TimeOffSerializer(SpanSerializer):
    """A span when a staff member is away and is assigned no sessions."""

    staff = InUserClinicsField(
        queryset=StaffMember.objects.select_related("clinic"),
        noun="Staff member",
        help_text="Id of the staff member (of one of your clinics). Fixed once created.",
    )

    class Meta:
        model = TimeOff
        fields = ["id", "staff", "starts_at", "ends_at", "reason"]

    def validate_staff(self, staff):
        if self.instance is not None and staff.pk != self.instance.staff_id:
            raise serializers.ValidationError("Time off stays with its staff member; create a new entry instead.")
        return staff

    def span_clinic(self, attrs) -> Clinic:
        return self.value(attrs, "staff").clinic
