"""The session panel: a session's details and history, and the actions its state allows.

Opened from the day board with htmx (the panel alone) or as a page of its own. Every action goes through
bookings.services; a refusal (an ApplicationError with its code and message) is shown in the panel.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.records import record_access
from bookings import selectors as booking_selectors
from bookings import services
from bookings.models import UPCOMING_STATUSES, InfusionSession, SessionStatus
from common.clock import format_clock
from common.errors import ApplicationError
from frontdesk import selectors
from frontdesk.access import ALL_ROLES, BOOKING_ROLES, INFUSION_ROLES, can, forbidden, staff_page
from frontdesk.forms import CancelConfirmForm, CompleteEarlyForm, RescheduleForm
from frontdesk.views.common import render_in
from frontdesk.views.slot_grids import grid_context

#: url name → (service, roles, what the desk is told, the button's words)
ACTIONS: dict[str, tuple[Callable[..., InfusionSession], frozenset[str], str, str]] = {
    "confirm": (services.session_confirm, BOOKING_ROLES, "Session confirmed.", "Confirm"),
    "check-in": (services.session_check_in, BOOKING_ROLES, "Patient checked in.", "Check in"),
    "start": (services.session_start, INFUSION_ROLES, "Patient is in the chair.", "Start (in chair)"),
    "complete": (services.session_complete, INFUSION_ROLES, "Session completed.", "Complete"),
    "no-show": (services.session_no_show, BOOKING_ROLES, "Recorded as a no-show.", "No-show"),
}


def _load(request, pk: int) -> InfusionSession:
    try:
        return selectors.session_get(user=request.user, session_id=pk)
    except InfusionSession.DoesNotExist:
        raise Http404("No such session.") from None


def _available_actions(session: InfusionSession, user) -> dict:
    """Which buttons the panel shows: what the state allows, the clock permits and the role may do."""
    now = timezone.now()
    tz = session.clinic.tz
    status = session.status
    names = []
    hints = []
    if status == SessionStatus.BOOKED:
        names.append("confirm")
    if status in UPCOMING_STATUSES:
        if session.starts_at.astimezone(tz).date() == now.astimezone(tz).date():
            names.append("check-in")
        elif session.starts_at > now:
            hints.append("Check-in opens on the day of the session.")
        if now >= session.starts_at + timedelta(minutes=session.clinic.no_show_minutes):
            names.append("no-show")
    if status == SessionStatus.CHECKED_IN:
        names.append("start")
    complete_early = None
    if status == SessionStatus.IN_CHAIR:
        earliest = services.completion_earliest_at(session=session, protocol=session.cycle.protocol)
        if earliest is not None and now < earliest and can(user, INFUSION_ROLES):
            # Not a plain button: completing before the chair time has passed asks for a reason.
            complete_early = {"earliest": earliest, "minutes": session.cycle.protocol.chair_minutes_for(session.sequence)}
        else:
            names.append("complete")
    buttons = [(name, ACTIONS[name][3]) for name in names if can(user, ACTIONS[name][1])]
    can_change = status in UPCOMING_STATUSES and can(user, BOOKING_ROLES)
    return {
        "buttons": buttons, "hints": hints, "can_cancel": can_change, "can_move": can_change, "complete_early": complete_early,
        # Said before the desk cancels: a cancel now would be recorded as late.
        "cancel_late": can_change and booking_selectors.cancel_is_late(session=session, now=now),
    }


def _reschedule_note(events: list) -> str:
    """The note of the patient's latest reschedule request, from the history already loaded."""
    for event in reversed(events):
        if event.kind == "reschedule_requested":
            return (event.data or {}).get("note", "")
    return ""


def _panel(
    request, pk: int, *, notice: str = "", error: str = "", cancel_form=None, cancel_confirm=False, move_form=None,
    complete_form=None, changed=False,
):
    session = _load(request, pk)
    record_access([session], request=request, patient_of=lambda s: s.patient_id, clinic_of=lambda s: s.clinic_id)
    events = list(session.events.all())
    context = {
        "session": session,
        "actions": _available_actions(session, request.user),
        "cancel_form": cancel_form or CancelConfirmForm(),
        "cancel_confirm": cancel_confirm,
        "complete_form": complete_form or CompleteEarlyForm(),
        "move_form": move_form or RescheduleForm(initial={"starts_at": session.starts_at.astimezone(session.clinic.tz)}),
        "notice": notice,
        "error": error,
        "events": events,
        "reschedule_note": _reschedule_note(events) if session.reschedule_requested_at else "",
        "reminders": list(session.emails.all()),
        "can_resend": can(request.user, BOOKING_ROLES),
    }
    if request.htmx:
        # The board listens for this and redraws itself.
        headers = {"HX-Trigger": "board-changed"} if changed else None
        return render_in(request, "frontdesk/partials/session_panel.html", context, clinic=session.clinic, headers=headers)
    return render_in(request, "frontdesk/session.html", context, clinic=session.clinic)


