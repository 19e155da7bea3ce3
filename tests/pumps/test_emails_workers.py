"""The episode emails through real Celery workers (tests/notifications/delivery.py's rig: aiosmtpd, worker processes,
Redis): the beat's sweep run by a worker sends what is due; every send task queued twice to two workers still sends
each email once, with the calendar file of every visit; a sweep claims around a row another connection holds
(SKIP LOCKED), and a send of a row held elsewhere returns without sending."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone
from icalendar import Calendar

from bookings.models import EmailStatus
from pumps import delivery, outbox, tasks
from pumps.ics import visit_uid
from pumps.models import EpisodeEmail, EpisodeEmailKind
from tests.notifications.conftest import make_clinic, make_patient
from tests.notifications.delivery import delivery_rig, smtp_server  # noqa: F401 (fixtures)
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpProtocolFactory, episode_with_visits

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

NY = ZoneInfo("America/New_York")


def book():
    clinic = make_clinic()
    patient = make_patient(clinic)
    course = PumpCourseFactory(clinic=clinic, patient=patient, protocol=PumpProtocolFactory(clinic=clinic))
    day = timezone.localdate(timezone=NY) + dt.timedelta(days=7)
    fitting = dt.datetime.combine(day, dt.time(10, 0)).replace(tzinfo=NY)
    episode = episode_with_visits(course=course, pump=PumpFactory(clinic=clinic), fitting_at=fitting)
    outbox.episode_booked_emails(episode=episode)
    return episode


def messages_left(rig) -> int:
    """Task messages of the rig's queue not yet done: waiting in the queue, or taken and not acknowledged (acks_late)."""
    import redis

    with redis.Redis.from_url(rig.broker_url) as client:
        unacked = sum(json.loads(payload)[2] == rig.queue for _, payload in client.hscan_iter("unacked"))
        return client.llen(rig.queue) + unacked


def pump_email_id(message) -> int:
    assert message.message_id.startswith("<pump-email."), message.message_id
    return int(message.message_id.removeprefix("<pump-email.").split("@")[0])


def test_the_sweep_on_a_worker_sends_the_confirmation_with_every_visit(delivery_rig):  # noqa: F811
    rig = delivery_rig(workers=1)
    episode = book()
    tasks.episode_emails_sweep.apply_async(queue=rig.queue)
    (confirmation,) = rig.smtp.wait_for(1)
    rig.wait(lambda: not EpisodeEmail.objects.filter(status=EmailStatus.SENDING).exists(), what="the send to settle")
    row = EpisodeEmail.objects.get(pk=pump_email_id(confirmation))
    assert (row.kind, row.status) == (EpisodeEmailKind.CONFIRMATION, EmailStatus.SENT)
    assert confirmation.rcpt_tos == [episode.patient.email]
    cal = Calendar.from_ical(confirmation.attachment("appointment.ics").get_payload(decode=True))
    assert {str(e["UID"]) for e in cal.walk("VEVENT")} == {visit_uid(v) for v in episode.visits.all()}


def test_every_send_queued_twice_to_two_workers_sends_each_email_once(delivery_rig):  # noqa: F811
    rig = delivery_rig(workers=2)
    episode = book()
    # Everything claimed at once (as a sweep on the eve of the removal would); each send queued twice.
    ids = delivery.episode_emails_claim_due(now=episode.ends_at - dt.timedelta(hours=2))
    assert len(ids) == 7
    for email_id in ids + ids:
        tasks.episode_email_send.apply_async((email_id,), queue=rig.queue)
    received = rig.smtp.wait_for(7)
    rig.wait(lambda: messages_left(rig) == 0, what="every queued send (the duplicates too) to have run")
    assert sorted(pump_email_id(m) for m in rig.smtp.snapshot()) == sorted(ids)
    assert not rig.smtp.duplicates()
    assert Counter(EpisodeEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT: 7}
    assert len(received) == 7


@contextlib.contextmanager
def held_elsewhere(row):
    """The row locked FOR UPDATE by another connection (another worker mid-send) until the block ends."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                EpisodeEmail.objects.select_for_update().get(pk=row.pk)
                locked.set()
                release.wait(120)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(120)
        yield
    finally:
        release.set()
        holder.join(120)


def test_a_sweep_claims_around_a_row_locked_elsewhere():
    episode = book()
    confirmation = EpisodeEmail.objects.get(episode=episode, kind=EpisodeEmailKind.CONFIRMATION)
    with held_elsewhere(confirmation):
        claimed = delivery.episode_emails_claim_due(now=episode.ends_at)  # does not wait for the lock
        assert len(claimed) == 6 and confirmation.pk not in claimed
    assert delivery.episode_emails_claim_due(now=episode.ends_at) == [confirmation.pk]


def test_a_send_of_a_row_being_sent_elsewhere_returns_without_sending(mailoutbox):
    episode = book()
    (claimed,) = delivery.episode_emails_claim_due()
    row = EpisodeEmail.objects.get(pk=claimed)
    with held_elsewhere(row):
        assert delivery.episode_email_send(email_id=claimed).status == "not_claimed"
    assert mailoutbox == []
    assert delivery.episode_email_send(email_id=claimed).status == "sent"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [episode.patient.email]
