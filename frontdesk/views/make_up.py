"""Make-up sessions at the desk: a short course's page offers "Add a make-up session", which opens the slot
grid of a new session of the course; choosing a time asks to confirm, and the confirmation books it through
bookings.services.cycle_make_up.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.records import record_access
from bookings import selectors as booking_selectors
from bookings import services
from bookings.models import InfusionSession, TreatmentCycle
from bookings.progress import cycle_sessions_short
from common.clock import format_clock
from common.errors import ApplicationError
from frontdesk.access import BOOKING_ROLES, staff_page
from frontdesk.forms import MakeUpForm
from frontdesk.views.common import render_in
from frontdesk.views.courses import _load
from frontdesk.views.slot_grids import grid_context


def _replaces(request, candidates: list[InfusionSession]) -> InfusionSession | None:
    """The missed session asked for (`?replaces=` among the candidates), else the first one."""
    asked = request.GET.get("replaces") or request.POST.get("replaces")
    return next((s for s in candidates if str(s.pk) == asked), candidates[0] if candidates else None)


def _context(request, cycle: TreatmentCycle) -> dict:
    sessions = list(cycle.sessions.all())
    record_access([cycle, *sessions], request=request, patient_of=lambda row: row.patient_id, clinic_of=lambda row: row.clinic_id)
    candidates = booking_selectors.make_up_candidates(cycle=cycle, sessions=sessions)
    replaces = _replaces(request, candidates)
    refusal = booking_selectors.make_up_refusal(cycle=cycle, sessions=sessions, replaces=replaces)
    grid = grid_context(
        request.GET, auto_id=f"slots-mu{cycle.pk}-%s",
        lookup=lambda filters: booking_selectors.make_up_slot_grid(cycle=cycle, filters=filters),
        refusal=refusal.message if refusal is not None else "",
    )
    keep = [("replaces", replaces.pk)] if replaces else []
    return {
        **grid,
        "cycle": cycle,
        "patient": cycle.patient,
        "candidates": candidates,
        "replaces": replaces,
        "short": cycle_sessions_short(cycle=cycle),
        "note": "",
        "make_up": True,
        "grid_id": f"mu{cycle.pk}",
        "tz_name": cycle.clinic.timezone,
        "current": None,
        "grid_hidden": keep,
        "base_query": urlencode(keep),
        "grid_url": reverse("frontdesk:course-make-up", args=[cycle.pk]),
        "move_url": reverse("frontdesk:course-make-up-book", args=[cycle.pk]),
        "pick_target": "#make-up-panel",
    }


@staff_page(BOOKING_ROLES)
def course_make_up(request, pk: int):
    """The slot grid of a make-up session for this course (htmx: the grid alone; else the page)."""
    cycle = _load(request, pk)
    template = "frontdesk/partials/slot_grid.html" if request.htmx else "frontdesk/make_up.html"
    return render_in(request, template, _context(request, cycle), clinic=cycle.clinic)


@require_POST
@staff_page(BOOKING_ROLES)
def course_make_up_book(request, pk: int):
    """A time chosen on the grid: first the confirmation; with `confirm`, the make-up itself."""
    cycle = _load(request, pk)
    context = _context(request, cycle)
    form = MakeUpForm(request.POST, candidates=context["candidates"])
    context["pick"] = form
    template = "frontdesk/partials/make_up_confirm.html" if request.htmx else "frontdesk/make_up.html"
    if not form.is_valid():
        context["pick_error"] = "The make-up was not added: " + " ".join(
            str(e) for errors in form.errors.values() for e in errors
        )
        # The refusal shown on the page, as the desk's other forms do (and htmx swaps only a 2xx answer).
        return render_in(request, template, context, clinic=cycle.clinic)
    data = form.cleaned_data
    missed = next(s for s in context["candidates"] if s.pk == data["replaces"])
    context["missed"] = missed
    if not data["confirm"]:
        return render_in(request, template, context, clinic=cycle.clinic)
    try:
        made = services.cycle_make_up(cycle=cycle, replaces=missed, starts_at=data["starts_at"], by=request.user)
    except ApplicationError as exc:
        context["pick_error"] = exc.message
        return render_in(request, template, context, clinic=cycle.clinic)
    when = made.starts_at.astimezone(cycle.clinic.tz)
    messages.success(
        request, f"Make-up session added: session {made.sequence} of {cycle.session_count}, {when:%a %d %b %Y} {format_clock(when, cycle.clinic.clock_format)}, "
        f"in place of the {missed.get_status_display().lower()} session {missed.sequence}."
    )
    url = reverse("frontdesk:course", args=[pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
