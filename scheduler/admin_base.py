"""The clinic scoping every admin of the project builds on: a staff user who is not a superuser sees and edits
only the rows of the clinics they belong to (Clinic.staff), foreign-key choices limited the same way, and times
shown in each row's clinic time zone and clock, with the zone named.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone

from common import clock
from common.parsers import JSONFormField

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


@functools.cache
def timezone_choices() -> list[tuple[str, str]]:
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
                choices=timezone_choices(), initial=db_field.default, label=db_field.verbose_name.capitalize(),
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


class ClinicSpanColumns:
    """`starts_local` and `ends_local` columns for rows with starts_at, ends_at and a clinic."""

    @admin.display(description="Starts (clinic time)", ordering="starts_at")
    def starts_local(self, obj):
        return local_time(obj.starts_at, obj.clinic.tz, obj.clinic.clock_format)

    @admin.display(description="Ends (clinic time)", ordering="ends_at")
    def ends_local(self, obj):
        return local_time(obj.ends_at, obj.clinic.tz, obj.clinic.clock_format)
