"""What schemathesis' negative_data_rejection and positive_data_acceptance expect of this API (issue 12).

A request that breaks the schema is refused: 400, or earlier 401 (not signed in), 403 (a role that may not) or
404 (a path's id of no row). A request the schema allows is accepted (2xx), unless a rule of the domain refuses
it: those refusals are BUSINESS_RULES, each with its reason, and no other refusal passes.
"""

from __future__ import annotations

from collections import Counter
from fnmatch import fnmatchcase

from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import positive_data_acceptance

NEGATIVE_STATUSES = ["400", "401", "403", "404"]

#: Where the schedule's rules refuse a requested time: booking a course, moving a session.
_SCHEDULING = ("cycles_create", "sessions_reschedule", "cycles_proposals")
_SCHEDULE_RULES = {
    "in_past": "a start in the past",
    "outside_hours": "a start or end outside the clinic's opening hours",
    "clinic_closed": "a time inside a closure",
    "chair_conflict": "the chair is taken then",
    "nurse_unavailable": "the nurse is not on shift, or away",
    "nurse_capacity": "the nurse already watches as many patients as allowed",
    "stagger": "the nurse starts another infusion within the stagger",
    "patient_conflict": "the patient is in another session then",
    "spacing_too_close": "too close to the course's neighbouring session",
    "spacing_too_far": "too far from the course's neighbouring session",
    "window_exceeded": "the course would stretch past the protocol's window",
    "nonexistent_local_time": "a wall-clock time the clocks skip (spring forward)",
    "time_out_of_range": "an instant whose clinic-local day lies outside the years 1900-2999",
    "protocol_unavailable": "a retired protocol, or another clinic's",
    "clinic_inactive": "an inactive clinic takes no bookings",
    "wrong_clinic": "a chair, nurse or protocol of another clinic than the course's",
    "session_count_mismatch": "not as many sessions as the protocol has",
    "no_feasible_series": "no series fits the clinic's capacity in the weeks asked",
    "invalid_transition": "the session or course is not in a state this step leaves from",
    "session_in_progress": "a session under way cannot move",
    "busy": "another change of the same course is being written (retry)",
}
_IDS = ("clinic", "patient", "protocol", "chair", "nurse", "staff", "pump", "course")
#: Where the pump planner's rules refuse a requested episode (issue 16): pumps.error_codes' booking block.
_EPISODE_RULES = {
    "review_on_closed_day": "a review falls when the clinic is closed and the protocol allows no phone review then",
    "pump_unavailable": "the pump is out with another patient (or in its turnaround, or overdue)",
    "pump_in_maintenance": "the pump is in maintenance then",
    "pump_retired": "the pump is retired",
    "no_pump_free": "no pump is free for the episode",
    "no_pump": "the clinic has no pump in service",
    "patient_in_episode": "the patient is in another episode (or a session) during the episode",
    "episode_in_past": "a fitting in the past",
    "episode_too_soon": "closer to the course's previous episode than the protocol allows",
    "episode_too_late": "further from the course's previous episode than the protocol allows",
    "visit_outside_hours": "a fitting or removal outside the clinic's hours",
    "no_episode_fits": "no episode fits the clinic's pumps, chairs and nurses",
    "course_full": "every episode of the course is booked",
    "course_ended": "the course is completed or cancelled",
    "wrong_course": "a course of another patient, protocol or clinic",
}
_ONE_RULE_ACROSS_FIELDS = "a value that breaks a rule between two fields, which a schema cannot state"

