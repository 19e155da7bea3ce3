"""The pump courses in the admin, scoped to the user's clinics (scheduler.admin_base): a clinic's pumps (with their
maintenance), its pump settings and its own pump protocols are edited here (a shared protocol is the superuser's);
courses, episodes and their visits are read-only: they change only through pumps.services, which keep pumps and
patients free of double bookings and the transitions legal."""

from __future__ import annotations

from django.contrib import admin

from common.admin import ReadOnlyMixin
from pumps import admin_emails  # noqa: F401  (the episode outbox's admin registers itself)
from pumps.models import Episode, EpisodeVisit, Pump, PumpCourse, PumpMaintenance, PumpProtocol, PumpSettings
from scheduler.admin_base import ClinicModelAdmin, ClinicSpanColumns, ClinicTabularInline, RelatedOnly, local_time

READ_ONLY_NOTICE = (
    "Read-only: pump courses, episodes and visits are booked, recorded and cancelled through the pump services "
    "(the front desk and the API), which keep pumps and patients free of double bookings. Times are in the clinic's "
    "time zone."
)


@admin.register(PumpSettings)
class PumpSettingsAdmin(ClinicModelAdmin):
    list_display = ("clinic", "turnaround_hours", "return_grace_hours")
    list_select_related = ("clinic",)


class PumpMaintenanceInline(ClinicTabularInline):
    model = PumpMaintenance
    clinic_lookup = "pump__clinic"
    fields = ("starts_at", "ends_at", "reason")


@admin.register(Pump)
class PumpAdmin(ClinicModelAdmin):
    list_display = ("label", "serial_number", "status", "clinic", "updated_at")
    list_filter = ("status", ("clinic", RelatedOnly))
    list_select_related = ("clinic",)
    search_fields = ("label", "serial_number", "=id")
    fields = ("clinic", "label", "serial_number", "status", "notes")
    inlines = (PumpMaintenanceInline,)
    admin_notice = "A pump in maintenance or retired is offered for no new episode; a maintenance span keeps it out " \
        "for those dates only."


@admin.register(PumpMaintenance)
class PumpMaintenanceAdmin(ClinicModelAdmin):
    clinic_lookup = "pump__clinic"
    list_display = ("pump", "starts_local", "ends_local", "reason")
    list_filter = (("pump", RelatedOnly),)
    list_select_related = ("pump__clinic",)

    @admin.display(description="Starts (clinic time)", ordering="starts_at")
    def starts_local(self, obj):
        return local_time(obj.starts_at, obj.pump.clinic.tz, obj.pump.clinic.clock_format)

    @admin.display(description="Ends (clinic time)", ordering="ends_at")
    def ends_local(self, obj):
        return local_time(obj.ends_at, obj.pump.clinic.tz, obj.pump.clinic.clock_format)


@admin.register(PumpProtocol)
class PumpProtocolAdmin(ClinicModelAdmin):
    shared_when_null = True
    list_display = ("name", "scope", "episode_days", "episodes_per_course", "review_mode", "is_active")
    list_filter = ("review_mode", "is_active")
    list_select_related = ("clinic",)
    search_fields = ("name", "slug", "indication")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("clinic", "name", "slug", "indication", "is_active")}),
        ("Episodes", {"fields": ("episode_days", "episodes_per_course",
                                 ("min_days_between_episodes", "max_days_between_episodes"))}),
        ("Visits", {"fields": ("fitting_minutes", ("review_mode", "review_minutes"), "review_needs_chair",
                               "phone_review_when_closed", "removal_minutes")}),
        (None, {"fields": ("notes",)}),
    )
    admin_notice = "A pump protocol with no clinic is shared: every clinic may book it, only a superuser may change it."

    @admin.display(description="Clinic", ordering="clinic__name")
    def scope(self, obj):
        return obj.clinic or "Shared"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "clinic" and not request.user.is_superuser:
            assert formfield is not None  # a ForeignKey always has a form field here
            formfield.required = True  # only a superuser creates shared protocols
            formfield.empty_label = None
        return formfield


