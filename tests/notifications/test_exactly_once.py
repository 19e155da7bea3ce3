"""5,000 due reminders, 4 Celery worker processes, two sweeps at the same moment: each email sent exactly once.

Real parts throughout: the rows in PostgreSQL, the tasks through Redis, prefork workers with one process
each, and an SMTP server counting what arrives. Duplicates are looked for twice: by Message-ID and by the
outbox key (session, kind, session version) of the row each Message-ID names.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from bookings.models import EmailStatus, PatientEmail
from tests.notifications.delivery import (  # noqa: F401 (fixtures)
    bulk_due_reminders,
    delivery_rig,
    duplicates_by_key,
    smtp_server,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REMINDERS = 5_000
WORKERS = 4


def test_every_reminder_is_sent_exactly_once(delivery_rig):  # noqa: F811
    rig = delivery_rig(workers=0)
    workers = rig.workers.start(WORKERS, wait=False)  # they start while the rows are written
    ids = set(bulk_due_reminders(REMINDERS, patients=20))
    rig.workers.wait_ready(workers)

    start = threading.Barrier(2)
    claimed: list[list[int]] = [[], []]
    errors: list[Exception] = []

    def beat(i: int) -> None:
        try:
            start.wait()
            claimed[i] = rig.sweep()
        except Exception as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    began = time.monotonic()
    sweeps = [threading.Thread(target=beat, args=(i,)) for i in range(2)]
    for t in sweeps:
        t.start()
    rig.wait(lambda: not any(t.is_alive() for t in sweeps), what="both sweeps to claim and queue")
    assert not errors
    a, b = claimed
    assert not set(a) & set(b), "a row claimed by both sweeps"
    assert set(a) | set(b) == ids

    # No time limit on the whole: a loaded machine sends slower. It fails when no email arrives for a minute.
    rig.smtp.wait_for(REMINDERS)
    rig.settle()
    elapsed = time.monotonic() - began
    time.sleep(0.5)  # anything sent twice would arrive now
    received = rig.smtp.snapshot()
    print(f"\n{REMINDERS} reminders, {WORKERS} workers, sweeps claimed {len(a)} + {len(b)}: "
          f"{len(received)} messages in {elapsed:.1f} s ({len(received) / elapsed:.0f}/s)")

    assert len(received) == REMINDERS
    assert rig.smtp.duplicates() == {}
    assert duplicates_by_key(received) == {}
    assert {m.reminder_id for m in received} == ids
    assert PatientEmail.objects.filter(status=EmailStatus.SENT).count() == REMINDERS
    assert not PatientEmail.objects.exclude(status=EmailStatus.SENT).exists()
    # The row records the Message-ID that went out, and one attempt.
    by_id = {m.reminder_id: m.message_id for m in received}
    assert all(by_id[pk] == mid for pk, mid in PatientEmail.objects.values_list("pk", "message_id"))
    assert set(PatientEmail.objects.values_list("attempts", flat=True)) == {1}
