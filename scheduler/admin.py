"""The admin for clinic configuration: clinics, hours, closures, chairs, staff and their shifts and time off,
protocols and users. Scoped to the user's clinics (scheduler.admin_base); a save or delete that would strand
booked sessions lists them first (scheduler.admin_impact).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils import timezone

from scheduler.admin_base import (
    ClinicModelAdmin,
    ClinicSpanColumns,
    ClinicTabularInline,
    RelatedOnly,
    User,
    clinic_scope,
    local_time,
)
from scheduler.admin_impact import ImpactAdminMixin, formset_of, formset_rows, hours_impacts, shift_impacts
from scheduler.impact import (
    Impact,
    chair_impact,
    closure_impact,
    opening_hours_impact,
    staff_impact,
    time_off_impact,
)
from scheduler.models import (
    EMAIL_NAME_FALLBACK,
    Chair,
    Clinic,
    Closure,
    OpeningHours,
    Protocol,
    Shift,
    StaffMember,
    StaffRole,
    TimeOff,
    email_name_check,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin

    # The mixins below come before an admin class in every MRO: to mypy, that class is their base.
    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object

class OpeningHoursInline(ClinicTabularInline):
    model = OpeningHours
    extra = 1


class ClosureInline(ClinicTabularInline):
    model = Closure


class ChairInline(ClinicTabularInline):
    model = Chair


class ClinicAdminForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = ["email_name"]  # the admin's fieldsets give the form its whole list of fields

    def clean_email_name(self):
        # The field's own check knows the deny-list; this adds the words of the protocols the clinic books.
        value = self.cleaned_data["email_name"]
        email_name_check(value, clinic=self.instance if self.instance.pk else None)
        return value


@admin.register(Clinic)
class ClinicAdmin(ImpactAdminMixin, ClinicModelAdmin):
    form = ClinicAdminForm
    clinic_lookup = "pk"
    list_display = (
        "name", "email_name", "slug", "timezone", "phone", "nurse_max_concurrent", "start_stagger_minutes", "is_active"
    )
    list_filter = ("is_active", "timezone")
    search_fields = ("name", "email_name", "slug", "address", "phone")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("staff",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "timezone", "clock_format", "address", "phone", "email", "is_active")}),
        (
            "Rules",
            {"fields": ("nurse_max_concurrent", "start_stagger_minutes", "late_cancel_hours", "no_show_minutes")},
        ),
        (
            "What patients are told",
            {
                "description": "Patients' emails, calendar entries and the pages behind email links name the clinic "
                f"by its email name (“{EMAIL_NAME_FALLBACK}” while it has none), never by its own name.",
                "fields": (
                    "email_name", "reminder_offsets_hours", "quiet_hours_start", "quiet_hours_end",
                    "preparation_rules", "booster_recall_days",
                ),
            },
        ),
        ("Security", {"fields": ("require_two_factor",)}),
        ("Staff accounts", {"fields": ("staff",)}),
    )
    inlines = (OpeningHoursInline, ClosureInline, ChairInline)
    impact_clinic_path = ()

    def impacts_of(self, *, old, new, formsets):
        # A new clinic has no sessions; deleting one with sessions is refused (protected).
        if old is None or new is None:
            return []
        impacts: list[Impact] = []
        hours = formset_of(formsets, OpeningHours)
        drop, add = formset_rows(hours) if hours is not None else ([], [])
        if drop or add or old.timezone != new.timezone:  # a new zone moves every day's hours
            stored = [h for h in OpeningHours.objects.filter(clinic=old) if h.pk not in {r.pk for r in drop}]
            impacts.append(opening_hours_impact(clinic=new, hours=stored + add, now=timezone.now()))
        closures = formset_of(formsets, Closure)
        if closures is not None:
            drop, add = formset_rows(closures)
            impacts += [closure_impact(old=row, new=None) for row in drop if row not in add]
            impacts += [closure_impact(old=row if row.pk else None, new=row) for row in add]
        chairs = formset_of(formsets, Chair)
        if chairs is not None:
            deleted = set(chairs.deleted_forms) if chairs.can_delete else set()
            impacts += [
                chair_impact(chair=f.instance, active=False, now=timezone.now()) for f in chairs.initial_forms
                if f.initial.get("is_active") and (f in deleted or not f.instance.is_active)
            ]
        # The calendar as the form would leave it: with the clinic's new values (its zone) too.
        return [dataclasses.replace(i, clinic=new) for i in impacts]

    def get_readonly_fields(self, request, obj=None):
        # Who belongs to which clinic is the deployment's business: a clinic admin cannot widen it.
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, "staff")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            obj.staff.add(request.user)  # else the new clinic would vanish from its creator's admin


@admin.register(OpeningHours)
class OpeningHoursAdmin(ImpactAdminMixin, ClinicModelAdmin):
    list_display = ("clinic", "weekday", "opens", "closes")
    list_filter = ("weekday", ("clinic", RelatedOnly))
    list_select_related = ("clinic",)
    search_fields = ("clinic__name",)
    admin_notice = "Times are wall-clock times in the clinic's own time zone."

    def impacts_of(self, *, old, new, formsets):
        return hours_impacts(drop=[old] if old is not None else [], add=[new] if new is not None else [])

    def impacts_deleting(self, objs):
        return hours_impacts(drop=list(objs), add=[])


@admin.register(Closure)
class ClosureAdmin(ImpactAdminMixin, ClinicSpanColumns, ClinicModelAdmin):
    list_display = ("reason", "clinic", "chair", "starts_local", "ends_local")
    list_filter = (("clinic", RelatedOnly),)
    list_select_related = ("clinic", "chair")
    search_fields = ("reason", "clinic__name")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)

    def impacts_of(self, *, old, new, formsets):
        # Lifting a closure strands nothing (the mark after the delete clears what it stranded).
        return [closure_impact(old=old, new=new)] if new is not None else []


@admin.register(Chair)
class ChairAdmin(ImpactAdminMixin, ClinicModelAdmin):
    list_display = ("name", "clinic", "is_active")
    list_filter = ("is_active", ("clinic", RelatedOnly))
    list_select_related = ("clinic",)
    search_fields = ("name", "clinic__name")

    def impacts_of(self, *, old, new, formsets):
        # A new chair has no sessions; one with sessions cannot be deleted (protected). Taken out of service, or
        # moved to another clinic, its sessions where it was are stranded.
        if old is None or not old.is_active:
            return []
        if new is None or new.clinic_id != old.clinic_id:
            return [chair_impact(chair=old, active=False, now=timezone.now())]
        return [chair_impact(chair=new, active=False, now=timezone.now())] if not new.is_active else []


# --- Staff ---------------------------------------------------------------------------------------


class ShiftInline(ClinicTabularInline):
    model: type[models.Model] = Shift  # TimeOffInline below reuses it for TimeOff
    clinic_lookup = "staff__clinic"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff")  # each row's title names the staff member


class TimeOffInline(ShiftInline):
    model = TimeOff


@admin.register(StaffMember)
class StaffMemberAdmin(ImpactAdminMixin, ClinicModelAdmin):
    list_display = ("last_name", "first_name", "role", "clinic", "user", "email", "is_active")
    list_display_links = ("last_name", "first_name")
    list_filter = ("role", "is_active", ("clinic", RelatedOnly))
    list_select_related = ("clinic", "user")
    search_fields = ("first_name", "last_name", "email", "user__username")
    inlines = (ShiftInline, TimeOffInline)
    admin_notice = "Shifts are weekly patterns in the clinic's local time; only nurses are scheduled."

    def impacts_of(self, *, old, new, formsets):
        # Only a nurse has sessions; a new one has none, and one with sessions cannot be deleted (protected).
        if old is None or new is None or old.role != StaffRole.NURSE:
            return []
        now = timezone.now()
        if new.clinic_id != old.clinic_id:  # gone from the clinic her sessions are booked at
            return [staff_impact(staff=old, shifts=None, active=False, nurse=True, now=now)]
        shifts = formset_of(formsets, Shift)
        drop, add = formset_rows(shifts) if shifts is not None else ([], [])
        pattern = None
        if drop or add:
            pattern = [s for s in Shift.objects.filter(staff=old) if s.pk not in {r.pk for r in drop}] + add
        impacts = [staff_impact(staff=new, shifts=pattern, active=new.is_active, nurse=new.role == StaffRole.NURSE,
                                now=now)]
        time_off = formset_of(formsets, TimeOff)
        if time_off is not None:
            drop, add = formset_rows(time_off)
            impacts += [time_off_impact(old=row, new=None) for row in drop if row not in add]
            impacts += [time_off_impact(old=row if row.pk else None, new=row) for row in add]
        return impacts


class NursesOnlyMixin(_AdminBase):
    """Shifts and time off are for nurses, the staff the planner schedules: a provider is not offered as `staff`."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        return queryset.filter(role=StaffRole.NURSE) if queryset is not None and db_field.name == "staff" else queryset


