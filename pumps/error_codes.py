"""Codes of the pump courses' refusals, with the HTTP status each answers with.

Kept in one module: each part of the app (planner and booking, an episode's life, the emails) adds its codes to
its own block below and to the sets at the end.
"""

# --- Booking an episode (scheduler.planning.pumps, pumps.services.booking) ---

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

_CONFLICT: set[str] = {*_LIFE_CONFLICT}
_FORBIDDEN: set[str] = set()
_NOT_FOUND: set[str] = set()


def http_status(code: str) -> int:
    if code in _FORBIDDEN:
        return 403
    if code in _NOT_FOUND:
        return 404
    return 409 if code in _CONFLICT else 400
