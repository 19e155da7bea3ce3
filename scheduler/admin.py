"""The admin for clinic configuration, and the clinic scoping every admin of the project builds on.

A staff user who is not a superuser sees and edits only the rows of the clinics they belong to
(Clinic.staff); foreign-key choices in forms are limited the same way. Times on change lists are shown in
each row's clinic time zone, with the zone named.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from common import clock
from common.parsers import JSONFormField
from scheduler.impact import Scope, impact_mark
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

User = get_user_model()

#: Filters that list only the values present in the (scoped) change list, so another clinic's chairs,
#: nurses or name never show up as a filter choice.
RelatedOnly = admin.RelatedOnlyFieldListFilter


@cache
def _timezone_choices() -> list[tuple[str, str]]:
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/")))
    return [(n, n.replace("_", " ")) for n in names] + [("UTC", "UTC")]


def local_time(instant: datetime | None, tz: zoneinfo.ZoneInfo, clock_format: str = clock.DEFAULT) -> str:
    """An instant as wall-clock time in a clinic's zone and clock format, the zone named (EDT/EST tell DST apart)."""
    if instant is None:
        return "–"
    local = instant.astimezone(tz)
    return f"{local:%a %Y-%m-%d} {clock.format_clock(local, clock_format)} {local:%Z}"


def clinic_scope(request, queryset: models.QuerySet, lookup: str, *, shared_when_null: bool = False) -> models.QuerySet:
    """Rows of the request user's clinics; everything for a superuser.

    A subquery, not a list of ids, so scoping adds no query of its own.
    """
    if request.user.is_superuser:
        return queryset
    condition = Q(**{f"{lookup}__in": request.user.clinics.values("pk")})
    if shared_when_null:
        condition |= Q(**{f"{lookup}__isnull": True})
    return queryset.filter(condition)