@admin.register(Shift)
class ShiftAdmin(ImpactAdminMixin, NursesOnlyMixin, ClinicModelAdmin):
    clinic_lookup = "staff__clinic"
    impact_clinic_path = ("staff", "clinic")
    list_display = ("staff", "weekday", "starts", "ends", "valid_from", "valid_until", "clinic")
    list_filter = ("weekday", ("staff__clinic", RelatedOnly), ("staff", RelatedOnly))
    list_select_related = ("staff__clinic",)
    search_fields = ("staff__first_name", "staff__last_name")
    admin_notice = "Times are wall-clock times in the clinic's own time zone."

    @admin.display(ordering="staff__clinic__name")
    def clinic(self, obj):
        return obj.staff.clinic

    def impacts_of(self, *, old, new, formsets):
        return shift_impacts(drop=[old] if old is not None else [], add=[new] if new is not None else [])

    def impacts_deleting(self, objs):
        return shift_impacts(drop=list(objs), add=[])


@admin.register(TimeOff)
class TimeOffAdmin(ImpactAdminMixin, NursesOnlyMixin, ClinicModelAdmin):
    clinic_lookup = "staff__clinic"
    impact_clinic_path = ("staff", "clinic")
    list_display = ("staff", "starts_local", "ends_local", "reason")
    list_filter = (("staff__clinic", RelatedOnly), ("staff", RelatedOnly))
    list_select_related = ("staff__clinic",)
    search_fields = ("staff__first_name", "staff__last_name", "reason")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)

    def impacts_of(self, *, old, new, formsets):
        # Ending a time off strands nothing (the mark after the delete clears what it stranded).
        return [time_off_impact(old=old, new=new)] if new is not None else []

    @admin.display(description="Starts (clinic time)", ordering="starts_at")
    def starts_local(self, obj):
        return local_time(obj.starts_at, obj.staff.clinic.tz, obj.staff.clinic.clock_format)

    @admin.display(description="Ends (clinic time)", ordering="ends_at")
    def ends_local(self, obj):
        return local_time(obj.ends_at, obj.staff.clinic.tz, obj.staff.clinic.clock_format)


