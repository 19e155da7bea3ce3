"""Codes of the pump courses' refusals, with the HTTP status each answers with.

Kept in one module: each part of the app (planner and booking, an episode's life, the emails) adds its codes to
its own block below and to the sets at the end.
"""

# --- Booking an episode (scheduler.planning.pumps, pumps.services.booking) ---

# --- An episode's life (pumps.services.lifecycle) ---

# --- The episode emails (pumps.delivery) ---
EMAIL_NOT_RESENDABLE = "episode_email_not_resendable"

_CONFLICT: set[str] = {EMAIL_NOT_RESENDABLE}
_FORBIDDEN: set[str] = set()
_NOT_FOUND: set[str] = set()


def http_status(code: str) -> int:
    if code in _FORBIDDEN:
        return 403
    if code in _NOT_FOUND:
        return 404
    return 409 if code in _CONFLICT else 400
