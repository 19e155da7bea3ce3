"""The booking services: every write to cycles and sessions goes through one of these functions.

Each is atomic. Locks are taken in one order everywhere (services/locks.py): the cycle row, then its
session rows, then the per-(clinic, day) advisory locks; the booking check (bookings.selectors) runs under
those locks, and PostgreSQL's exclusion constraints stand behind it. A status changes only by
compare-and-swap (UPDATE … WHERE status IN the legal sources), and every change bumps the session's version.

By role: booking (a whole course), make_up (a session added for a missed one), moving, transitions (and ending a course), patient_requests (from the
links in patients' emails), patients (registering and changing a patient); errors, locks and audit are what
they share.
"""

from bookings.selectors import SessionRequest
from bookings.services.booking import CycleBooked, cycle_book
from bookings.services.errors import BookingError
from bookings.services.make_up import cycle_make_up
from bookings.services.moving import SCOPE_FOLLOWING, SCOPE_THIS, session_reschedule
from bookings.services.patient_requests import patient_unsubscribe, session_request_reschedule
from bookings.services.patients import patient_create, patient_update
from bookings.services.transitions import (
    completion_earliest_at,
    cycle_cancel,
    session_cancel,
    session_check_in,
    session_complete,
    session_confirm,
    session_no_show,
    session_start,
)

__all__ = [
    "SCOPE_FOLLOWING",
    "SCOPE_THIS",
    "BookingError",
    "completion_earliest_at",
    "CycleBooked",
    "SessionRequest",
    "cycle_book",
    "cycle_cancel",
    "cycle_make_up",
    "patient_create",
    "patient_unsubscribe",
    "patient_update",
    "session_cancel",
    "session_check_in",
    "session_complete",
    "session_confirm",
    "session_no_show",
    "session_reschedule",
    "session_request_reschedule",
    "session_start",
]
