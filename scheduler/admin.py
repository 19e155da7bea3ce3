"""The admin for clinic configuration, and the clinic scoping every admin of the project builds on.

A staff user who is not a superuser sees and edits only the rows of the clinics they belong to
(Clinic.staff); foreign-key choices in forms are limited the same way. Times on change lists are shown in
each row's clinic time zone, with the zone named.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import zoneinfo
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models, transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone

from common import clock
from common.parsers import JSONFormField
from scheduler.impact import (
    Impact,
    Scope,
    chair_impact,
    closure_impact,
    impact_mark,
    impact_merge,
    impact_newly_stranded,
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

User = get_user_model()

#: Filters that list only the values present in the (scoped) change list, so another clinic's chairs,
#: nurses or name never show up as a filter choice.
RelatedOnly = admin.RelatedOnlyFieldListFilter


@functools.cache
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


def _formset_rows(formset) -> tuple[list[Any], list[Any]]:
    """What a valid inline formset would change: the stored rows it drops (deleted, or changed: their instance
    already holds the new values, only the id counts) and the rows it adds (new or changed, unsaved)."""
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    dropped, added = [], []
    for form in formset.forms:
        if form in deleted:
            if form.instance.pk is not None:
                dropped.append(form.instance)
        elif form.has_changed():
            if form.instance.pk is not None:
                dropped.append(form.instance)
            added.append(form.instance)
    return dropped, added


def _formset_of(formsets, model) -> Any:
    return next((f for f in formsets if f.model is model), None)


def _pattern_impacts(*, model, owner: str, drop, add, impact_of) -> list[Impact]:
    """Weekly rows (shifts of a staff member, a clinic's opening hours) as a change would leave them, per owner:
    the stored ones but those dropped, and those added; `impact_of(owner, rows)` builds the change."""
    owners = {getattr(row, f"{owner}_id"): getattr(row, owner) for row in [*drop, *add]}
    if not owners:
        return []
    stored = list(model.objects.filter(**{f"{owner}_id__in": owners}).exclude(pk__in=[r.pk for r in drop]))
    return [
        impact_of(who, [r for r in [*stored, *add] if getattr(r, f"{owner}_id") == pk]) for pk, who in owners.items()
    ]


def _shift_impacts(*, drop, add) -> list[Impact]:
    now = timezone.now()
    return _pattern_impacts(
        model=Shift, owner="staff", drop=drop, add=add,
        impact_of=lambda staff, rows: staff_impact(
            staff=staff, shifts=rows, active=staff.is_active, nurse=staff.role == StaffRole.NURSE, now=now
        ),
    )


def _hours_impacts(*, drop, add) -> list[Impact]:
    now = timezone.now()
    return _pattern_impacts(
        model=OpeningHours, owner="clinic", drop=drop, add=add,
        impact_of=lambda clinic, rows: opening_hours_impact(clinic=clinic, hours=rows, now=now),
    )


def _parse_ids(value: str) -> frozenset[int]:
    return frozenset(int(part) for part in value.split(",") if part.strip().isdigit() and len(part.strip()) < 19)


class ImpactFormMixin:
    """The admin form of a row that shapes the calendar: once it and its inlines are valid, it asks its model
    admin what the save would strand (`impact_check`), and stays invalid until the admin ticks "Save anyway"."""

    impact_check: Any = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance  # type: ignore[attr-defined]
        # Validation writes the posted values onto the instance: keep the row as stored.
        self.impact_old = copy.copy(instance) if instance.pk is not None else None
        self.impacts: list[Impact] = []
        self.impact_stranded: list[dict[str, Any]] = []

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.impact_check is not None and not self.errors:  # type: ignore[attr-defined]
            self.impact_check(self)


class ImpactAdminMixin(_AdminBase):
    """Impact before saving, in the admin: a save or delete of a row that shapes the calendar (hours, closures,
    chairs, shifts, time off) that would strand booked sessions shows them first.

    A change form that would strand sessions nothing stranded before comes back with them listed (patient, time
    in the clinic's zone and clock, chair, nurse, why) and a "Save anyway" box; nothing is written until it is
    ticked (for those very sessions: one booked meanwhile asks again). The delete pages list them above their
    own confirm button. Each admin says how its rows change the calendar (`impacts_of`, with scheduler.impact's
    builders); the dry run is the bookings app's (scheduler.impact). After any save or delete, in its
    transaction, the clinic's upcoming sessions are re-checked and those stranded marked as needing a move,
    and a message lists them.
    """

    impact_clinic_path: tuple[str, ...] = ("clinic",)
    change_form_template: ClassVar[Any] = "admin/impact_change_form.html"
    delete_confirmation_template: ClassVar[Any] = "admin/impact_delete_confirmation.html"
    delete_selected_confirmation_template: ClassVar[Any] = "admin/impact_delete_selected_confirmation.html"

    def impacts_of(self, *, old, new, formsets) -> list[Impact]:
        """How saving `new` (unsaved; None: deleting `old`; `old` None: adding) changes the calendar."""
        return []

    def impacts_deleting(self, objs) -> list[Impact]:
        return [i for obj in objs for i in self.impacts_of(old=obj, new=None, formsets=[])]

    # --- Before: the dry run -----------------------------------------------------------------------------

    def stranded_by(self, impacts: list[Impact]) -> list[dict[str, Any]]:
        """The sessions these changes strand that nothing strands now, each ready to show (clinic time)."""
        by_clinic: dict[int, list[Impact]] = {}
        for impact in impacts:
            by_clinic.setdefault(impact.clinic.pk, []).append(impact)
        shown = []
        for clinic_id, group in by_clinic.items():
            merged = impact_merge(group)
            # As stored (the clinic's own form may carry a new time zone): what is stranded already.
            stored = Clinic.objects.get(pk=clinic_id)
            for s in impact_newly_stranded(merged, stored=stored):
                tz, fmt = stored.tz, stored.clock_format
                starts, ends = s["starts_at"].astimezone(tz), s["ends_at"].astimezone(tz)
                shown.append({
                    "id": s["id"], "clinic": stored.name, "patient": s["patient"]["name"],
                    "when": f"{starts:%a %Y-%m-%d} {clock.format_clock(starts, fmt)}–{clock.format_clock(ends, fmt)} "
                            f"{starts:%Z}",
                    "chair": s["chair"]["name"], "nurse": s["nurse"]["name"],
                    "reasons": " ".join(r["message"] for r in s["reasons"]),
                })
        return shown

    def _impact_check(self, request, form) -> None:
        formsets = getattr(request, "_impact_formsets", [])
        if not all(f.is_valid() for f in formsets):
            return
        if form.impact_old is not None and not form.has_changed() and not any(f.has_changed() for f in formsets):
            return
        form.impacts = self.impacts_of(old=form.impact_old, new=form.instance, formsets=formsets)
        stranded = self.stranded_by(form.impacts) if form.impacts else []
        if stranded and not {s["id"] for s in stranded} <= _parse_ids(request.POST.get("_impact_confirm", "")):
            form.impact_stranded = stranded
            n = len(stranded)
            form.add_error(None, forms.ValidationError(
                f"Saving this strands {n} booked session{'s' if n != 1 else ''}: listed below. Nothing is saved "
                "yet. Tick “Save anyway” and save to mark them as needing a move (the desk's Needs moving list), "
                "or change the form.",
                code="strands_sessions",
            ))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]
        check = functools.partial(self._impact_check, request)
        return type(form)(form.__name__, (ImpactFormMixin, form), {"impact_check": staticmethod(check)})

    def _create_formsets(self, request, obj, change):
        # The change view builds the inline formsets before it validates the form (Django 5.2): the form's
        # impact check reads them here.
        formsets, inline_instances = super()._create_formsets(request, obj, change)  # type: ignore[misc]
        request._impact_formsets = formsets
        return formsets, inline_instances

    def render_delete_form(self, request, context):
        obj = context.get("object")
        if obj is not None and not context.get("protected"):
            context["impact_stranded"] = self.stranded_by(self.impacts_deleting([obj]))
        return super().render_delete_form(request, context)  # type: ignore[misc]

    def get_actions(self, request):
        actions = super().get_actions(request)  # type: ignore[misc]
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_delete_selected_showing_impact, name, description)
        return actions

    # --- After: the mark ---------------------------------------------------------------------------------

    def _impact_clinic(self, obj) -> Clinic:
        for name in self.impact_clinic_path:
            obj = getattr(obj, name)
        return obj

    def _impact(self, request, clinic: Clinic, cause: str) -> None:
        stranded = impact_mark(
            clinic=clinic, scope=Scope(((timezone.now(), None),)), cause=f"{cause} (admin site)"[:300], by=request.user,
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

    def _impact_after(self, request, clinics: dict[int, Clinic], impacts: list[Impact], what: str) -> None:
        for clinic_id, clinic in clinics.items():
            causes = list(dict.fromkeys(i.cause for i in impacts if i.clinic.pk == clinic_id))
            self._impact(request, clinic, "; ".join(causes) or what)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        impacts = getattr(form, "impacts", [])
        clinic = self._impact_clinic(form.instance)
        clinics = {clinic.pk: clinic}
        for impact in impacts:  # a row moved from one clinic to another: the one it left too
            clinics.setdefault(impact.clinic.pk, impact.clinic)
        self._impact_after(request, clinics, impacts, f"{'Changed' if change else 'Added'}: {form.instance}")

    def delete_model(self, request, obj):
        impacts = self.impacts_deleting([obj])
        clinic = self._impact_clinic(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        if clinic.pk is not None and Clinic.objects.filter(pk=clinic.pk).exists():  # not the clinic itself deleted
            self._impact_after(request, {clinic.pk: clinic}, impacts, f"Deleted: {obj}")

    def delete_queryset(self, request, queryset):
        objs = list(queryset)
        impacts = self.impacts_deleting(objs)
        clinics = {c.pk: c for c in (self._impact_clinic(obj) for obj in objs)}
        with transaction.atomic():  # the change list's action is not atomic by itself
            super().delete_queryset(request, queryset)  # type: ignore[misc]
            alive = set(Clinic.objects.filter(pk__in=clinics).values_list("pk", flat=True))
            self._impact_after(request, {pk: c for pk, c in clinics.items() if pk in alive}, impacts,
                               f"Deleted: {', '.join(str(o) for o in objs)}"[:200])


def _delete_selected_showing_impact(modeladmin, request, queryset):
    """Django's delete action, its confirmation page listing the sessions the delete strands."""
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse) and response.context_data and not response.context_data.get("protected"):
        response.context_data["impact_stranded"] = modeladmin.stranded_by(modeladmin.impacts_deleting(list(queryset)))
    return response


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
        hours = _formset_of(formsets, OpeningHours)
        drop, add = _formset_rows(hours) if hours is not None else ([], [])
        if drop or add or old.timezone != new.timezone:  # a new zone moves every day's hours
            stored = [h for h in OpeningHours.objects.filter(clinic=old) if h.pk not in {r.pk for r in drop}]
            impacts.append(opening_hours_impact(clinic=new, hours=stored + add, now=timezone.now()))
        closures = _formset_of(formsets, Closure)
        if closures is not None:
            drop, add = _formset_rows(closures)
            impacts += [closure_impact(old=row, new=None) for row in drop if row not in add]
            impacts += [closure_impact(old=row if row.pk else None, new=row) for row in add]
        chairs = _formset_of(formsets, Chair)
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
        return _hours_impacts(drop=[old] if old is not None else [], add=[new] if new is not None else [])

    def impacts_deleting(self, objs):
        return _hours_impacts(drop=list(objs), add=[])


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
        shifts = _formset_of(formsets, Shift)
        drop, add = _formset_rows(shifts) if shifts is not None else ([], [])
        pattern = None
        if drop or add:
            pattern = [s for s in Shift.objects.filter(staff=old) if s.pk not in {r.pk for r in drop}] + add
        impacts = [staff_impact(staff=new, shifts=pattern, active=new.is_active, nurse=new.role == StaffRole.NURSE,
                                now=now)]
        time_off = _formset_of(formsets, TimeOff)
        if time_off is not None:
            drop, add = _formset_rows(time_off)
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
        return _shift_impacts(drop=[old] if old is not None else [], add=[new] if new is not None else [])

    def impacts_deleting(self, objs):
        return _shift_impacts(drop=list(objs), add=[])


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
