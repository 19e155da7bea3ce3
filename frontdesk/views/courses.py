"""The course page: one course's sessions and progress, and cancelling the whole course from the desk.

Cancelling takes two steps: the form (who asked, why) shows what would happen (the sessions that would be
cancelled, which of them count as late), and only the second POST, with `confirm`, calls the service.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.records import record_access
from bookings import selectors as booking_selectors
from bookings import services
from bookings.models import CANCELLED_STATUSES, UPCOMING_STATUSES, CycleStatus, SessionStatus, TreatmentCycle
from bookings.progress import cycle_progress, cycle_sessions_short
from common.errors import ApplicationError
from frontdesk import selectors
from frontdesk.access import ALL_ROLES, BOOKING_ROLES, can, staff_page
from frontdesk.forms import CycleCancelForm
from frontdesk.views.common import render_in

#: A course in these states can still be cancelled (the service says the same).
CANCELLABLE = (CycleStatus.PLANNED, CycleStatus.ACTIVE)


def _load(request, pk: int) -> TreatmentCycle:
    try:
        return selectors.cycle_get(user=request.user, cycle_id=pk)
    except TreatmentCycle.DoesNotExist:
        raise Http404("No such course.") from None


def _counts(sessions: list) -> dict[str, int]:
    statuses = [s.status for s in sessions]
    return {
        "completed": statuses.count(SessionStatus.COMPLETED),
        "booked": sum(1 for s in statuses if s in UPCOMING_STATUSES),
        "cancelled": sum(1 for s in statuses if s in CANCELLED_STATUSES),
        "no_show": statuses.count(SessionStatus.NO_SHOW),
    }


def _page(request, cycle: TreatmentCycle, *, form=None, preview=None, error: str = "", status: int = 200):
    sessions = list(cycle.sessions.all())
    record_access([cycle, *sessions], request=request, patient_of=lambda row: row.patient_id, clinic_of=lambda row: row.clinic_id)
    now = timezone.now()
    progress = cycle_progress(cycle=cycle)
    upcoming = [s for s in sessions if s.status in UPCOMING_STATUSES and s.starts_at >= now]
    context = {
        "cycle": cycle,
        "patient": cycle.patient,
        "sessions": sessions,
        "progress": progress,
        "counts": _counts(sessions),
        "next_session": upcoming[0] if upcoming else None,
        "can_cancel": can(request.user, BOOKING_ROLES) and cycle.status in CANCELLABLE,
        "cancel_form": form or CycleCancelForm(),
        "preview": preview,
        "late_count": sum(1 for p in preview or [] if p.late),
        "error": error,
        "sessions_short": cycle_sessions_short(cycle=cycle),
        "can_make_up": can(request.user, BOOKING_ROLES),
    }
    return render_in(request, "frontdesk/course.html", context, clinic=cycle.clinic, status=status)


@staff_page(ALL_ROLES)
def course_detail(request, pk: int):
    return _page(request, _load(request, pk))


@require_POST
@staff_page(BOOKING_ROLES)
def course_cancel(request, pk: int):
    """First POST: the confirmation (what would be cancelled, what is late). With `confirm`: the cancel itself."""
    cycle = _load(request, pk)
    form = CycleCancelForm(request.POST)
    if not form.is_valid():
        return _page(request, cycle, form=form, error="The course was not cancelled: see the form.")
    if cycle.status not in CANCELLABLE:
        return _page(request, cycle, error=f"A {cycle.get_status_display().lower()} course cannot be cancelled.")
    if not form.cleaned_data["confirm"]:
        preview = booking_selectors.cycle_cancel_preview(sessions=cycle.sessions.all(), now=timezone.now())
        return _page(request, cycle, form=form, preview=preview)
    try:
        ended = services.cycle_cancel(
            cycle=cycle, reason=form.cleaned_data["reason"], by_party=form.cleaned_data["by"], by=request.user
        )
    except ApplicationError as exc:
        return _page(request, _load(request, pk), form=form, error=exc.message)
    # The sessions this cancel ended carry the course's end time as their own.
    now_ended = [s for s in ended.sessions.all() if s.status in CANCELLED_STATUSES and s.cancelled_at == ended.ended_at]
    cancelled = len(now_ended)
    late = sum(1 for s in now_ended if s.status == SessionStatus.LATE_CANCELLED)
    late_words = f", {late} of them late" if late else ""
    messages.success(
        request, f"Course {ended.get_status_display().lower()}: {cancelled} session{'s' if cancelled != 1 else ''} cancelled{late_words}."
    )
    return redirect("frontdesk:course", pk=pk)
