"""The admin for patients, and read-only views of courses, sessions and their history.

Courses and sessions change only through bookings.services, which hold the booking guarantees (no double
booking, spacing, nurse capacity, legal transitions, versions); the admin never writes them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from bookings.models import FreedSlot, InfusionSession, Patient, SessionEvent, SessionStatus, TreatmentCycle
from common.admin import ReadOnlyMixin
from scheduler.admin_base import ClinicModelAdmin, ClinicSpanColumns, ClinicTabularInline, RelatedOnly, local_time

READ_ONLY_NOTICE = (
    "Read-only: courses and sessions are booked, moved and cancelled through the booking services "
    "(the front desk), which keep chairs, nurses and patients free of double bookings and the protocol's "
    "spacing intact. Times are in the clinic's time zone."
)


# --- Patients ------------------------------------------------------------------------------------


class PatientAdminForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = (
            "clinic", "first_name", "last_name", "date_of_birth", "email", "phone", "timezone",
            "email_consent", "email_consent_at", "email_consent_source",
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # what ModelForm.clean() returns (typed as possibly None)
        if cleaned.get("email_consent"):
            if not (cleaned.get("email_consent_source") or "").strip():
                self.add_error(
                    "email_consent_source", "Say where the patient gave consent (intake form, phone call, web…)."
                )
            consent_at = cleaned.get("email_consent_at")
            if consent_at is None and "email_consent_at" not in self.errors:
                # Consent recorded now unless the desk says when it was given (the database requires a time).
                cleaned["email_consent_at"] = timezone.now()
            elif consent_at is not None and consent_at > timezone.now():
                self.add_error("email_consent_at", "Consent cannot be given in the future.")
        return cleaned


class CycleInline(ReadOnlyMixin, ClinicTabularInline):
    model = TreatmentCycle
    fk_name = "patient"
    fields = ("protocol", "status", "session_count", "needs_review", "created_local")
    readonly_fields = ("created_local",)
    show_change_link = True
    verbose_name_plural = "treatment courses"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("protocol", "clinic")

    @admin.display(description="Booked (clinic time)")
    def created_local(self, obj):
        return local_time(obj.created_at, obj.clinic.tz, obj.clinic.clock_format)


@admin.register(Patient)
class PatientAdmin(ClinicModelAdmin):
    form = PatientAdminForm
    list_display = ("last_name", "first_name", "date_of_birth", "clinic", "email", "phone", "email_consent", "created_local")
    list_display_links = ("last_name", "first_name")
    list_filter = ("email_consent", ("clinic", RelatedOnly))
    list_select_related = ("clinic",)
    search_fields = ("first_name", "last_name", "email", "phone", "=id")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("clinic", ("first_name", "last_name"), "date_of_birth")}),
        ("Contact", {"fields": ("email", "phone", "timezone")}),
        (
            "Email consent",
            {
                "fields": ("email_consent", "email_consent_at", "email_consent_source"),
                "description": "Reminders go only to patients who consented. Leave the time empty to record it as now.",
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (CycleInline,)

    @admin.display(description="Added (clinic time)", ordering="created_at")
    def created_local(self, obj):
        return local_time(obj.created_at, obj.clinic.tz, obj.clinic.clock_format)


# --- Courses and sessions (read-only) -----------------------------------------------------------


class SessionInline(ReadOnlyMixin, ClinicTabularInline):
    model = InfusionSession
    fields = ("sequence", "starts_local", "ends_local", "status", "chair", "nurse", "extra_monitoring", "version")
    readonly_fields = ("starts_local", "ends_local")
    show_change_link = True
    ordering = ("sequence", "pk")

    def get_queryset(self, request):
        # A session's title names "k of n", read from its cycle.
        return super().get_queryset(request).select_related("clinic", "chair", "nurse", "cycle")

    @admin.display(description="Starts (clinic time)")
    def starts_local(self, obj):
        return local_time(obj.starts_at, obj.clinic.tz, obj.clinic.clock_format)

    @admin.display(description="Ends (clinic time)")
    def ends_local(self, obj):
        return local_time(obj.ends_at, obj.clinic.tz, obj.clinic.clock_format)


@admin.register(TreatmentCycle)
class TreatmentCycleAdmin(ReadOnlyMixin, ClinicModelAdmin):
    list_display = ("id", "patient", "protocol", "clinic", "status", "progress", "needs_review", "created_local")
    list_filter = ("status", "needs_review", "review_reason", ("clinic", RelatedOnly), ("protocol", RelatedOnly))
    list_select_related = ("patient", "protocol", "clinic")
    search_fields = ("=id", "patient__first_name", "patient__last_name")
    inlines = (SessionInline,)
    admin_notice = READ_ONLY_NOTICE

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            sessions_done=Count("sessions", filter=Q(sessions__status=SessionStatus.COMPLETED))
        )

    @admin.display(description="Done")
    def progress(self, obj):
        return f"{obj.sessions_done} of {obj.session_count}"

    @admin.display(description="Booked (clinic time)", ordering="created_at")
    def created_local(self, obj):
        return local_time(obj.created_at, obj.clinic.tz, obj.clinic.clock_format)


class EventInline(ReadOnlyMixin, ClinicTabularInline):
    model = SessionEvent
    clinic_lookup = "session__clinic"
    fields = ("at_local", "kind", "from_status", "to_status", "version", "by", "data")
    readonly_fields = ("at_local",)
    ordering = ("at", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "session__clinic")

    @admin.display(description="When (clinic time)")
    def at_local(self, obj):
        return local_time(obj.at, obj.session.clinic.tz, obj.session.clinic.clock_format)


@admin.register(InfusionSession)
class InfusionSessionAdmin(ClinicSpanColumns, ReadOnlyMixin, ClinicModelAdmin):
    list_display = ("starts_local", "patient", "position", "status", "chair", "nurse", "clinic", "extra_monitoring", "version")
    list_display_links = ("starts_local",)
    list_filter = (
        "status", "extra_monitoring", ("clinic", RelatedOnly), ("chair", RelatedOnly), ("nurse", RelatedOnly),
    )
    list_select_related = ("patient", "cycle", "chair", "nurse", "clinic")
    search_fields = ("=id", "=cycle__id", "patient__first_name", "patient__last_name")
    date_hierarchy = "starts_at"
    fieldsets = (
        (None, {"fields": ("patient", "cycle", "position", "status", "version", "extra_monitoring")}),
        ("When and where", {"fields": ("starts_local", "ends_local", "clinic", "chair", "nurse")}),
        (
            "History",
            {
                "fields": (
                    ("booked_at", "booked_by"),
                    ("confirmed_at", "confirmed_by"),
                    ("checked_in_at", "checked_in_by"),
                    ("chair_started_at", "chair_started_by"),
                    ("completed_at", "completed_by"),
                    ("cancelled_at", "cancelled_by", "cancelled_by_party"),
                    "cancel_reason",
                    ("no_show_at", "no_show_by"),
                    "updated_at",
                )
            },
        ),
    )
    readonly_fields = ("position", "starts_local", "ends_local")
    inlines = (EventInline,)
    admin_notice = READ_ONLY_NOTICE

    @admin.display(description="Session", ordering="sequence")
    def position(self, obj):
        return f"{obj.sequence} of {obj.cycle.session_count}"


@admin.register(SessionEvent)
class SessionEventAdmin(ReadOnlyMixin, ClinicModelAdmin):
    clinic_lookup = "session__clinic"
    list_display = ("at_local", "session_link", "kind", "from_status", "to_status", "version", "by")
    list_filter = ("kind", "to_status", ("session__clinic", RelatedOnly))
    list_select_related = ("session__clinic", "session__patient", "by")
    search_fields = ("=session__id", "session__patient__first_name", "session__patient__last_name")
    date_hierarchy = "at"
    ordering = ("-at", "-pk")
    admin_notice = READ_ONLY_NOTICE

    @admin.display(description="When (clinic time)", ordering="at")
    def at_local(self, obj):
        return local_time(obj.at, obj.session.clinic.tz, obj.session.clinic.clock_format)

    @admin.display(description="Session", ordering="session__starts_at")
    def session_link(self, obj):
        s = obj.session
        return f"#{s.pk} {s.patient} {local_time(s.starts_at, s.clinic.tz, s.clinic.clock_format)}"


@admin.register(FreedSlot)
class FreedSlotAdmin(ClinicSpanColumns, ReadOnlyMixin, ClinicModelAdmin):
    """The waitlist's outbox of freed chair time: what became of each freed slot (offered, none, past, not free)."""

    list_display = ("starts_local", "ends_local", "chair", "clinic", "cause", "created_at", "handled_at", "outcome")
    list_display_links = ("starts_local",)
    list_filter = ("cause", "outcome", ("clinic", RelatedOnly), ("chair", RelatedOnly))
    list_select_related = ("chair", "clinic")
    date_hierarchy = "starts_at"
    ordering = ("-created_at", "-pk")
    admin_notice = (
        "Read-only: a cancel, a move away, a lifted closure or a closed offer writes these rows; the waitlist offers "
        "each once. Times are in the clinic's time zone."
    )
