"""Codes of the safety checks' refusals, with the HTTP status each answers with."""

CHECKS_PENDING = "checks_pending"
RECOVERY_CHECK_PENDING = "recovery_check_pending"
CHECKS_CLOSED = "checks_closed"
RECOVERY_CHECK_CLOSED = "recovery_check_closed"
NOTHING_TO_RECORD = "nothing_to_record"
NOTHING_TO_OVERRIDE = "nothing_to_override"
OVERRIDE_REASON_REQUIRED = "override_reason_required"
OVERRIDE_NOT_ALLOWED = "override_not_allowed"
BLOOD_PRESSURE_INCOMPLETE = "blood_pressure_incomplete"
BLOOD_PRESSURE_OUT_OF_RANGE = "blood_pressure_out_of_range"
HEART_RATE_OUT_OF_RANGE = "heart_rate_out_of_range"
OXYGEN_SATURATION_OUT_OF_RANGE = "oxygen_saturation_out_of_range"
WEIGHT_OUT_OF_RANGE = "weight_out_of_range"

_CONFLICT = {CHECKS_PENDING, RECOVERY_CHECK_PENDING, CHECKS_CLOSED, RECOVERY_CHECK_CLOSED, NOTHING_TO_OVERRIDE}
_FORBIDDEN = {OVERRIDE_NOT_ALLOWED}


def http_status(code: str) -> int:
    if code in _FORBIDDEN:
        return 403
    return 409 if code in _CONFLICT else 400
