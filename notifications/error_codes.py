"""Codes of the notifications app's refusals, with the HTTP status each answers with."""

REMINDER_NOT_RESENDABLE = "reminder_not_resendable"

_CONFLICT = {REMINDER_NOT_RESENDABLE}


def http_status(code: str) -> int:
    return 409 if code in _CONFLICT else 400
