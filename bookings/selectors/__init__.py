"""Reads of bookings, by role: the busy intervals planning needs (occupancy), patients, lists for the API
and pages, planning reads (proposals) and the one booking check. Callers import from here."""

from bookings.selectors.booking_check import (
    BookingCheck,
    CheckedSession,
    Problem,
    SessionRequest,
    cycle_check,
    cycle_check_times,
    session_requests_check,
    sessions_move_check,
    sessions_rules_check,
)
from bookings.selectors.cancelling import CancelPreview, cancel_is_late, cycle_cancel_preview
from bookings.selectors.lists import (
    TimeBound,
    cycle_list,
    emails_for_sessions,
    session_list,
    session_move_counts,
    sessions_on_local_date,
    sessions_starting_between,
)
from bookings.selectors.occupancy import occupancy_load
from bookings.selectors.patients import patient_list, patient_search
from bookings.selectors.proposals import CycleProposal, cycle_proposal, day_availability, session_options

__all__ = [
    "BookingCheck",
    "CancelPreview",
    "cancel_is_late",
    "cycle_cancel_preview",
    "CheckedSession",
    "CycleProposal",
    "Problem",
    "SessionRequest",
    "TimeBound",
    "cycle_check",
    "session_requests_check",
    "sessions_rules_check",
    "cycle_check_times",
    "cycle_list",
    "cycle_proposal",
    "day_availability",
    "emails_for_sessions",
    "sessions_move_check",
    "occupancy_load",
    "patient_list",
    "patient_search",
    "session_list",
    "session_move_counts",
    "session_options",
    "sessions_on_local_date",
    "sessions_starting_between",
]
