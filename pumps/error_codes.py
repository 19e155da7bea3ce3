"""Codes of the pump courses' refusals, with the HTTP status each answers with.

Kept in one module: each part of the app (planner and booking, an episode's life, the emails) adds its codes to
its own block below and to the sets at the end.
"""

from scheduler import error_codes as _rules
from scheduler.planning import pumps as _planned

# --- Booking an episode (scheduler.planning.pumps, pumps.services.booking) ---
# The planner's own codes are defined in scheduler.planning.pumps (planning imports no app) and repeated here.

REVIEW_ON_CLOSED_DAY = _planned.REVIEW_ON_CLOSED_DAY
PUMP_UNAVAILABLE = _planned.PUMP_UNAVAILABLE
PUMP_IN_MAINTENANCE = _planned.PUMP_IN_MAINTENANCE
PUMP_RETIRED = _planned.PUMP_RETIRED
NO_PUMP_FREE = _planned.NO_PUMP_FREE
NO_PUMP = _planned.NO_PUMP
PATIENT_IN_EPISODE = _planned.PATIENT_IN_EPISODE
EPISODE_IN_PAST = _planned.EPISODE_IN_PAST
EPISODE_TOO_SOON = _planned.EPISODE_TOO_SOON
EPISODE_TOO_LATE = _planned.EPISODE_TOO_LATE
VISIT_OUTSIDE_HOURS = _planned.VISIT_OUTSIDE_HOURS
NO_EPISODE_FITS = _planned.NO_EPISODE_FITS
#: The course has all its episodes (protocol.episodes_per_course) booked already.
COURSE_FULL = "course_full"
#: The course is completed or cancelled.
COURSE_ENDED = "course_ended"
#: The course is another patient's, protocol's or clinic's.
WRONG_COURSE = "wrong_course"
#: A pump, chair or nurse of another clinic.
WRONG_CLINIC = "wrong_clinic"
#: The clinic takes no bookings; the protocol is not offered at the clinic.
CLINIC_INACTIVE = "clinic_inactive"
PROTOCOL_UNAVAILABLE = "protocol_unavailable"
#: Another booking was being saved at the same moment (a deadlock or a locked SQLite database): try again.
BUSY = "busy"

_BOOKING_CONFLICT = {
    *_rules.CONFLICT_CODES, PUMP_UNAVAILABLE, PUMP_IN_MAINTENANCE, NO_PUMP_FREE, PATIENT_IN_EPISODE, COURSE_FULL,
    COURSE_ENDED, BUSY,
}

# --- An episode's life (pumps.services.lifecycle) ---
#: The episode (or the review) is not in a state the action starts from; the message names both.
INVALID_TRANSITION = "invalid_transition"
#: A review is recorded while the pump is on the patient (the episode fitted) only.
EPISODE_NOT_FITTED = "episode_not_fitted"
#: Only a review is recorded by itself; the fitting and the removal are recorded by fit and remove.
NOT_A_REVIEW = "not_a_review"
#: A review is recorded from its own day (clinic time), not before.
VISIT_NOT_DUE = "visit_not_due"
#: A pump is fitted on the day of its fitting visit (clinic time).
NOT_FITTING_DAY = "not_fitting_day"
#: A removal before the removal visit's start needs a stated reason.
EARLY_REMOVAL_REASON_REQUIRED = "early_removal_reason_required"
#: Cancelling an episode needs a stated reason.
REASON_REQUIRED = "reason_required"
#: The visit named belongs to another episode.
NOT_IN_EPISODE = "not_in_episode"

_LIFE_CONFLICT = {INVALID_TRANSITION, EPISODE_NOT_FITTED, NOT_A_REVIEW, VISIT_NOT_DUE, NOT_FITTING_DAY}

# --- The episode emails (pumps.delivery) ---
EMAIL_NOT_RESENDABLE = "episode_email_not_resendable"

_CONFLICT: set[str] = {*_BOOKING_CONFLICT, *_LIFE_CONFLICT, EMAIL_NOT_RESENDABLE}
_FORBIDDEN: set[str] = set()
_NOT_FOUND: set[str] = set()


def http_status(code: str) -> int:
    if code in _FORBIDDEN:
        return 403
    if code in _NOT_FOUND:
        return 404
    return 409 if code in _CONFLICT else 400
