"""The day board: one clinic's chairs × time for one day, the nurses' load, hours and closures, and the day's pump
visits (fittings, reviews, removals) as a list."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from frontdesk import board, selectors
from frontdesk.access import BOOKING_ROLES, can, staff_page
from frontdesk.forms import parse_day
from frontdesk.views.common import audit_shown, clinic_choice, local_today, no_clinic, render_in


@staff_page()
def day_board(request):
    clinics, clinic = clinic_choice(request)
    if clinic is None:
        return no_clinic(request)
    today = local_today(clinic)
    day, bad_date = parse_day(request.GET.get("date"), today)
    data = selectors.day_board_load(clinic=clinic, day=day)
    pump_visits = selectors.pump_visits_for_day(clinic=clinic, day=day)
    audit_shown(request, data.sessions, pump_visits)
    context = {
        "clinics": clinics,
        "clinic": clinic,
        "day": day,
        "today": today,
        "prev_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "board": board.build(data, now=timezone.now(), pump_visits=pump_visits),
        "pump_visits": pump_visits,
        "bad_date": bad_date,
        "can_book": can(request.user, BOOKING_ROLES),
    }
    template = "frontdesk/partials/board.html" if request.htmx and request.GET.get("part") == "board" else "frontdesk/day.html"
    return render_in(request, template, context, clinic=clinic)
