"""Telling the waitlist a chair's time was freed (a cancel, a move away), after the commit.

bookings sits below the waitlist and never imports it: the message goes by the task's name, with ids and
instants only. A lost broker loses the offer, not the booking: it is logged, and the desk can offer by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

logger = logging.getLogger(__name__)

#: The waitlist's task (waitlist.tasks.slot_offer).
SLOT_FREED_TASK = "waitlist.tasks.slot_offer"


def slots_freed_on_commit(*, clinic_id: int, slots: Iterable[tuple[int, datetime, datetime]]) -> None:
    """After the commit, one message per (chair, start, end) freed at the clinic."""
    freed = [(chair_id, start.isoformat(), end.isoformat()) for chair_id, start, end in slots]
    if not freed:
        return

    def send() -> None:
        from celery import current_app

        for chair_id, start, end in freed:
            try:
                current_app.send_task(SLOT_FREED_TASK, args=[clinic_id, chair_id, start, end])
            except Exception:  # noqa: BLE001 - the booking stands whatever the broker says
                logger.warning("freed slot of clinic %s not sent to the waitlist", clinic_id)

    transaction.on_commit(send)
