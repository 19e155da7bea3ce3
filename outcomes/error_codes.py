"""Codes of the outcomes app's refusals, with the HTTP status each answers with."""

ANSWERS_NOT_A_LIST = "answers_not_a_list"
ANSWER_COUNT_WRONG = "answer_count_wrong"
ANSWER_OUT_OF_RANGE = "answer_out_of_range"
INSTRUMENT_UNKNOWN = "instrument_unknown"
INSTRUMENT_NOT_ASKED = "instrument_not_asked"
SESSION_NOT_OPEN = "session_not_open"
FLAG_ALREADY_ACKNOWLEDGED = "flag_already_acknowledged"
URGENT_FLAG_UNACKNOWLEDGED = "urgent_flag_unacknowledged"
REVIEW_NOT_DUE = "review_not_due"
DECISION_INVALID = "decision_invalid"

_CONFLICT = {SESSION_NOT_OPEN, FLAG_ALREADY_ACKNOWLEDGED, URGENT_FLAG_UNACKNOWLEDGED, REVIEW_NOT_DUE}


def http_status(code: str) -> int:
    return 409 if code in _CONFLICT else 400
