"""Codes of the waitlist's refusals, with the HTTP status each answers with."""

ENTRY_NOT_WAITING = "entry_not_waiting"
OFFER_NOT_OPEN = "offer_not_open"
SLOT_TAKEN = "slot_taken"
SLOT_UNSUITED = "slot_unsuited"
ENTRY_INVALID = "entry_invalid"

_CONFLICT = {ENTRY_NOT_WAITING, OFFER_NOT_OPEN, SLOT_TAKEN, SLOT_UNSUITED}


def http_status(code: str) -> int:
    return 409 if code in _CONFLICT else 400