#: (operationId pattern, error code or, for a `validation_error`, the field its details name) → why it is refused.
#: A `validation_error` passes when every field it names is listed; "null_character" stands for a text refused
#: only for holding U+0000.
BUSINESS_RULES: dict[tuple[str, str], str] = {
    ("*", "not_found"): "a path's id that names no row of the user's clinics (most generated ids), or a page past "
    "the last one (documented 404 of every list)",
    ("*", "permission_denied"): "the front desk is sent every operation, admin-only and clinician-only ones too",
    ("*", "in_use"): "deleting a row that bookings still refer to",
    ("*", "null_character"): "a text holding U+0000, which PostgreSQL cannot store (stated in the API description)",
    **{("*", name): f"a {name} id of no row of the user's clinics (a generated id, or the other clinic's row); "
       "for a row being changed, another clinic than its own (rows stay in their clinic)" for name in _IDS},
    ("*", "timezone"): "not an IANA time zone name of the server's tz database (too long, and version-bound, for an enum)",
    ("*", "slug"): "a slug already taken among the user's clinics, or among the clinic's protocols",
    ("chairs_*", "name"): "a chair name already taken in the clinic",
    ("clinics_*", "email_name"): "a name for patients that names a treatment (common/treatment_words.py and the "
    "clinic's protocol words): patients see it on lock screens and shared inboxes (issue 11)",
    ("clinics_*", "opening_hours"): f"a span closing before it opens, or overlapping spans: {_ONE_RULE_ACROSS_FIELDS}",
    ("staff_*", "shifts"): f"a shift ending before it starts, or overlapping shifts: {_ONE_RULE_ACROSS_FIELDS}",
    ("closures_*", "ends_at"): f"an end not after the start: {_ONE_RULE_ACROSS_FIELDS}",
    ("time_off_*", "ends_at"): f"an end not after the start: {_ONE_RULE_ACROSS_FIELDS}",
    **{("protocols_*", name): f"a maximum below its minimum: {_ONE_RULE_ACROSS_FIELDS}"
       for name in ("max_gap_hours", "max_gap_days", "recall_max_days", "window_days")},
    ("cycles_proposals", "time_to"): f"`time_to` not after `time_from`: {_ONE_RULE_ACROSS_FIELDS}",
    ("audit_list", "to"): f"`to` not after `from`: {_ONE_RULE_ACROSS_FIELDS}",
    ("cycles_proposals", "earliest_date"): "a course starts today at the earliest and at most a year ahead",
    ("patients_*", "date_of_birth"): "a date of birth in the future",
    ("cycles_create", "sessions"): "a session's chair or nurse that is no row of the clinic's",
    ("auth_token_obtain", "invalid_credentials"): "a username and password of no account",
    ("auth_token_obtain", "device"): "a device name with control or format characters (the device list must show safely)",
    ("sessions_*", "invalid_transition"): _SCHEDULE_RULES["invalid_transition"],
    ("cycles_cancel", "invalid_transition"): _SCHEDULE_RULES["invalid_transition"],
    ("cycles_cancel", "session_in_progress"): "a course with a session under way is not cancelled until it ends",
    ("patients_*", "email_consent"): f"consent to email without an email address: {_ONE_RULE_ACROSS_FIELDS}",
    ("patients_*", "email"): f"an email address removed while consent to email stands: {_ONE_RULE_ACROSS_FIELDS}",
    ("sessions_options", "from"): "a date more than a year from today: nothing is booked that far off, and the "
    "options must be times the reschedule accepts",
    ("sessions_check_in", "not_today"): "a patient is checked in on the session's day only",
    ("sessions_no_show", "too_early_for_no_show"): "a no-show is recorded only once the grace period has passed",
    ("reminders_resend", "reminder_not_resendable"): "only a failed email is sent again",
    # Safety checks (issue 15): recorded in the session's state for them, by the role that may, with real values.
    ("sessions_start", "checks_pending"): "a session starts once its safety checks pass or a clinician overrides them",
    ("sessions_complete", "recovery_check_pending"): "a session completes once its recovery check passes or is "
    "overridden",
    ("sessions_checks_record", "checks_closed"): "checks are recorded between check-in and the start",
    ("sessions_recovery_check", "recovery_check_closed"): "the recovery check is recorded while in the chair",
    ("sessions_checks_record", "nothing_to_override"): "an override needs something pending or flagged",
    ("sessions_recovery_check", "nothing_to_override"): "an override needs a flagged recovery check",
    ("sessions_*", "override_not_allowed"): "only a user with the clinician role overrides (the admin is sent too)",
    ("sessions_*", "override_reason_required"): "an override's reason is not blank (whitespace is generated)",
    ("sessions_*", "nothing_to_record"): "an empty body, or a recovery check without all four values: "
    f"{_ONE_RULE_ACROSS_FIELDS}",
    ("sessions_*", "blood_pressure_incomplete"): f"one of systolic and diastolic without the other: {_ONE_RULE_ACROSS_FIELDS}",
    **{("sessions_*", f"{name}_out_of_range"): "a value no patient can have (physiological bounds, documented in the "
       "field's description, checked with a code of their own)"
       for name in ("blood_pressure", "heart_rate", "oxygen_saturation", "weight")},
    **{(op, code): f"the requested time breaks a rule of the schedule: {why}"
       for op in _SCHEDULING for code, why in _SCHEDULE_RULES.items()},
    # Make-up sessions (issue 14): the course and the missed session must allow one; its time, the schedule.
    **{("cycles_make_up", code): f"the make-up's time breaks a rule of the schedule: {why}"
       for code, why in _SCHEDULE_RULES.items()},
    **{("cycles_make_up*", code): why for code, why in {
        "course_not_short": "the course holds all its sessions: nothing to make up",
        "course_ended": "the course is completed, cancelled or abandoned",
        "first_visit_missed": "the course's first visit was missed: it is re-booked, not made up",
        "make_up_window_closed": "the protocol's spacing and window leave no date for a make-up",
    }.items()},
    ("cycles_make_up", "replaces"): "a session id of no row of the user's clinics",
    ("cycles_make_up", "not_in_course"): "a session of another course than the one in the path",
    ("cycles_make_up", "not_missed"): "a session that was not cancelled or missed",
    ("cycles_make_up", "already_made_up"): "a missed session that has its make-up already",
    ("cycles_make_up", "make_up_before_first_visit"): "a make-up comes after the course's first visit",
    ("cycles_make_up_options", "from"): "a date more than a year from today (as the session options)",
    # The waitlist (issue 14).
    ("waitlist_create", "entry_invalid"): "a protocol and a session both or neither, a session not the patient's or "
    f"not upcoming, `time_to` not after `time_from`, `latest_date` before `earliest_date`: {_ONE_RULE_ACROSS_FIELDS}",
    ("waitlist_create", "protocol_unavailable"): _SCHEDULE_RULES["protocol_unavailable"],
    ("waitlist_create", "session"): "a session id of no row of the user's clinics",
    ("waitlist_withdraw", "entry_not_waiting"): "an entry already booked or withdrawn",
    ("waitlist_offers_create", "entry_not_waiting"): "an entry already offered a slot, booked or withdrawn",
    ("waitlist_offers_create", "slot_unsuited"): "a time the entry's course, constraints or the clinic's chairs and "
    "nurses cannot take",
    ("waitlist_offers_create", "nonexistent_local_time"): _SCHEDULE_RULES["nonexistent_local_time"],
    ("waitlist_offers_create", "time_out_of_range"): _SCHEDULE_RULES["time_out_of_range"],
    # Outcome measures (issue 15): the instruments are data, so their codes and answer counts are not in the schema.
    ("sessions_measures_create", "instrument_unknown"): "an instrument code no instrument has (instruments are data)",
    ("sessions_measures_create", "instrument_not_asked"): "an instrument the session's course does not ask for",
    ("sessions_measures_create", "answer_count_wrong"): "not as many answers as the instrument has items",
    ("sessions_measures_create", "answer_out_of_range"): "an answer outside the instrument's own scale (0-3, 0-4, 0-10)",
    ("sessions_measures_create", "session_not_open"): "a cancelled or missed session takes no answers",
    ("cycles_review", "review_not_due"): "a course not flagged for review",
    # Booking a pump episode (issue 16): the schedule's rules and the pump planner's, per visit and per pump.
    **{("episodes_create", code): f"the requested episode breaks a rule of the schedule: {why}"
       for code, why in {**_SCHEDULE_RULES, **_EPISODE_RULES}.items()},
    ("episodes_create", "visits"): "a visit's day outside the protocol's episode, or its chair or nurse no row of the "
    "clinic's",
    ("episodes_create", "fitting_start"): "a fitting more than a year ahead (bookings reach at most a year)",
    ("episodes_proposals", "earliest"): "a first day more than a year from today (proposals reach at most a year)",
    # Pump courses (issue 16): an episode's actions start from their state; a pump's label and serial number are
    # unique in its clinic.
    ("episodes_*", "invalid_transition"): "the episode (or the review) is not in a state this step leaves from",
    ("episodes_fit", "not_fitting_day"): "a pump is fitted on the day of its fitting visit",
    ("episodes_review", "episode_not_fitted"): "a review is recorded while the pump is fitted",
    ("episodes_review", "not_a_review"): "the fitting and the removal are recorded by fit and remove",
    ("episodes_review", "visit_not_due"): "a review is recorded from its own day",
    ("episodes_review", "visit"): "a visit id of no row of this episode",
    ("episodes_remove", "early_removal_reason_required"): "a removal before the removal visit's start needs a reason",
    ("pumps_*", "label"): "a pump label already taken in the clinic",
    ("pumps_*", "serial_number"): "a serial number already taken in the clinic",
    ("pumps_maintenance_create", "ends_at"): f"an end not after the start: {_ONE_RULE_ACROSS_FIELDS}",
    # Re-plan (issue 14): which sessions to re-plan is said one way, and they belong to the clinic named.
    ("sessions_replan", "sessions"): "neither `sessions` nor `all: true` given, or both, or a session id of no row of "
    f"the user's clinics or of another clinic than `clinic`: {_ONE_RULE_ACROSS_FIELDS}",
}
#: How often each rule excused a refusal in the run (printed with the figures).
RULES_MET: Counter[tuple[str, str]] = Counter()