# --- Courses, episodes, visits (read-only) ---------------------------------------------------------------------


class EpisodeInline(ReadOnlyMixin, ClinicTabularInline):
    model = Episode
    fields = ("number", "pump", "status", "starts_local", "ends_local", "version")
    readonly_fields = ("starts_local", "ends_local")
    show_change_link = True
    ordering = ("number", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clinic", "pump")

    @admin.display(description="Fitting (clinic time)")
    def starts_local(self, obj):
        return local_time(obj.starts_at, obj.clinic.tz, obj.clinic.clock_format)

    @admin.display(description="Removal end (clinic time)")
    def ends_local(self, obj):
        return local_time(obj.ends_at, obj.clinic.tz, obj.clinic.clock_format)


@admin.register(PumpCourse)
class PumpCourseAdmin(ReadOnlyMixin, ClinicModelAdmin):
    list_display = ("id", "patient", "protocol", "clinic", "status", "created_at")
    list_filter = ("status", ("clinic", RelatedOnly), ("protocol", RelatedOnly))
    list_select_related = ("patient", "protocol", "clinic")
    search_fields = ("=id", "patient__first_name", "patient__last_name")
    inlines = (EpisodeInline,)
    admin_notice = READ_ONLY_NOTICE


class VisitInline(ReadOnlyMixin, ClinicTabularInline):
    model = EpisodeVisit
    fields = ("day", "kind", "mode", "starts_local", "status", "chair", "nurse", "note")
    readonly_fields = ("starts_local",)
    ordering = ("day", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clinic", "chair", "nurse")

    @admin.display(description="Starts (clinic time)")
    def starts_local(self, obj):
        return local_time(obj.starts_at, obj.clinic.tz, obj.clinic.clock_format)


@admin.register(Episode)
class EpisodeAdmin(ClinicSpanColumns, ReadOnlyMixin, ClinicModelAdmin):
    list_display = ("starts_local", "patient", "number", "pump", "status", "clinic", "version")
    list_display_links = ("starts_local",)
    list_filter = ("status", ("clinic", RelatedOnly), ("pump", RelatedOnly))
    list_select_related = ("patient", "pump", "clinic")
    search_fields = ("=id", "=course__id", "patient__first_name", "patient__last_name")
    date_hierarchy = "starts_at"
    fieldsets = (
        (None, {"fields": ("course", "patient", "number", "pump", "status", "version")}),
        ("When", {"fields": ("starts_local", "ends_local", "pump_until", "clinic")}),
        ("History", {"fields": (
            ("booked_at", "booked_by"), ("fitted_at", "fitted_by"), ("removed_at", "removed_by"),
            "early_removal_reason", ("returned_at", "returned_by"), ("cancelled_at", "cancelled_by"), "cancel_reason",
            "updated_at",
        )}),
    )
    readonly_fields = ("starts_local", "ends_local")
    inlines = (VisitInline,)
    admin_notice = READ_ONLY_NOTICE


@admin.register(EpisodeVisit)
class EpisodeVisitAdmin(ClinicSpanColumns, ReadOnlyMixin, ClinicModelAdmin):
    list_display = ("starts_local", "patient", "kind", "day", "mode", "status", "chair", "nurse", "clinic")
    list_display_links = ("starts_local",)
    list_filter = ("kind", "status", "mode", ("clinic", RelatedOnly))
    list_select_related = ("patient", "chair", "nurse", "clinic")
    search_fields = ("=id", "=episode__id", "patient__first_name", "patient__last_name")
    fields = ("episode", "patient", "kind", "day", "mode", "starts_local", "ends_local", "chair", "nurse", "status",
              ("done_at", "done_by"), ("missed_at", "missed_by"), "note", "clinic")
    readonly_fields = ("starts_local", "ends_local")
    admin_notice = READ_ONLY_NOTICE
