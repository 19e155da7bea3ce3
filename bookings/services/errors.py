"""How the booking services refuse: BookingError, from a rule's violation, a lost race or a busy database."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, OperationalError

from bookings import error_codes as codes
from bookings.models import OCCUPYING_STATUSES, InfusionSession, SessionStatus, transition_refusal
from bookings.selectors import BookingCheck
from common.errors import ApplicationError
from scheduler import error_codes as rule_codes
from scheduler import planning


class BookingError(ApplicationError):
    def __init__(self, code: str, message: str, *, details: dict | None = None):
        super().__init__(code, message, details=details, status=codes.http_status(code))


def raise_first(check: BookingCheck) -> None:
    """Refuse with the booking check's first problem, in the words the API has always answered with."""
    problem = check.first_problem
    if problem is not None:
        violation = problem.public()
        raise BookingError(violation.code, violation.message, details=dict(violation.details))


# The exclusion and unique constraints that stand behind the checks, and what losing to one means.
_CONSTRAINT_CODES = {
    "session_no_chair_overlap": (rule_codes.CHAIR_CONFLICT, "That chair was taken by another booking a moment ago."),
    "session_no_patient_overlap": (rule_codes.PATIENT_CONFLICT, "The patient was booked elsewhere at this time a moment ago."),
    "session_one_active_per_sequence": (codes.INVALID_TRANSITION, "That session of the course was booked a moment ago."),
    "session_one_make_up_per_missed": (codes.ALREADY_MADE_UP, "That session was made up a moment ago."),
}


def race_error(exc: IntegrityError, attempted: Sequence[planning.Booking]) -> BookingError:
    """A constraint caught what the locks did not (another clinic, a patient booked twice at once)."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name not in _CONSTRAINT_CODES:
        raise exc
    code, message = _CONSTRAINT_CODES[name]
    details: dict = {}
    field_name = {"session_no_chair_overlap": "chair_id", "session_no_patient_overlap": "patient_id"}.get(name)
    if field_name:
        for booking in attempted:
            key = getattr(booking, field_name)
            clash = (
                InfusionSession.objects.filter(
                    **{field_name: key}, status__in=OCCUPYING_STATUSES, starts_at__lt=booking.end, ends_at__gt=booking.start
                )
                .values_list("pk", flat=True)
                .first()
            )
            if clash:
                details = {field_name.removesuffix("_id"): key, "session": clash}
                break
    return BookingError(code, message, details=details)


def busy_error(exc: OperationalError) -> BookingError:
    """Two writers that waited on each other (a PostgreSQL deadlock, a SQLite lock timeout): ask to retry."""
    sqlstate = getattr(getattr(exc.__cause__, "diag", None), "sqlstate", None)
    if sqlstate in ("40P01", "40001", "55P03") or "database is locked" in str(exc):
        return BookingError(codes.BUSY, "Another booking was being saved at the same moment; please try again.")
    raise exc


def transition_error(session: InfusionSession, action: str) -> BookingError:
    """A session no longer in a state the action starts from (read afresh: it may have changed meanwhile)."""
    current = InfusionSession.objects.filter(pk=session.pk).values_list("status", flat=True).first()
    label = SessionStatus(current).label.lower() if current else "gone"
    return BookingError(
        codes.INVALID_TRANSITION,
        transition_refusal(label, action),
        details={"session": session.pk, "status": current, "action": action},
    )
