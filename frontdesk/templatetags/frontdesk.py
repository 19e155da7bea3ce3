"""Template filters of the staff pages."""

from django import template

from bookings.models import EmailKind, EmailStatus, SessionStatus
from common.access import ADMIN
from frontdesk.access import BOOKING_ROLES, can
from frontdesk.board import STATUS_STYLE

register = template.Library()


@register.filter
def status_css(status: str) -> str:
    """The CSS class of a session status (its colour; the page prints the status's name beside it)."""
    return "status-" + STATUS_STYLE.get(status, "booked")


@register.filter
def status_label(status: str) -> str:
    """A session status's name, e.g. "Checked in" for checked_in."""
    try:
        return SessionStatus(status).label
    except ValueError:
        return status


@register.filter
def words(code: str) -> str:
    """A code as words: "no_show" → "No show"."""
    return code.replace("_", " ").capitalize()


#: The words for each kind of patient email (reminders are "Reminder <n> h before").
_REMINDER_KINDS = {
    EmailKind.CONFIRMATION: "Confirmation",
    EmailKind.MOVED: "Moved notice",
    EmailKind.CANCELLED: "Cancellation notice",
    EmailKind.CYCLE_CANCELLED: "Course cancelled notice",
    EmailKind.BOOSTER_RECALL: "Booster recall",
}


@register.filter
def reminder_kind(kind: str) -> str:
    """A patient email's kind in words: "reminder_72h" → "Reminder 72 h before"."""
    try:
        hours = EmailKind.reminder_hours(kind)
    except ValueError:  # "reminder_soonh": not a kind this app writes; shown as words
        hours = None
    if hours is not None:
        return f"Reminder {hours} h before"
    return _REMINDER_KINDS.get(kind) or words(kind)


@register.filter
def reminder_status_label(status: str) -> str:
    try:
        return EmailStatus(status).label
    except ValueError:
        return status


@register.filter
def reminder_status_css(status: str) -> str:
    """The CSS class of an email's status (a colour; the status's name is always printed in it)."""
    return "status-email-" + (status if status in EmailStatus.values else "pending")


@register.filter
def reads_patient_email(user) -> bool:
    """Whether the user's roles handle patient emails (the mail outbox): the roles are read once per request."""
    return can(user, BOOKING_ROLES)


@register.filter
def manages_staff(user) -> bool:
    """Whether the user manages their clinics' staff (the admin role): the Staff link in the navigation."""
    return can(user, {ADMIN})
