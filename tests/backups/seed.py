"""A clinic whose every kind of record a backup must carry: booked courses, a cancelled session, patient emails sent
and still due, and the audit trail of it all. Written through the real services, as the desk writes them.

Called in-process by the PostgreSQL tests, and as `python -m tests.backups.seed` (DATABASE_URL pointing at a SQLite
file) by the embedded mode's test, which reads the JSON it prints.
"""

from __future__ import annotations

import datetime as dt

#: The clock while the clinic is written: a Monday morning in New York, a month before the courses.
SEEDED_AT = dt.datetime(2027, 2, 1, 15, 0, tzinfo=dt.UTC)


def seed_clinic() -> dict:
    """Write the clinic; return what it holds: {"sessions", "emails_sent", "emails_unsent", "audit_entries"}."""
    import time_machine
    from auditlog.models import LogEntry

    from bookings import services
    from bookings.models import EmailStatus, InfusionSession, PatientEmail, SessionStatus
    from bookings.services.patients import patient_create
    from common.api import FRONT_DESK
    from notifications.services import email_send, emails_claim_due
    from tests.factories import ClinicFactory, book_course, ensure_shared_protocols
    from tests.helpers import staff_user

    ensure_shared_protocols()
    with time_machine.travel(SEEDED_AT, tick=False):
        clinic = ClinicFactory(start_stagger_minutes=0, nurse_max_concurrent=4, chairs=3, nurses=2)
        desk = staff_user(FRONT_DESK, clinic)
        patients = [
            patient_create(
                clinic=clinic,
                by=desk,
                default_consent_source="test",
                first_name=f"Backup{n}",
                last_name="Doe",
                date_of_birth=dt.date(1980, 1, 1 + n),
                email=f"backup{n}@example.org",
                email_consent=True,
            )
            for n in range(3)
        ]
        courses = [book_course(patient=patient, hour=9 + n, by=desk) for n, patient in enumerate(patients)]
        # The confirmations are due now: sent. The reminders are due in late February: still pending.
        sent = [email_send(email_id=pk).status for pk in emails_claim_due()]
        assert sent and set(sent) == {"sent"}, sent
        # After the sending: the cancellation notice stays unsent, the session's reminders are cancelled.
        services.session_cancel(session=courses[0].sessions[-1], by_party="patient", reason="Away", by=desk)

    emails = PatientEmail.objects.filter(clinic=clinic)
    held = {
        "sessions": InfusionSession.objects.filter(clinic=clinic).count(),
        "cancelled_sessions": InfusionSession.objects.filter(clinic=clinic, status=SessionStatus.CANCELLED).count(),
        "emails_sent": emails.filter(status=EmailStatus.SENT).count(),
        "emails_unsent": emails.exclude(status=EmailStatus.SENT).count(),
        "audit_entries": LogEntry.objects.count(),
    }
    assert all(held.values()), held
    return held


if __name__ == "__main__":
    import json
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    assert connection.vendor == "sqlite", connection.vendor
    print(json.dumps(seed_clinic()))
