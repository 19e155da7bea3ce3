"""A clinic admin's closures: the whole clinic (a holiday, a burst pipe) or one chair out of service.

Impact first: adding a closure over booked sessions shows them (a dry run, scheduler.impact) and asks to confirm;
saving marks them as needing a move (the Needs moving worklist) in the same transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.errors import ApplicationError
from frontdesk.access import staff_page
from frontdesk.staff_forms import ClosureForm
from frontdesk.views.common import clinic_choice, no_clinic, render_in
from frontdesk.views.staff import ADMIN_ONLY
from scheduler import services as scheduler_services
from scheduler.impact import closure_impact, impact_dry_run
from scheduler.models import Chair, Closure
from scheduler.planning.localtime import LocalTimeError, localize


def stranded_message(count: int) -> str:
    if not count:
        return "No booked session is affected."
    return (f"{count} booked session{'s' if count != 1 else ''} now need{'s' if count == 1 else ''} moving: "
            "see Needs moving in the worklists, or Re-plan them.")


@staff_page(ADMIN_ONLY)
def closure_list(request):
    clinics, clinic = clinic_choice(request)
    if clinic is None:
        return no_clinic(request)
    chairs = list(Chair.objects.filter(clinic=clinic, is_active=True).order_by("name", "pk"))
    form = ClosureForm(request.POST if request.method == "POST" else None, chairs=chairs)
    stranded = None
    if form.is_bound and form.is_valid():
        chair = next((c for c in chairs if c.pk == form.cleaned_data["chair"]), None)
        try:
            starts, ends = (localize(wall, clinic.tz) for wall in form.span())
            draft = scheduler_services.closure_check(
                clinic=clinic, chair=chair, starts_at=starts, ends_at=ends, reason=form.cleaned_data["reason"]
            )
            if "confirm" not in request.POST:
                impact = closure_impact(old=None, new=draft)
                stranded = impact_dry_run(clinic=clinic, scope=impact.scope, change=impact.change)
            if not stranded:
                row = scheduler_services.closure_add(
                    clinic=clinic, chair=chair, starts_at=starts, ends_at=ends, reason=draft.reason, by=request.user
                )
                count = len(getattr(row, "stranded_sessions", []))
                messages.success(request, f"The closure is saved. {stranded_message(count)}")
                return redirect(f"{reverse('frontdesk:closures')}?clinic={clinic.pk}")
        except LocalTimeError as error:
            form.add_error(None, error.violation.message)
        except ApplicationError as error:
            for name, problems in (error.details or {}).items():
                form.add_error(name if name in form.fields else None, problems[0])
            if not error.details:
                form.add_error(None, error.message)
    context = {
        "clinics": clinics, "clinic": clinic, "form": form, "stranded": stranded,
        "closures": Closure.objects.filter(clinic=clinic, ends_at__gt=timezone.now()).select_related("chair").order_by("starts_at"),
    }
    return render_in(request, "frontdesk/closures.html", context, clinic=clinic)


@require_POST
@staff_page(ADMIN_ONLY)
def closure_remove(request, pk: int):
    clinics, clinic = clinic_choice(request)
    row = Closure.objects.filter(pk=pk, clinic__in=clinics).select_related("clinic").first()
    if row is None:
        raise Http404("No such closure.")
    scheduler_services.closure_remove(clinic=row.clinic, closure_id=row.pk, by=request.user)
    messages.success(request, "The closure is removed; sessions it stranded are checked again.")
    return redirect(f"{reverse('frontdesk:closures')}?clinic={row.clinic_id}")
