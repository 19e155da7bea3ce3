"""Codes of the feasibility rules: why a session cannot be at a given time, chair or nurse."""

OUTSIDE_HOURS = "outside_hours"
CLINIC_CLOSED = "clinic_closed"
CHAIR_CONFLICT = "chair_conflict"
NURSE_UNAVAILABLE = "nurse_unavailable"
NURSE_CAPACITY = "nurse_capacity"
STAGGER = "stagger"
PATIENT_CONFLICT = "patient_conflict"
SPACING_TOO_CLOSE = "spacing_too_close"
SPACING_TOO_FAR = "spacing_too_far"
WINDOW_EXCEEDED = "window_exceeded"
NONEXISTENT_LOCAL_TIME = "nonexistent_local_time"
TIME_OUT_OF_RANGE = "time_out_of_range"
PROTOCOL_UNAVAILABLE = "protocol_unavailable"
CHAIR_OUT_OF_SERVICE = "chair_out_of_service"

# Why a saved change strands a booked session (the impact of a change; bookings.selectors.impact). Beside
# CLINIC_CLOSED, OUTSIDE_HOURS and CHAIR_OUT_OF_SERVICE above:
CHAIR_INACTIVE = "chair_inactive"
NURSE_ABSENT = "nurse_absent"
NURSE_OFF_SHIFT = "nurse_off_shift"
NURSE_INACTIVE = "nurse_inactive"

# Warnings: the booking is allowed, the desk is told.
WINDOW_WARNING = "window_warning"

#: Conflicts with what is stored answer 409; the rest are the request's own fault (400).
CONFLICT_CODES = frozenset({CHAIR_CONFLICT, CHAIR_OUT_OF_SERVICE, NURSE_CAPACITY, STAGGER, PATIENT_CONFLICT, NURSE_UNAVAILABLE})
