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
}


def http_status(code: str) -> int:
    return 409 if code in _CONFLICT else 400
