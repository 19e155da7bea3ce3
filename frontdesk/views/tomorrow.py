"""Tomorrow at the desk: the patients who have not confirmed (to phone them, with a "called" mark), and the
printed sheet of tomorrow's sessions for the morning huddle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from bookings.models import InfusionSession
from bookings.services.calls import session_mark_called
from common.errors import ApplicationError
from frontdesk import selectors
from frontdesk.access import ALL_ROLES, BOOKING_ROLES, staff_page
from frontdesk.forms import parse_day
from frontdesk.views.common import audit_shown, clinic_choice, local_today, no_clinic, render_in


def _day(request, clinic) -> tuple[dt.date, dt.date, str]:
    """(the day asked for with ?date=, else tomorrow; tomorrow; why ?date= was not taken)."""
    tomorrow = local_today(clinic) + dt.timedelta(days=1)
    day, bad_date = parse_day(request.GET.get("date"), tomorrow)
    return day, tomorrow, bad_date.replace("showing today", "showing tomorrow").replace("Showing today", "Showing tomorrow")


def _day_page(request, rows_for: Callable[..., list[InfusionSession]], template: str):
    """A page of one clinic-day's sessions (tomorrow unless ?date= says otherwise), audited as shown."""
    clinics, clinic = clinic_choice(request)
    if clinic is None:
        return no_clinic(request)
    day, tomorrow, bad_date = _day(request, clinic)
    rows = rows_for(clinic=clinic, day=day)
    audit_shown(request, rows)
    context = {"clinics": clinics, "clinic": clinic, "day": day, "tomorrow": tomorrow, "rows": rows, "bad_date": bad_date}
    return render_in(request, template, context, clinic=clinic)


@staff_page(BOOKING_ROLES)
def unconfirmed_list(request):
    return _day_page(request, selectors.sessions_unconfirmed_for_day, "frontdesk/tomorrow.html")


@require_POST
@staff_page(BOOKING_ROLES)
def session_called(request, pk: int):
    """Mark that the desk phoned this session's patient; htmx gets the row back, a plain form the list."""
    try:
        session = selectors.session_for_call(user=request.user, session_id=pk)
    except InfusionSession.DoesNotExist:
        raise Http404("No such session.") from None
    error = ""
    try:
        session = session_mark_called(session=session, by=request.user)
    except ApplicationError as exc:
        error = exc.message
    if not request.htmx:
        # Without htmx (no script), back to the list of the session's day, with the outcome as a message.
        if error:
            messages.error(request, error)
        day = session.starts_at.astimezone(session.clinic.tz).date()
        return redirect(f"{reverse('frontdesk:tomorrow')}?clinic={session.clinic_id}&date={day.isoformat()}")
    row = selectors.session_for_call(user=request.user, session_id=pk)
    audit_shown(request, [row])
    return render_in(request, "frontdesk/partials/unconfirmed_row.html", {"s": row, "error": error}, clinic=row.clinic)


@staff_page(ALL_ROLES)
def huddle_sheet(request):
    """The day's sessions for the morning huddle, to print (clinicians read it too, so no phone numbers)."""
    return _day_page(request, selectors.sessions_for_huddle, "frontdesk/tomorrow_print.html")
