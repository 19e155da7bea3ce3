"""OpenAPI declarations the booking resources share: error answers, the rule and conflict refusals, a session.

The refusals are those of bookings.error_codes and scheduler.error_codes; each resource's module holds
its own request and answer examples.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from common.openapi import error_example as _example
from common.openapi import error_response as _errors


def _validation(field: str, message: str) -> OpenApiExample:
    return _example(
        "validation_error", f"The request is not valid: {field}: {message}", {field: [message]}, name="validation_error"
    )


FORBIDDEN_INFUSION = _errors(
    "Your role may not do this (admin or clinician may).",
    _example("permission_denied", "This needs one of the roles: admin, clinician."),
)
NOT_FOUND = _errors(
    "No such object in your clinics (another clinic's objects are not found either).",
    _example("not_found", "No InfusionSession matches the given query.", name="not_found"),
)


def _filter_errors(field: str, message: str) -> OpenApiResponse:
    return _errors("A query parameter is not valid; `details` names it.", _validation(field, message))


# Domain refusals (bookings.error_codes, scheduler.error_codes).
RULE_EXAMPLES = [
    _example("outside_hours", "Session 2: Wed 2027-03-03 17:00–19:00 is not inside the clinic's opening hours.",
             {"starts_at": "2027-03-03T22:00:00+00:00", "ends_at": "2027-03-04T00:00:00+00:00", "sequence": 2}),
    _example("clinic_closed", "Session 4: The clinic is closed from Mon 2027-03-08 00:00 to Tue 2027-03-09 00:00.",
             {"closed_from": "2027-03-08T05:00:00+00:00", "closed_until": "2027-03-09T05:00:00+00:00", "sequence": 4}),
    _example("spacing_too_close", "Sessions 1 and 2 are 24.0 h apart; the protocol needs at least 40.0 h.",
             {"sequences": [1, 2], "gap_hours": 24.0, "min_gap_hours": 40.0}),
    _example("spacing_too_far", "Sessions 3 and 4 are 9 days apart; the protocol allows at most 8 days.",
             {"sequences": [3, 4], "gap_days": 9, "max_gap_days": 8}),
    _example("window_exceeded", "The course would take 15 days; the protocol fits it within 14.",
             {"span_days": 15, "window_days": 14}),
    _example("nonexistent_local_time", "2027-03-14 02:30 does not exist in America/New_York: the clocks skip that hour.",
             {"local_time": "2027-03-14T02:30:00", "timezone": "America/New_York"}),
    _example("in_past", "Session 1 would start in the past.", {"starts_at": "2027-02-26T14:00:00+00:00", "sequence": 1}),
]
CONFLICT_EXAMPLES = [
    _example("chair_conflict", "Session 5: That chair is already taken at this time.",
             {"chair": 3, "session": 812, "sequence": 5}),
    _example("patient_conflict", "Session 2: The patient already has a session at this time.",
             {"patient": 41, "session": 790, "sequence": 2}),
    _example("nurse_capacity", "Session 1: The nurse would watch 4 patients at once; the clinic allows 3.",
             {"nurse": 2, "at": "2027-03-02T15:00:00+00:00", "sessions": [801, 802, 803], "sequence": 1}),
    _example("stagger", "Session 1: The nurse already starts another infusion within 15 minutes of this one.",
             {"nurse": 2, "session": 801, "stagger_minutes": 15, "sequence": 1}),
    _example("nurse_unavailable", "Session 3: The nurse has time off then.", {"nurse": 2, "reason": "time_off", "sequence": 3}),
    _example("busy", "Another booking was being saved at the same moment; please try again."),
]


# An answer's session (a course's sessions are built from it too).
SESSION_EXAMPLE = {
    "id": 812, "cycle": 97, "patient": 41, "clinic": 1, "chair": 3, "nurse": 2, "sequence": 2, "session_count": 6,
    "starts_at": "2027-03-03T14:00:00Z", "ends_at": "2027-03-03T16:00:00Z",
    "starts_local": "2027-03-03T09:00:00-05:00", "ends_local": "2027-03-03T11:00:00-05:00",
    "timezone": "America/New_York", "status": "confirmed", "version": 2, "extra_monitoring": True,
    "booked_at": "2027-02-20T16:31:07Z", "confirmed_at": "2027-03-01T18:02:44Z", "checked_in_at": None,
    "chair_started_at": None, "completed_at": None, "early_completion_reason": "", "cancelled_at": None, "cancelled_by_party": "",
    "cancel_reason": "", "no_show_at": None, "made_up_for": None,
}


def _ok(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


def _body(name: str, value, summary: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True, summary=summary or name)
