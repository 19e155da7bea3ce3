"""The beat scheduler: django-celery-beat's DatabaseScheduler, sending only from the process that holds the beat lease.

Any number of `celery beat` processes may run (a second replica, a beat left over from a deploy, an operator's
mistake): each ticks, but only the holder of the `celery-beat` lease (periodic.lease) sends due tasks; the others
ask again every third of the lease and send nothing. A holder renews at each tick at most every third of the lease;
when it dies the lease runs out and the next follower to ask takes it, re-reading the schedule's last run times
from the database (written after every send: CELERY_BEAT_SYNC_EVERY = 1), so the cadence carries on. A clean stop
(SIGTERM) gives the lease up at once.

A holder that cannot reach the database keeps sending only while its last renewal is surely still valid; a holder
paused longer than the lease (a frozen VM) may overlap the next holder by one tick. The sweeps are safe to run twice
(rows are claimed with SKIP LOCKED), so the lease saves work and noise; it is not what keeps an email single.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import time
import uuid

from django.conf import settings
from django.db import DatabaseError, InterfaceError, close_old_connections, connection
from django_celery_beat.schedulers import DatabaseScheduler

from periodic.lease import lease_hold, lease_holder, lease_release

logger = logging.getLogger(__name__)

LEASE_NAME = "celery-beat"


class LeaderScheduler(DatabaseScheduler):
    """DatabaseScheduler whose tick sends due tasks only while this process holds the beat lease."""

    def __init__(self, *args, **kwargs) -> None:
        self.lease_seconds = float(settings.BEAT_LEASE_SECONDS)
        # Unique per process, readable in the lease row: which host, which pid.
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leading = False
        self._renewed_at = -math.inf  # time.monotonic() of the last successful renewal
        self._follower_said = False
        super().__init__(*args, **kwargs)

    @property
    def renew_every(self) -> float:
        return self.lease_seconds / 3

    def tick(self, *args, **kwargs) -> float:
        if not self._lead():
            return self.renew_every
        # Never sleep past the next renewal, whatever the next due task says.
        return min(super().tick(*args, **kwargs), self.renew_every)

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.leading:
                self.leading = False
                self._release()

    def _release(self) -> None:
        # celery beat closes the scheduler from its SIGTERM handler, which may have interrupted a query on this
        # very connection: psycopg's connection lock is then held by the code beneath the handler, and a query
        # here would wait for it forever. The lease then simply runs out.
        raw = connection.connection
        if raw is not None and getattr(raw, "lock", None) is not None and raw.lock.locked():
            logger.info("beat: stopping mid-query; the beat lease (%s) runs out by itself", self.holder)
            return
        try:
            lease_release(name=LEASE_NAME, holder=self.holder)
            logger.info("beat: gave up the beat lease (%s)", self.holder)
        except (DatabaseError, InterfaceError) as exc:
            logger.warning("beat: could not give up the beat lease (%s); it runs out by itself", type(exc).__name__)

    def _lead(self) -> bool:
        started = time.monotonic()
        if self.leading and started - self._renewed_at < self.renew_every:
            return True
        close_old_connections()
        try:
            held = lease_hold(name=LEASE_NAME, holder=self.holder, seconds=self.lease_seconds)
        except (DatabaseError, InterfaceError) as exc:
            # The database is unreachable: keep sending only while the last renewal cannot have run out.
            held = self.leading and started - self._renewed_at < self.lease_seconds - self.renew_every
            logger.warning("beat: could not renew the beat lease (%s)%s", type(exc).__name__,
                           "" if held else "; sending nothing until it can")
            if not held and self.leading:
                self._follow()
            return held
        if held:
            # Timed from before the UPDATE: the database's expiry is at least this late.
            self._renewed_at = started
            if not self.leading:
                self._start_leading()
        elif self.leading or not self._follower_said:
            self._follow()
        return held

    def _start_leading(self) -> None:
        self.leading = True
        self._follower_said = False
        # Re-read the schedule and its last run times from the database (the previous holder's sends) and
        # rebuild the heap from them, instead of this process's idea of them from when it started.
        self._initial_read = True
        self._heap = None
        logger.info("beat: leading (took the beat lease as %s); sending the periodic tasks", self.holder)

    def _follow(self) -> None:
        was_leading, self.leading = self.leading, False
        self._heap = None
        self._follower_said = True
        try:
            current = lease_holder(name=LEASE_NAME)
        except (DatabaseError, InterfaceError):
            current = "unknown"
        logger.info("beat: %s (the beat lease is held by %s); %s sends nothing until it runs out",
                    "lost the lead" if was_leading else "standing by", current or "nobody", self.holder)
