"""Impact before saving, in the admin: the mixins that make a save or delete of a row shaping the calendar
(opening hours, closures, chairs, shifts, time off) list the booked sessions it would strand first, and mark
them as needing a move once saved. scheduler.admin's model admins build on them.
"""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone

from common import clock
from scheduler.impact import (
    Impact,
    Scope,
    impact_mark,
    impact_merge,
    impact_newly_stranded,
    opening_hours_impact,
    staff_impact,
)
from scheduler.models import (
    Clinic,
    OpeningHours,
    Shift,
    StaffRole,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin

    # The mixins below come before an admin class in every MRO: to mypy, that class is their base.
    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object


def formset_rows(formset) -> tuple[list[Any], list[Any]]:
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


def formset_of(formsets, model) -> Any:
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


def shift_impacts(*, drop, add) -> list[Impact]:
    now = timezone.now()
    return _pattern_impacts(
        model=Shift, owner="staff", drop=drop, add=add,
        impact_of=lambda staff, rows: staff_impact(
            staff=staff, shifts=rows, active=staff.is_active, nurse=staff.role == StaffRole.NURSE, now=now
        ),
    )


def hours_impacts(*, drop, add) -> list[Impact]:
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
