"""Codes of the booking services' refusals, with the HTTP status each answers with."""

from scheduler import error_codes as rules

INVALID_TRANSITION = "invalid_transition"
IN_PAST = "in_past"
WRONG_CLINIC = "wrong_clinic"
SESSION_COUNT_MISMATCH = "session_count_mismatch"
PROTOCOL_UNAVAILABLE = rules.PROTOCOL_UNAVAILABLE
CLINIC_INACTIVE = "clinic_inactive"
NOT_TODAY = "not_today"
TOO_EARLY_FOR_NO_SHOW = "too_early_for_no_show"
#: Completing before the protocol's chair time has passed needs a stated reason.
TOO_EARLY_TO_COMPLETE = "too_early_to_complete"
SESSION_IN_PROGRESS = "session_in_progress"
REASON_REQUIRED = "reason_required"
INVALID_SCOPE = "invalid_scope"
BUSY = "busy"
# Make-up sessions (bookings.services.make_up): a course short of its target gets a session back.
#: The course holds as many sessions as its target: nothing to make up.
COURSE_NOT_SHORT = "course_not_short"
#: The course is completed, cancelled or abandoned.
COURSE_ENDED = "course_ended"
#: The session to replace was not cancelled or missed.
NOT_MISSED = "not_missed"
#: The missed session has a make-up already.
ALREADY_MADE_UP = "already_made_up"
#: The session to replace belongs to another course.
NOT_IN_COURSE = "not_in_course"
#: The course's first visit (with its longer chair time) was missed: re-plan the course rather than make it up.
FIRST_VISIT_MISSED = "first_visit_missed"
#: A make-up before the course's first visit (which holds the longer chair time): it comes after it.
MAKE_UP_BEFORE_FIRST_VISIT = "make_up_before_first_visit"
#: The course's spacing and window leave no date for a make-up any more.
MAKE_UP_WINDOW_CLOSED = "make_up_window_closed"
#: A patient's details break a rule (bookings.services.patients). The code DRF's field errors answer with,
#: and the same details shape ({field: [message, …]}), so a client reads both alike.
VALIDATION_ERROR = "validation_error"

_CONFLICT = {
    *rules.CONFLICT_CODES,
    INVALID_TRANSITION,
    NOT_TODAY,
    TOO_EARLY_FOR_NO_SHOW,
    TOO_EARLY_TO_COMPLETE,
    SESSION_IN_PROGRESS,
    BUSY,
    COURSE_NOT_SHORT,
    COURSE_ENDED,
    NOT_MISSED,
    ALREADY_MADE_UP,
    FIRST_VISIT_MISSED,
    MAKE_UP_WINDOW_CLOSED,
}


def http_status(code: str) -> int:
    return 409 if code in _CONFLICT else 400
