"""The outbox of patient emails: which rows a booking change writes (writes) and when each is due (timing).

The rows (`bookings.models.PatientEmail`) belong to the booking transaction; sending them is the delivery
layer's (notifications), which sits above bookings.
"""

from bookings.outbox.writes import (
    outbox_cycle_booked,
    outbox_cycle_cancelled,
    outbox_cycle_completed,
    outbox_patient_unsubscribed,
    outbox_session_cancelled,
    outbox_session_done,
    outbox_session_moved,
)

__all__ = [
    "outbox_cycle_booked",
    "outbox_cycle_cancelled",
    "outbox_cycle_completed",
    "outbox_patient_unsubscribed",
    "outbox_session_cancelled",
    "outbox_session_done",
    "outbox_session_moved",
]