_NUL_MESSAGE = "Null characters are not allowed."


def _names(body) -> list[str]:
    """The names a refusal is listed under: its code, or each field a validation_error names."""
    code = body.get("code", "") if isinstance(body, dict) else ""
    if code != "validation_error":
        return [code]
    details = body.get("details") or {}
    return ["null_character" if details[name] == [_NUL_MESSAGE] else name for name in details]


def refusal_rules(case, response: Response) -> list[tuple[str, str]] | None:
    """The BUSINESS_RULES entries that explain this refusal, or None when some part of it is explained by none."""
    try:
        body = response.json()
    except ValueError:
        return None
    operation = case.operation.definition.raw.get("operationId", "")
    found = []
    for name in _names(body):
        rule = next(((op, key) for op, key in BUSINESS_RULES if key == name and fnmatchcase(operation, op)), None)
        if rule is None:
            return None
        found.append(rule)
    return found or None


def positive_data_acceptance_but_rules(ctx, response, case):
    """schemathesis' positive_data_acceptance, but a refusal every part of which is a BUSINESS_RULES entry passes."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except Failure as exc:
        answer = Response.from_any(response)
        rules = refusal_rules(case, answer)
        if rules is None:
            # First line: what tells one refusal from another (the test keeps each distinct failure once).
            try:
                names = _names(answer.json())
            except ValueError:
                names = []
            exc.message = (
                f"Refused: {answer.status_code} {names}\n{exc.message}\nAnswer: {answer.text[:400]}\n"
                f"Request: {case.path_parameters} {case.query} {str(case.body)[:400]}"
            )
            raise
        RULES_MET.update(rules)
        return None


def strict_statuses(schema) -> None:
    """Positive data must be accepted (BUSINESS_RULES aside); negative data refused with NEGATIVE_STATUSES."""
    schema.config.checks.positive_data_acceptance.expected_statuses = ["2xx"]
    schema.config.checks.negative_data_rejection.expected_statuses = NEGATIVE_STATUSES
