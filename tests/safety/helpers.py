"""Safety checks that pass, for tests that start or complete sessions: a real clinic asks for them (safety.gates)."""

from __future__ import annotations

from decimal import Decimal

from safety import services
from safety.models import PregnancyAnswer

PASSING = services.Vitals(
    systolic=122, diastolic=78, heart_rate=72, oxygen_saturation=98, weight_kg=Decimal("70.5"),
    pregnancy=PregnancyAnswer.NOT_APPLICABLE, fasting=True, escort=True,
)


def checks_pass(session, *, by=None):
    """Record passing pre-session checks for a checked-in session (every check any protocol asks for)."""
    return services.checks_record(session=session, by=by, vitals=PASSING)


def recovery_pass(session, *, by=None):
    """Record a passing recovery check for a session in the chair."""
    return services.recovery_record(session=session, by=by, systolic=124, diastolic=80, alert_and_oriented=True,
                                    escort_present=True)
