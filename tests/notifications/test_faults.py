"""Faults with real parts: a worker SIGKILLed while sending, Redis killed and restarted empty, the SMTP
server down for a while (and answering 451 for a while). Every due reminder is delivered once it can be.

The one window for a duplicate is an email the SMTP server accepted whose row was not yet marked sent: the
worker's transaction rolls back with it, and the row goes out again. Each test counts the duplicates, checks
they come only from that window, prints them (-s) and merges them into var/fault-duplicates.json.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import EmailStatus, PatientEmail
from tests.notifications.delivery import (  # noqa: F401 (fixtures)
    bulk_due_reminders,
    delivery_rig,
    duplicates_by_key,
    open_rows,
    owner_of_connection,
    private_redis,
    record_duplicates,
    smtp_server,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

LEASE = 5  # seconds: how long a claim stands before a sweep takes the row back


def sent_count() -> int:
    return PatientEmail.objects.filter(status=EmailStatus.SENT).count()


def steady(read, seconds: float = 1.0):
    """A predicate for a wait: true once `read()` has not changed for `seconds`."""
    last = {"value": object(), "since": time.monotonic()}

    def check() -> bool:
        value = read()
        if value != last["value"]:
            last.update(value=value, since=time.monotonic())
        return time.monotonic() - last["since"] >= seconds

    return check


def lease_sweep(rig, batch_size: int | None = None) -> list[int]:
    """A sweep as the beat would run it once the lease has passed (the clock moved on, not the test)."""
    return rig.sweep(now=timezone.now() + timedelta(seconds=LEASE + 1), batch_size=batch_size)


def report(fault: str, rig, n: int, **extra) -> dict:
    received = rig.smtp.snapshot()
    figures = {
        "reminders": n,
        "messages": len(received),
        "duplicates_by_message_id": sum(c - 1 for c in rig.smtp.duplicates().values()),
        "duplicates_by_key": sum(c - 1 for c in duplicates_by_key(received).values()),
        **extra,
    }
    path = record_duplicates(fault, figures)
    print(f"\n{fault}: {figures} (written to {path})")
    return figures


def assert_all_delivered(rig, ids: set[int]) -> None:
    assert set(PatientEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    assert {m.reminder_id for m in rig.smtp.snapshot()} == ids


@pytest.mark.parametrize("target", ["worker", "pool-process"])
def test_a_worker_killed_while_sending(delivery_rig, settings, target):  # noqa: F811
    """SIGKILL while an email is on the wire: accepted by the server, never recorded.

    `worker`: the whole worker (main process and pool child) dies; its task message stays unacknowledged in
    Redis, so the row waits in `sending` for the lease sweep. `pool-process`: only the child dies; Celery
    requeues the message (acks_late, reject_on_worker_lost) and the row goes out again at once.
    """
    n = 150
    settings.REMINDER_CLAIM_LEASE_SECONDS = LEASE
    rig = delivery_rig(workers=3, env={"REMINDER_CLAIM_LEASE_SECONDS": str(LEASE)})
    ids = set(bulk_due_reminders(n))
    killed: dict = {}

    def kill_the_sender(received, peer):
        # Called with the message recorded and its 250 not yet sent: the worker waits for it, uncommitted.
        if killed or rig.smtp.count < n // 3:
            return
        pid = owner_of_connection(peer[1], rig.smtp.port)
        worker = rig.workers.owner(pid) if pid else None
        if worker is None:
            return
        killed.update(pid=pid, worker=worker.name, message_id=received.message_id, reminder=received.reminder_id)
        if target == "worker":
            rig.workers.kill(worker, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)

    rig.smtp.on_message = kill_the_sender
    # One row per task: what a kill leaves behind is then one row (a batch's: tests/notifications/test_batches.py).
    rig.sweep(batch_size=1)
    rig.wait(lambda: killed, what="a worker to be killed mid-send")
    rig.smtp.on_message = None

    if target == "worker":
        # The others drain the queue; the killed worker's row stays claimed, its message unacknowledged.
        rig.wait(lambda: sent_count() == n - 1 and open_rows() == 1, what="the surviving workers to drain the queue")
        assert PatientEmail.objects.get(pk=killed["reminder"]).status == EmailStatus.SENDING
        rig.workers.start(1)  # a replacement, as a supervisor would start
        assert lease_sweep(rig, batch_size=1) == [killed["reminder"]]
    rig.settle()
    rig.wait(lambda: sent_count() == n, what="every reminder sent")
    time.sleep(0.5)  # a later duplicate would arrive now

    assert_all_delivered(rig, ids)
    duplicates = rig.smtp.duplicates()
    figures = report(f"worker SIGKILL ({target})", rig, n, in_flight_at_kill=1, killed=killed["worker"])
    # Only the message on the wire at the kill may arrive twice (one message in flight: concurrency 1).
    assert set(duplicates) <= {killed["message_id"]} and figures["duplicates_by_message_id"] <= 1
    assert figures["duplicates_by_key"] == figures["duplicates_by_message_id"]
    assert len(rig.smtp.snapshot()) == n + figures["duplicates_by_message_id"]


def test_redis_restarted_mid_batch(delivery_rig, private_redis, settings):  # noqa: F811
    """The broker dies with most task messages queued and comes back empty; the lease sweep finds the rows."""
    n = 250
    settings.REMINDER_CLAIM_LEASE_SECONDS = LEASE
    rig = delivery_rig(workers=2, broker_url=private_redis.url(0), env={"REMINDER_CLAIM_LEASE_SECONDS": str(LEASE)})
    ids = set(bulk_due_reminders(n))
    assert len(rig.sweep()) == n
    rig.smtp.wait_for(n // 5)
    queued = private_redis.queue_length(rig.queue)
    private_redis.kill()  # SIGKILL: nothing saved, every queued task message gone
    private_redis.start()  # the same port, empty
    lost_at_restart = n - sent_count()

    # Without the sweep nothing more happens: once the sends under way at the kill are done, the rows
    # whose messages were lost wait in `sending`.
    rig.workers.wait_ready(rig.workers.live())  # reconnected
    rig.wait(steady(sent_count), what="the sends under way at the kill to finish")
    stuck = set(PatientEmail.objects.filter(status=EmailStatus.SENDING).values_list("pk", flat=True))
    assert stuck
    reclaimed = lease_sweep(rig)
    assert set(reclaimed) == stuck
    rig.settle()
    rig.wait(lambda: sent_count() == n, what="every reminder sent")
    time.sleep(0.5)

    assert_all_delivered(rig, ids)
    figures = report("Redis restarted", rig, n, queued_at_kill=queued, unsent_at_restart=lost_at_restart,
                     reclaimed_by_lease_sweep=len(reclaimed))
    # The rows whose messages were lost were never sent: nothing goes out twice.
    assert figures["duplicates_by_message_id"] == 0 and figures["duplicates_by_key"] == 0
    assert len(rig.smtp.snapshot()) == n


@pytest.mark.parametrize("outage", ["down", "451"])
def test_smtp_unavailable_for_a_while(delivery_rig, outage):  # noqa: F811
    """The SMTP server refuses connections (down) or answers 451 (try later) for a few seconds.

    Each attempt goes back to `pending` with a back-off (1 s, then 2 s here); sweeps after the server is
    back deliver everything, once.
    """
    n = 120
    rig = delivery_rig(workers=2, env={
        "REMINDER_RETRY_BASE_SECONDS": "1", "REMINDER_RETRY_MAX_SECONDS": "2", "REMINDER_MAX_ATTEMPTS": "50",
    })
    ids = set(bulk_due_reminders(n))
    if outage == "down":
        rig.smtp.stop()
    else:
        rig.smtp.reply = "451 4.3.0 Mailbox busy, try again later"

    # The beat keeps sweeping through the outage.
    outage_ends = time.monotonic() + 4
    while time.monotonic() < outage_ends:
        rig.sweep()
        time.sleep(0.5)
    rig.settle()
    rows = list(PatientEmail.objects.all())
    assert {r.status for r in rows} == {EmailStatus.PENDING}
    assert all(r.attempts >= 1 and r.claimed_at is None for r in rows)
    assert all(("ConnectionRefusedError" if outage == "down" else "451") in r.last_error for r in rows)
    # Backed off: not due again until 1 s (first failure) or 2 s (later ones) after the attempt began.
    assert all(0 < (r.send_after - r.updated_at).total_seconds() <= 2.1 for r in rows)
    attempts_during_outage = sum(r.attempts for r in rows)
    assert rig.smtp.count == 0

    if outage == "down":
        rig.smtp.start()  # the same port
    else:
        rig.smtp.reply = None

    def delivered() -> bool:  # the beat keeps sweeping until every row is sent
        if sent_count() == n:
            return True
        rig.sweep()
        return False

    rig.wait(delivered, what=f"all {n} reminders sent after the SMTP server came back")
    rig.settle()
    time.sleep(0.5)

    assert_all_delivered(rig, ids)
    figures = report(f"SMTP {outage}", rig, n, failed_attempts_during_outage=attempts_during_outage,
                     refused_with_451=rig.smtp.refused)
    assert figures["duplicates_by_message_id"] == 0 and figures["duplicates_by_key"] == 0
    assert len(rig.smtp.snapshot()) == n
    assert not PatientEmail.objects.exclude(last_error="").exists()
    assert min(PatientEmail.objects.values_list("attempts", flat=True)) >= 2