# --- Protocols -----------------------------------------------------------------------------------


class ProtocolScopeFilter(admin.SimpleListFilter):
    title = "scope"
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return (("shared", "Shared templates"), ("clinic", "A clinic's own"))

    def queryset(self, request, queryset):
        if self.value() == "shared":
            return queryset.filter(clinic__isnull=True)
        if self.value() == "clinic":
            return queryset.filter(clinic__isnull=False)
        return queryset


@admin.register(Protocol)
class ProtocolAdmin(ClinicModelAdmin):
    shared_when_null = True
    list_display = ("name", "scope", "indication", "route", "session_count", "chair_minutes", "is_active")
    list_filter = (ProtocolScopeFilter, "route", "is_active", "indication")
    list_select_related = ("clinic",)
    search_fields = ("name", "slug", "indication")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("clinic", "name", "slug", "indication", "route", "is_active")}),
        ("Visits", {"fields": ("session_count", "chair_minutes", "first_visit_extra_minutes", "extra_monitoring_sessions")}),
        (
            "Spacing",
            {
                "fields": (
                    ("min_gap_hours", "max_gap_hours"),
                    ("min_gap_days", "max_gap_days"),
                    "consecutive_weekdays",
                    ("window_days", "warn_window_days"),
                )
            },
        ),
        ("Follow-up", {"fields": ("review_after_session", ("recall_min_days", "recall_max_days"))}),
        (None, {"fields": ("notes",)}),
    )
    admin_notice = (
        "A protocol with no clinic is a shared template: every clinic may book it, only a superuser may change it. "
        "A clinic adapts one by adding its own protocol."
    )

    @admin.display(description="Clinic", ordering="clinic__name")
    def scope(self, obj):
        return obj.clinic or "Shared template"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "clinic" and not request.user.is_superuser:
            assert formfield is not None  # a ForeignKey always has a form field here
            formfield.required = True  # only a superuser creates shared templates
            formfield.empty_label = None
        return formfield


# --- Staff accounts ------------------------------------------------------------------------------


admin.site.unregister(User)


@admin.register(User)
class ClinicUserAdmin(UserAdmin):
    """Django's user admin, showing a clinic admin only the accounts of their own clinics."""

    def get_queryset(self, request):
        return clinic_scope(request, super().get_queryset(request), "clinics").distinct()
