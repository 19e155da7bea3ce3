"""Two real `celery -A config beat` processes on one database: one sends the sweeps, and when it dies the other does.

The sweeps run every second here (BEAT_SWEEP_SECONDS=1) under a 3-second lease (BEAT_LEASE_SECONDS=3), and no
worker reads their queue: every task a beat sends stays in Redis, where its `origin` header (gen<pid>@host) says
which process sent it. Each beat's log is kept too, with its "Sending due task" lines.

Waits are on progress (tests.notifications.delivery.wait_while_progressing): sends counted, or a process starting.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from periodic.lease import lease_holder
from periodic.scheduler import LEASE_NAME
from tests.notifications.delivery import database_url, forget_queue, tail, wait_while_progressing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SWEEPS = {"notifications.tasks.reminders_sweep", "waitlist.tasks.waitlist_sweep", "pumps.tasks.episode_emails_sweep"}
SENDING = re.compile(r"Sending due task reminders-sweep \(notifications\.tasks\.reminders_sweep\)")


@dataclass
class Beat:
    proc: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def sweeps_logged(self) -> int:
        return len(SENDING.findall(self.text()))


def start_beat(name: str, *, env: dict[str, str], tmp_path: Path) -> Beat:
    log = tmp_path / f"{name}.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
             "--schedule", str(tmp_path / f"{name}-schedule"), "--pidfile="],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    return Beat(proc, log)


def stop(beat: Beat, sig: int = signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(beat.pid, sig)
    try:
        beat.proc.wait(60)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(beat.pid, signal.SIGKILL)
        beat.proc.wait(10)


def sent_by(queue: str) -> Counter:
    """The sweeps waiting in `queue`, by the pid of the process that sent them."""
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5)
    counts: Counter = Counter()
    for raw in client.lrange(queue, 0, -1):
        headers = json.loads(raw)["headers"]
        assert headers["task"] in SWEEPS, headers["task"]
        if headers["task"] == "notifications.tasks.reminders_sweep":
            counts[int(re.match(r"gen(\d+)@", headers["origin"]).group(1))] += 1
    return counts


@pytest.fixture
def beats(tmp_path):
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail("this test needs Redis as the broker: set REDIS_URL (make test does)")
    queue = f"test-beats-{uuid.uuid4().hex[:8]}"
    outside = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_")) and k not in (
        "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL", "CELERY_QUEUE")}
    env = {
        **outside,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": broker,
        "CELERY_QUEUE": queue,
        "CLINIC_VAR_DIR": str(tmp_path / "var"),
        "BEAT_SWEEP_SECONDS": "1",
        "BEAT_LEASE_SECONDS": "3",
        "PYTHONUNBUFFERED": "1",
    }
    started: list[Beat] = []

    def start(name: str) -> Beat:
        beat = start_beat(name, env=env, tmp_path=tmp_path)
        started.append(beat)
        return beat

    try:
        yield queue, start
    finally:
        for beat in started:
            stop(beat)
        forget_queue(broker, queue)


def test_two_beats_send_each_sweep_once_and_the_survivor_takes_over(beats):
    queue, start = beats
    first, second = start("beat-1"), start("beat-2")
    both = (first, second)

    def logs() -> str:
        return "\n".join(tail(beat.log, 40) for beat in both)

    def running_and(check):
        def done():
            for beat in both:
                if beat.proc.poll() is not None and beat is not killed.get("beat"):
                    raise AssertionError(f"a beat exited ({beat.proc.returncode}):\n{logs()}")
            return check()
        return done

    killed: dict[str, Beat] = {}

    # Both start; one takes the lease, the other says it stands by.
    wait_while_progressing(
        running_and(lambda: all("beat: leading" in b.text() or "beat: standing by" in b.text() for b in both)),
        progress=lambda: tuple(len(b.text()) for b in both), what="both beats to start",
    )
    leader = next(b for b in both if "beat: leading" in b.text())
    follower = second if leader is first else first
    assert f":{leader.pid}:" in lease_holder(name=LEASE_NAME)

    # Five sweeps a second apart: all from the leader, none from the follower.
    wait_while_progressing(
        running_and(lambda: sent_by(queue)[leader.pid] >= 5),
        progress=lambda: sent_by(queue), what="the leader's sweeps",
    )
    sent = sent_by(queue)
    assert sent[follower.pid] == 0, (sent, logs())
    assert set(sent) == {leader.pid}, sent
    assert follower.sweeps_logged() == 0, logs()
    assert leader.sweeps_logged() >= 5

    # The leader dies without a word (no lease given up); the follower takes over once the lease runs out.
    led = sent[leader.pid]
    killed["beat"] = leader
    stop(leader, signal.SIGKILL)
    wait_while_progressing(
        running_and(lambda: sent_by(queue)[follower.pid] >= 5),
        progress=lambda: (sent_by(queue), len(follower.text())), what="the survivor's sweeps",
    )
    after = sent_by(queue)
    assert after[leader.pid] == led  # nothing more from the dead one
    assert set(after) == {leader.pid, follower.pid}
    assert "beat: leading" in follower.text()
    assert f":{follower.pid}:" in lease_holder(name=LEASE_NAME)


def test_a_beat_stopped_cleanly_hands_over_at_once(beats):
    """SIGTERM: the holder exits and gives the lease up on the way, so the standby need not wait for it to run out."""
    queue, start = beats
    first = start("beat-1")
    wait_while_progressing(lambda: sent_by(queue)[first.pid] >= 1, progress=lambda: len(first.text()),
                           what="the first beat's first sweep")
    second = start("beat-2")
    wait_while_progressing(lambda: "beat: standing by" in second.text(), progress=lambda: len(second.text()),
                           what="the second beat to stand by")
    stop(first)
    # It exits by itself (stop() would SIGKILL it after a minute), giving the lease up on the way; unless the
    # signal came in the middle of one of its queries, when it leaves the lease to run out rather than hang.
    assert first.proc.returncode >= 0, tail(first.log)
    assert "gave up the beat lease" in first.text() or "runs out by itself" in first.text(), tail(first.log)
    wait_while_progressing(lambda: sent_by(queue)[second.pid] >= 1, progress=lambda: len(second.text()),
                           what="the second beat's first sweep")
    assert "beat: leading" in second.text()