class ClinicScopedMixin(_AdminBase):
    """Scope an admin (or inline) to the user's clinics: its rows, its form choices, its shared rows.

    `clinic_lookup` is the path from the model to its Clinic ("pk" for Clinic itself). With
    `shared_when_null`, rows with no clinic are shared templates: everyone sees them, only a
    superuser changes or deletes them.
    """

    clinic_lookup = "clinic"
    shared_when_null = False

    def scope_to_clinics(self, request, queryset):
        return clinic_scope(request, queryset, self.clinic_lookup, shared_when_null=self.shared_when_null)

    def get_queryset(self, request):
        return self.scope_to_clinics(request, super().get_queryset(request))

    def get_field_queryset(self, db, db_field, request):
        """Limit foreign-key and many-to-many choices to what the user's clinics may use."""
        queryset = super().get_field_queryset(db, db_field, request)
        model = db_field.remote_field.model
        if queryset is None:
            queryset = model._default_manager.using(db).all()
        if request.user.is_superuser:
            return queryset
        if model is User:
            return queryset.filter(clinics__in=request.user.clinics.values("pk")).distinct()
        related_admin = self.admin_site.get_model_admin(model) if self.admin_site.is_registered(model) else None
        if isinstance(related_admin, ClinicScopedMixin):
            return related_admin.scope_to_clinics(request, queryset)
        return queryset

    def _is_shared_row(self, request, obj) -> bool:
        return (
            self.shared_when_null
            and obj is not None
            and isinstance(obj, self.model)
            and getattr(obj, f"{self.clinic_lookup}_id", None) is None
            and not request.user.is_superuser
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._is_shared_row(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_shared_row(request, obj)



class ClinicFieldsMixin(_AdminBase):
    """Form fields a clinic admin can fill in: a time zone picked from a list, the zone of instants named."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "timezone" and isinstance(db_field, models.CharField):
            return forms.ChoiceField(
                choices=_timezone_choices(), initial=db_field.default, label=db_field.verbose_name.capitalize(),
                help_text="IANA time zone.",
            )
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateTimeField) and formfield is not None:
            # The admin reads and shows instants in the zone the middleware activated.
            zone = timezone.get_current_timezone_name()
            formfield.help_text = " ".join(filter(None, [str(db_field.help_text), f"Time zone: {zone}."]))
        return formfield


class ClinicModelAdmin(ClinicScopedMixin, ClinicFieldsMixin, admin.ModelAdmin):
    """Every admin of the project: clinic-scoped, with a notice line under the title (`admin_notice`)."""

    admin_notice = ""
    # A JSON field's text is parsed with a nesting limit: deep nesting is a field error, not a RecursionError.
    formfield_overrides = {models.JSONField: {"form_class": JSONFormField}}
    change_list_template = "admin/clinic_change_list.html"
    change_form_template = "admin/clinic_change_form.html"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        field_names = {f.name for f in self.model._meta.get_fields()}
        if "clinic" in field_names and "clinic" not in initial and not request.user.is_superuser:
            mine = list(request.user.clinics.values_list("pk", flat=True)[:2])
            if len(mine) == 1:
                initial["clinic"] = mine[0]
        return initial


class ClinicTabularInline(ClinicScopedMixin, ClinicFieldsMixin, admin.TabularInline):
    extra = 0


# --- Clinic and what hangs on it ----------------------------------------------------------------


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


class ImpactAdminMixin(_AdminBase):
    """After a save or delete that may strand booked sessions (hours, closures, chairs, shifts, time off), re-check
    the clinic's upcoming sessions in the same transaction (the admin's change view is atomic), mark those it
    strands as needing a move (scheduler.impact), and say which in a message. Not a confirm step: the desk's
    closures page and the API's `?dry_run=true` show the impact before saving."""

    impact_clinic_path: tuple[str, ...] = ("clinic",)

    def _impact_clinic(self, obj) -> Clinic:
        for name in self.impact_clinic_path:
            obj = getattr(obj, name)
        return obj

    def _impact(self, request, obj, what: str) -> None:
        clinic = self._impact_clinic(obj)
        stranded = impact_mark(
            clinic=clinic, scope=Scope(((timezone.now(), None),)), cause=f"{what} in the admin site: {obj}"[:300],
            by=request.user,
        )
        if stranded:
            tz = clinic.tz
            listed = "; ".join(
                f"{s['patient']['name']}, {s['starts_at'].astimezone(tz):%a %d %b} "
                f"{clock.format_clock(s['starts_at'].astimezone(tz), clinic.clock_format)} ({s['chair']['name']}): "
                + " ".join(r["message"] for r in s["reasons"])
                for s in stranded[:10]
            )
            more = f" and {len(stranded) - 10} more" if len(stranded) > 10 else ""
            self.message_user(  # type: ignore[attr-defined]
                request,
                f"{len(stranded)} booked session(s) of {clinic.name} can no longer happen where they are and are "
                f"marked as needing a move (the desk's Needs moving list): {listed}{more}.",
                level=messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        self._impact(request, form.instance, "Changed" if change else "Added")

    def delete_model(self, request, obj):
        clinic = self._impact_clinic(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        if clinic.pk is not None:  # not the clinic itself deleted
            self._impact(request, _Deleted(clinic, str(obj)), "Deleted")


class _Deleted:
    """What ImpactAdminMixin says of a deleted row: its clinic, and its name."""

    def __init__(self, clinic: Clinic, text: str) -> None:
        self.clinic, self.text = clinic, text

    def __str__(self) -> str:
        return self.text


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


class ClinicSpanColumns:
    """`starts_local` and `ends_local` columns for rows with starts_at, ends_at and a clinic."""

    @admin.display(description="Starts (clinic time)", ordering="starts_at")
    def starts_local(self, obj):
        return local_time(obj.starts_at, obj.clinic.tz, obj.clinic.clock_format)

    @admin.display(description="Ends (clinic time)", ordering="ends_at")
    def ends_local(self, obj):
        return local_time(obj.ends_at, obj.clinic.tz, obj.clinic.clock_format)


@admin.register(Closure)
class ClosureAdmin(ImpactAdminMixin, ClinicSpanColumns, ClinicModelAdmin):
    list_display = ("reason", "clinic", "chair", "starts_local", "ends_local")
    list_filter = (("clinic", RelatedOnly),)
    list_select_related = ("clinic", "chair")
    search_fields = ("reason", "clinic__name")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)


@admin.register(Chair)
class ChairAdmin(ImpactAdminMixin, ClinicModelAdmin):
    list_display = ("name", "clinic", "is_active")
    list_filter = ("is_active", ("clinic", RelatedOnly))
    list_select_related = ("clinic",)
    search_fields = ("name", "clinic__name")


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
