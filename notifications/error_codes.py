"""Codes of the notifications app's refusals, with the HTTP status each answers with."""

REMINDER_NOT_RESENDABLE = "reminder_not_resendable"
BAD_LINK = "bad_link"  # a patient link tampered with, or a token for another action
LINK_EXPIRED = "link_expired"  # a genuine patient link whose time is over

_STATUS = {REMINDER_NOT_RESENDABLE: 409, LINK_EXPIRED: 410}


def http_status(code: str) -> int:
    return _STATUS.get(code, 400)
