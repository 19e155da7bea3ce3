"""Emails sent in batches (issue 17): one SMTP connection per batch, each row still locked, checked and recorded
one by one. Real parts: PostgreSQL, aiosmtpd counting the connections that say EHLO, and Celery workers for the
concurrent runs.

In this process (`services.emails_send`, Django's SMTP backend): a batch's rows go over one connection; a server
that starts refusing after k messages (451 for each message, or 421 and closing) leaves the rest due with the usual
back-off, and a later sweep sends them, none twice; a row whose session is cancelled after the claim is not sent.
Through workers: each batch queued twice to two workers still sends every row once; a worker killed mid-batch
leaves the rows it had not reached to the lease sweep.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections import Counter

import pytest
from django.utils import timezone

from bookings import services as bookings
from bookings.models import EmailStatus, InfusionSession, PatientEmail
from notifications import services
from tests.notifications.delivery import (  # noqa: F401 (fixtures)
    bulk_due_reminders,
    delivery_rig,
    open_rows,
    owner_of_connection,
    smtp_server,
)


def statuses() -> Counter:
    return Counter(PatientEmail.objects.values_list("status", flat=True))


def message_ids_once(smtp) -> None:
    counts = Counter(m.message_id for m in smtp.snapshot())
    assert all(n == 1 for n in counts.values()), {mid: n for mid, n in counts.items() if n > 1}


@pytest.mark.django_db
def test_a_batch_sends_its_rows_over_one_connection(smtp):
    ids = bulk_due_reminders(20, patients=4)
    claimed = services.emails_claim_due()
    assert sorted(claimed) == sorted(ids)

    outcomes = services.emails_send(email_ids=claimed)

    assert [o.status for o in outcomes] == ["sent"] * 20
    assert smtp.count == 20 and smtp.connections == 1
    recorded = dict(PatientEmail.objects.values_list("pk", "message_id"))
    assert {m.reminder_id: m.message_id for m in smtp.snapshot()} == recorded
    assert statuses() == {EmailStatus.SENT: 20}
    # One email alone opens a connection of its own, as before batches.
    more = bulk_due_reminders(1)
    services.emails_claim_due()
    assert services.email_send(email_id=more[0]).status == "sent"
    assert smtp.connections == 2


@pytest.mark.django_db
@pytest.mark.parametrize("reply", ["451 4.3.0 Try again later", "421 4.3.2 Service shutting down"])
def test_a_server_failing_after_k_messages_leaves_the_rest_due(smtp, settings, reply):
    """451 refuses each message and keeps the connection: every row left is tried and backed off. 421 says the server
    is closing: the batch reopens once, is refused again, and stops; the rows it did not reach are recorded with the
    same error and back-off without the server being tried again."""
    n, k = 12, 5
    settings.REMINDER_RETRY_BASE_SECONDS = 60
    ids = bulk_due_reminders(n, patients=3)
    claimed = services.emails_claim_due()

    def fail_from_now_on(received, peer):
        if smtp.count == k:
            smtp.reply = reply

    smtp.on_message = fail_from_now_on
    began = timezone.now()
    outcomes = services.emails_send(email_ids=claimed)

    assert [o.status for o in outcomes] == ["sent"] * k + ["retry"] * (n - k)
    assert smtp.count == k
    if reply.startswith("451"):
        assert (smtp.connections, smtp.refused) == (1, n - k)
    else:
        assert (smtp.connections, smtp.refused) == (2, 2)
    left = list(PatientEmail.objects.exclude(status=EmailStatus.SENT))
    assert len(left) == n - k
    for row in left:
        assert row.status == EmailStatus.PENDING and row.claimed_at is None and row.attempts == 1
        assert reply[:3] in row.last_error
        assert row.send_after >= began + dt.timedelta(seconds=60)  # backed off: not claimed before then
    assert services.emails_claim_due() == []

    smtp.on_message, smtp.reply = None, None
    later = timezone.now() + dt.timedelta(seconds=61)
    again = services.emails_claim_due(now=later)
    assert sorted(again) == sorted(r.pk for r in left)
    assert [o.status for o in services.emails_send(email_ids=again, now=later)] == ["sent"] * (n - k)
    assert statuses() == {EmailStatus.SENT: n}
    assert {m.reminder_id for m in smtp.snapshot()} == set(ids)
    message_ids_once(smtp)


@pytest.mark.django_db
def test_a_server_down_stops_the_batch_without_trying_every_row(smtp):
    n = 10
    bulk_due_reminders(n, patients=2)
    claimed = services.emails_claim_due()
    smtp.stop()

    outcomes = services.emails_send(email_ids=claimed)

    assert [o.status for o in outcomes] == ["retry"] * n
    rows = list(PatientEmail.objects.all())
    assert all(r.status == EmailStatus.PENDING and "ConnectionRefusedError" in r.last_error for r in rows)
    assert all(r.attempts == 1 for r in rows)


@pytest.mark.django_db
def test_a_row_cancelled_between_claim_and_send_is_not_sent(smtp):
    ids = bulk_due_reminders(6, patients=2)
    claimed = services.emails_claim_due()
    cancelled = PatientEmail.objects.get(pk=ids[2])
    bookings.session_cancel(session=InfusionSession.objects.get(pk=cancelled.session_id), by_party="clinic",
                            reason="chair out of service")
    assert PatientEmail.objects.get(pk=cancelled.pk).status == EmailStatus.SENDING  # left to the send, which re-reads

    outcomes = services.emails_send(email_ids=claimed)

    assert [o.status for o in outcomes].count("sent") == 5
    row = PatientEmail.objects.get(pk=cancelled.pk)
    assert row.status == EmailStatus.CANCELLED and "cancelled" in row.status_reason
    assert cancelled.pk not in {m.reminder_id for m in smtp.snapshot()}
    assert smtp.count == 5 and smtp.connections == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_two_workers_running_the_same_batches_send_each_row_once(delivery_rig):  # noqa: F811
    """Every batch queued twice (a sweep run twice, a redelivery): two workers take the copies at once; the rows'
    locks and the `sending` check let each email go once."""
    n, size = 400, 40
    rig = delivery_rig(workers=2)
    ids = set(bulk_due_reminders(n, patients=8))
    claimed = services.emails_claim_due()
    rig.enqueue(claimed, batch_size=size)
    rig.enqueue(claimed, batch_size=size)

    rig.smtp.wait_for(n)
    rig.settle()
    rig.wait(lambda: rig.progress()[3] == 0, what="both copies of every batch to be taken")
    time.sleep(0.5)  # a duplicate would arrive now

    assert {m.reminder_id for m in rig.smtp.snapshot()} == ids and rig.smtp.count == n
    message_ids_once(rig.smtp)
    assert statuses() == {EmailStatus.SENT: n}
    # A connection for each batch that had a row to send, not one per email.
    assert rig.smtp.connections <= 2 * n // size


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_worker_killed_mid_batch_leaves_the_rest_to_the_lease_sweep(delivery_rig, settings):  # noqa: F811
    """The whole worker is SIGKILLed with a message on the wire: its batch's rows not reached stay `sending`, and the
    sweep after the lease sends them; only the message on the wire at the kill may arrive twice."""
    n, size, lease = 40, 40, 5  # one batch: the sweep after the lease finds only what the kill left
    settings.REMINDER_CLAIM_LEASE_SECONDS = lease
    rig = delivery_rig(workers=1, env={"REMINDER_CLAIM_LEASE_SECONDS": str(lease)})
    ids = set(bulk_due_reminders(n, patients=3))
    killed: dict = {}

    def kill_the_sender(received, peer):
        if killed or rig.smtp.count < 10:
            return
        pid = owner_of_connection(peer[1], rig.smtp.port)
        worker = rig.workers.owner(pid) if pid else None
        if worker is not None:
            killed.update(worker=worker, message_id=received.message_id)
            rig.workers.kill(worker, signal.SIGKILL)

    rig.smtp.on_message = kill_the_sender
    rig.sweep(batch_size=size)
    rig.wait(lambda: killed, what="the worker to be killed mid-batch")
    rig.smtp.on_message = None
    stranded = set(PatientEmail.objects.filter(status=EmailStatus.SENDING).values_list("pk", flat=True))
    assert len(stranded) > 1  # the row on the wire and the rest of its batch, at least

    rig.workers.start(1)
    reclaimed = rig.sweep(now=timezone.now() + dt.timedelta(seconds=lease + 1), batch_size=size)
    assert set(reclaimed) == stranded
    rig.settle()
    rig.wait(lambda: statuses() == {EmailStatus.SENT: n}, what="every reminder sent")
    time.sleep(0.5)

    assert {m.reminder_id for m in rig.smtp.snapshot()} == ids
    duplicates = {mid: c for mid, c in Counter(m.message_id for m in rig.smtp.snapshot()).items() if c > 1}
    assert set(duplicates) <= {killed["message_id"]} and sum(duplicates.values()) <= 2
    assert open_rows() == 0