def after_post(request, pk: int, *, notice: str = "", error: str = "", board_changed: bool = True, **kwargs):
    """htmx: the panel again, with the outcome. A plain form post: back to the session page (post/redirect/get).

    A notice means the session changed, so the board is told to redraw, unless `board_changed` is False
    (an email resent changes nothing the board shows).
    """
    if request.htmx:
        return _panel(request, pk, notice=notice, error=error, changed=bool(notice) and board_changed, **kwargs)
    if kwargs:
        return _panel(request, pk, notice=notice, error=error, **kwargs)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("frontdesk:session", pk=pk)


@staff_page(ALL_ROLES)
def session_detail(request, pk: int):
    return _panel(request, pk)


@require_POST
@staff_page(ALL_ROLES)
def session_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404("No such action.")
    service, roles, done, _ = ACTIONS[action]
    if not can(request.user, roles):
        return forbidden(request, roles)
    session = _session_for_action(request, pk)
    extra = {}
    if action == "complete":
        form = CompleteEarlyForm(request.POST)
        if not form.is_valid():
            return after_post(request, pk, error="The session was not completed: see the form.", complete_form=form)
        extra["reason"] = form.cleaned_data["reason"]
    try:
        service(session=session, by=request.user, **extra)
    except ApplicationError as exc:
        return after_post(request, pk, error=exc.message)
    return after_post(request, pk, notice=done)


def _session_for_action(request, pk: int) -> InfusionSession:
    try:
        return selectors.session_for_action(user=request.user, session_id=pk)
    except InfusionSession.DoesNotExist:
        raise Http404("No such session.") from None


@require_POST
@staff_page(BOOKING_ROLES)
def session_cancel(request, pk: int):
    session = _session_for_action(request, pk)
    form = CancelConfirmForm(request.POST)
    if not form.is_valid():
        return after_post(request, pk, error="The session was not cancelled: see the form.", cancel_form=form)
    if not form.cleaned_data["confirm"]:
        # The first step: the panel asks to confirm, saying whether it would count as late.
        return _panel(request, pk, cancel_form=form, cancel_confirm=True)
    try:
        cancelled = services.session_cancel(
            session=session, by_party=form.cleaned_data["by"], reason=form.cleaned_data["reason"], by=request.user
        )
    except ApplicationError as exc:
        return after_post(request, pk, error=exc.message)
    late = cancelled.status == SessionStatus.LATE_CANCELLED
    return after_post(request, pk, notice="Session cancelled (late: inside the clinic's cut-off)." if late else "Session cancelled.")


@require_POST
@staff_page(BOOKING_ROLES)
def session_move(request, pk: int):
    session = _session_for_action(request, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        return after_post(request, pk, error="The session was not moved: see the form.", move_form=form)
    try:
        moved = services.session_reschedule(
            session=session, starts_at=form.cleaned_data["starts_at"], scope=form.cleaned_data["scope"], by=request.user
        )
    except ApplicationError as exc:
        return after_post(request, pk, error=exc.message, move_form=form)
    tz = session.clinic.tz
    when = timezone.localtime(moved[0].starts_at, tz)
    others = f" and {len(moved) - 1} later session{'s' if len(moved) > 2 else ''}" if len(moved) > 1 else ""
    notice = f"Moved to {when:%a %d %b %Y} {format_clock(when, session.clinic.clock_format)}{others}."
    return after_post(request, pk, notice=notice)


@staff_page(BOOKING_ROLES)
def session_options(request, pk: int):
    """The session's slot grid: free start times over the coming days, as filtered (htmx: the partial; else a page).

    The same partial serves wherever a stored session is moved: it needs the session, the grid's own URL and
    the URL its time buttons post to (session_move).
    """
    session = _session_for_action(request, pk)
    record_access([session], request=request, patient_of=lambda s: s.patient_id, clinic_of=lambda s: s.clinic_id)
    context = slot_grid_context(request, session)
    template = "frontdesk/partials/slot_grid.html" if request.htmx else "frontdesk/slots.html"
    return render_in(request, template, context, clinic=session.clinic)


def slot_grid_context(request, session: InfusionSession) -> dict:
    """What partials/slot_grid.html shows for a stored session, from the request's filters (SlotGridForm); before
    the person sets any, those the patient's request note names."""
    note = selectors.session_request_note(session=session)
    movable = session.status in UPCOMING_STATUSES
    context = grid_context(
        request.GET, note=note, auto_id=f"slots-{session.pk}-%s",
        lookup=lambda filters: booking_selectors.session_slot_grid(session=session, filters=filters),
        refusal="" if movable else "Only a booked or confirmed session can be moved.",
    )
    return {
        **context,
        "session": session,
        "grid_id": str(session.pk),
        "current": session.starts_at,
        "tz_name": session.clinic.timezone,
        # In the session panel the request banner above already shows the note.
        "note": "" if request.GET.get("in") == "panel" else note,
        "grid_url": reverse("frontdesk:session-options", args=[session.pk]),
        "move_url": reverse("frontdesk:session-move", args=[session.pk]),
    }
