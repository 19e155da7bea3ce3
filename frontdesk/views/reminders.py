"""Sending a failed patient email again, from the session panel or the "Failed emails" worklist.

The desk and admins may (as in the API); the email is looked up among the user's clinics only, so another
clinic's is a 404. notifications.services.email_resend puts it back in the outbox; the next sweep
sends it, after checking again that it should still go (the session not moved or cancelled meanwhile).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from bookings.models import PatientEmail
from frontdesk import selectors
from frontdesk.access import BOOKING_ROLES, staff_page
from frontdesk.templatetags.frontdesk import reminder_kind, reminder_status_label
from frontdesk.views.common import render_in
from frontdesk.views.sessions import after_post
from notifications.services import EmailNotResendable, email_resend

#: The `from` field of the resend form: where the button was, so where the outcome is shown.
FROM_WORKLIST = "worklist"


@require_POST
@staff_page(BOOKING_ROLES)
def reminder_send_again(request, pk: int):
    try:
        reminder = selectors.reminder_get(user=request.user, reminder_id=pk)
    except PatientEmail.DoesNotExist:
        raise Http404("No such email.") from None
    what = reminder_kind(reminder.kind)
    notice = error = ""
    try:
        email_resend(email=reminder, by=request.user)
    except EmailNotResendable as exc:
        error = f"{what}: only a failed email can be sent again; this one is {reminder_status_label(exc.details['status']).lower()}."
    else:
        notice = f"{what}: back in the outbox, it goes out within a minute."

    if request.POST.get("from") == FROM_WORKLIST:
        return _failed_list(request, reminder, notice=notice, error=error)
    return after_post(request, reminder.session_id, notice=notice, error=error, board_changed=False)


def _failed_list(request, reminder: PatientEmail, *, notice: str, error: str):
    """htmx: the "Failed emails" list of the email's clinic again, with the outcome; else back to the worklists."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(f"{reverse('frontdesk:worklists')}?clinic={reminder.clinic_id}#wl-failed")
    clinic = reminder.clinic
    context = {
        "clinic": clinic,
        "failed": selectors.failed_reminders(clinic=clinic),
        "limit": selectors.WORKLIST_LIMIT,
        "can_resend": True,
        "notice": notice,
        "error": error,
    }
    return render_in(request, "frontdesk/partials/failed_reminders.html", context, clinic=clinic)
