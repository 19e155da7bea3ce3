"""Worklists: what needs the desk's attention beyond today's board."""

from __future__ import annotations

from django.utils import timezone

from bookings.selectors.impact import sessions_needing_moves
from frontdesk import selectors
from frontdesk.access import ALL_ROLES, BOOKING_ROLES, can, staff_page
from frontdesk.views.common import audit_shown, clinic_choice, no_clinic, render_in
from pumps.selectors.worklist import missed_reviews, pumps_overdue, visits_stranded


@staff_page(ALL_ROLES)
def worklists(request):
    clinics, clinic = clinic_choice(request)
    if clinic is None:
        return no_clinic(request)
    context = {
        "clinics": clinics,
        "clinic": clinic,
        "reschedule_requests": selectors.reschedule_requests(clinic=clinic),
        "failed": selectors.failed_reminders(clinic=clinic),
        "can_resend": can(request.user, BOOKING_ROLES),
        "review": selectors.cycles_for_review(clinic=clinic),
        "boosters": selectors.boosters_due(clinic=clinic),
        "limit": selectors.WORKLIST_LIMIT,
        "needs_moving": list(sessions_needing_moves(clinic_ids=[clinic.pk])[: selectors.WORKLIST_LIMIT]),
        # Pump courses (issue 16): a review missed while the pump is out, and a pump not back in time.
        "missed_reviews": list(missed_reviews(clinic_ids=[clinic.pk])[: selectors.WORKLIST_LIMIT]),
        "pumps_overdue": list(pumps_overdue(clinic_ids=[clinic.pk], now=timezone.now())[: selectors.WORKLIST_LIMIT]),
        "visits_stranded": visits_stranded(clinic=clinic, now=timezone.now())[: selectors.WORKLIST_LIMIT],
    }
    audit_shown(request, context["reschedule_requests"], context["failed"], context["review"], context["boosters"],
                context["needs_moving"], context["missed_reviews"], context["pumps_overdue"],
                [item.visit for item in context["visits_stranded"]])
    return render_in(request, "frontdesk/worklists.html", context, clinic=clinic)
