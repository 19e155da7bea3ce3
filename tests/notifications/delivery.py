"""Real parts for the delivery tests: an SMTP server that records, Celery worker processes, a private Redis.

Nothing here is mocked. `SmtpSink` is aiosmtpd on a free port, recording every message it accepts; it
can be stopped and started on the same port, told to answer DATA with an error (451: try later), and
handed a hook that runs while a message is being accepted (to kill its sender at that moment).
`CeleryWorkers` starts `python -m celery -A config worker` processes (prefork, concurrency 1) against
the test database, each on its own queue, each in its own process group so a test can SIGKILL one whole.
It counts the connections that say EHLO (a batch of emails goes over one). `RedisServer` is a throwaway `redis-server` for the test that restarts the broker. `bulk_due_reminders`
writes thousands of due rows fast. The bench (bench/reminders.py) uses the same parts.

Every wait here is `wait_while_progressing`: it fails when nothing has moved for `STALL_SECONDS`, never at a
fixed total deadline, so a busy machine makes a test slower, not red.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import fcntl
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
NODE_HOST = "clinic-tests"
MESSAGE_ID = re.compile(r"<reminder\.(\d+)\.(\d+)@[^>]+>")
MESSAGE_ID_HEADER = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]*>)", re.MULTILINE | re.IGNORECASE)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# How long a wait may see no progress at all before the test fails: far beyond any pause of a working
# system, however loaded the machine (a stopped worker or a lost message never moves again).
STALL_SECONDS = 60.0


class Stalled(AssertionError):
    """A wait saw no progress for its stall window."""


def wait_while_progressing(
    done: Callable[[], object],
    *,
    progress: Callable[[], object] | None = None,
    stall: float = STALL_SECONDS,
    interval: float = 0.1,
    what: str = "condition",
):
    """Poll `done` until it returns something truthy (returned); fail once `progress()` has not changed for
    `stall` seconds. Without `progress` (a process starting, a port freed), `stall` seconds in all.

    `progress` returns anything comparable: a count of emails, the outbox rows by status. A slow machine
    only spaces its changes out; a stuck one stops changing them.
    """
    last: object = None
    since = time.monotonic()
    while True:
        value = done()
        if value:
            return value
        now = time.monotonic()
        if progress is not None:
            seen = progress()
            if seen != last:
                last, since = seen, now
        if now - since > stall:
            shown = f" (last seen: {last!r})" if progress is not None else ""
            raise Stalled(f"no progress for {stall:.0f} s waiting for {what}{shown}")
        time.sleep(interval)


# --- SMTP --------------------------------------------------------------------------------------------


@dataclass
class Received:
    """One message the SMTP server accepted, as it arrived on the wire."""

    peer: tuple
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    message_id: str
    at: float = field(default_factory=time.monotonic)

    @cached_property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)

    @property
    def reminder_id(self) -> int | None:
        """The outbox row this message was sent for (services writes `<reminder.<id>.<resends>@domain>`)."""
        match = MESSAGE_ID.fullmatch(self.message_id)
        return int(match.group(1)) if match else None

    def attachment(self, filename: str):
        for part in self.message.iter_attachments():
            if part.get_filename() == filename:
                return part
        return None


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # what aiosmtpd does without this hook
        with self.sink._cond:
            self.sink.connections += 1  # smtplib says EHLO once per connection
        return responses

    async def handle_DATA(self, server, session, envelope):
        return self.sink._data(session, envelope)


class SmtpSink:
    """aiosmtpd on 127.0.0.1:<port>, recording every message it accepts."""

    def __init__(self, port: int | None = None, *, keep_content: bool = True):
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.keep_content = keep_content  # the bench counts 10,000 messages and keeps only their ids
        self.messages: list[Received] = []
        #: SMTP connections that said EHLO (every one Django's backend opens).
        self.connections = 0
        #: DATA answered with an error instead of being accepted (nothing recorded for those).
        self.refused = 0
        #: An SMTP reply such as "451 4.3.0 Try again later" answers DATA instead of 250 while set.
        self.reply: str | None = None
        #: Called with (received, peer) while a message is being accepted: recorded, 250 not yet sent.
        self.on_message: Callable[[Received, tuple], None] | None = None
        self._cond = threading.Condition()
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        assert self._controller is None, "already running"
        errors: list[BaseException] = []

        def started():  # the same port again after stop(): retry while the old socket lets go
            # A fixed server name: else aiosmtpd looks up the host's FQDN on every connection.
            controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=STALL_SECONDS,
                                    server_hostname="smtp.clinic-tests.invalid")
            try:
                controller.start()
            except (OSError, RuntimeError) as exc:
                errors[:] = [exc]
                return None
            return controller

        try:
            self._controller = wait_while_progressing(started, what=f"the SMTP server on port {self.port}")
        except Stalled as stalled:
            raise Stalled(f"{stalled}: {errors[-1]!r}" if errors else str(stalled)) from None
        return self

    def stop(self) -> None:
        """Close the port: senders get 'connection refused' until start()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _data(self, session, envelope) -> str:
        if self.reply:
            with self._cond:
                self.refused += 1
            return self.reply
        content = bytes(envelope.content)
        header_end = content.find(b"\r\n\r\n")
        found = MESSAGE_ID_HEADER.search(content, 0, header_end if header_end >= 0 else len(content))
        received = Received(
            session.peer, envelope.mail_from, list(envelope.rcpt_tos), content if self.keep_content else b"",
            found.group(1).decode() if found else "",
        )
        with self._cond:
            self.messages.append(received)
            self._cond.notify_all()
        if self.on_message:
            self.on_message(received, session.peer)
        return "250 Message accepted for delivery"

    @property
    def count(self) -> int:
        with self._cond:
            return len(self.messages)

    def snapshot(self) -> list[Received]:
        with self._cond:
            return list(self.messages)

    def clear(self) -> None:
        with self._cond:
            self.messages.clear()
            self.refused = 0
            self.connections = 0

    def wait_for(self, n: int, *, stall: float = STALL_SECONDS) -> list[Received]:
        """Block until at least `n` messages have arrived in all; return them all. Fails when no message
        has arrived (or been refused) for `stall` seconds."""
        wait_while_progressing(lambda: self.count >= n, progress=lambda: (self.count, self.refused), stall=stall,
                               interval=0.05, what=f"{n} messages at the SMTP server")
        return self.snapshot()

    def duplicates(self) -> dict[str, int]:
        """Message-IDs received more than once, with how many times."""
        counts = Counter(m.message_id for m in self.snapshot())
        return {mid: n for mid, n in counts.items() if n > 1}

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def owner_of_connection(local_port: int, remote_port: int) -> int | None:
    """The pid holding the TCP connection 127.0.0.1:local_port → :remote_port (Linux /proc), or None."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                parts = line.split()
                local, remote, inode = parts[1], parts[2], parts[9]
                if int(local.rsplit(":", 1)[1], 16) == local_port and int(remote.rsplit(":", 1)[1], 16) == remote_port:
                    inodes.add(f"socket:[{inode}]")
    if not inodes:
        return None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        return int(pid)
    return None


# --- Redis -------------------------------------------------------------------------------------------


class RedisServer:
    """A private `redis-server` on a free port, keeping nothing on disk: a broker a test may kill."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.port = port or free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if not binary:
            # Not a skip: `make test` checks for it (scripts/check_services.py) and this test must run.
            pytest.fail("redis-server is not installed (Debian: apt-get install redis-server)")
        with open(self.workdir / f"redis-{self.port}.log", "ab") as log:
            self.proc = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.workdir)],
                stdout=log, stderr=subprocess.STDOUT,
            )
        wait_while_progressing(self._answers, what=f"redis-server on port {self.port}")
        return self

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: every queued message is gone (nothing was saved)."""
        if self.proc:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def queue_length(self, queue: str) -> int:
        import redis

        return redis.Redis(port=self.port).llen(queue)


# --- Celery workers ----------------------------------------------------------------------------------


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database inside a test)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen
    log: Path

    @property
    def nodename(self) -> str:
        return f"{self.name}@{NODE_HOST}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None


class CeleryWorkers:
    """Real `celery -A config worker` processes reading one queue, against the database and broker given.

    Each worker is its own process group (main process and its prefork child), so `kill()` takes out a
    whole worker the way an OOM kill or a lost machine would.
    """

    def __init__(self, *, queue: str, broker_url: str, email_url: str, database_url: str, log_dir: Path,
                 env: dict[str, str] | None = None):
        from django.conf import settings

        self.queue = queue
        self.broker_url = broker_url
        self.log_dir = log_dir
        self.workers: list[Worker] = []
        base = {k: v for k, v in os.environ.items() if k != "DJANGO_ENV" and not k.startswith("PYTEST")}
        base.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=database_url,
            REDIS_URL=broker_url,
            EMAIL_URL=email_url,
            CELERY_QUEUE=queue,
            DJANGO_SECRET_KEY=settings.SECRET_KEY,  # links in emails signed as the test process would
            DJANGO_DEBUG="false",  # no query log growing over thousands of tasks
            DATABASE_CONN_MAX_AGE="600",
            EMAIL_TIMEOUT="10",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        base.update(env or {})
        self.env = base

    def start(self, n: int = 1, *, wait: bool = True) -> list[Worker]:
        started = []
        for _ in range(n):
            name = f"w{len(self.workers) + 1}-{self.queue}"
            log = self.log_dir / f"{name}.log"
            out = open(log, "ab")  # noqa: SIM115 (the worker writes to it until it exits)
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
                 "--prefetch-multiplier=1", "-Q", self.queue, "-n", f"{name}@{NODE_HOST}", "-l", "WARNING",
                 "--without-heartbeat", "--without-gossip", "--without-mingle"],
                cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
            out.close()
            worker = Worker(name, proc, log)
            self.workers.append(worker)
            started.append(worker)
        if wait:
            self.wait_ready(started)
        return started

    def wait_ready(self, workers: Iterable[Worker]) -> None:
        """Until each worker answers a control ping (it is consuming its queue). Fails when a worker exits,
        or when no further worker has answered for STALL_SECONDS."""
        waiting = {w.nodename: w for w in workers}

        def ready() -> bool:
            for w in waiting.values():
                if not w.alive():
                    raise AssertionError(f"worker {w.name} exited ({w.proc.returncode}):\n{tail(w.log)}")
            for reply in _ping(self.broker_url, list(waiting)):
                for node in reply:
                    waiting.pop(node, None)
            return not waiting

        try:
            wait_while_progressing(ready, progress=lambda: len(waiting), interval=0, what="the workers to be ready")
        except Stalled as stalled:
            raise Stalled(f"{stalled}: {sorted(waiting)}\n" + "\n".join(tail(w.log) for w in waiting.values())) from None

    def owner(self, pid: int) -> Worker | None:
        """The worker whose process group holds `pid`."""
        with contextlib.suppress(ProcessLookupError):
            group = os.getpgid(pid)
            return next((w for w in self.workers if w.pid == group), None)
        return None

    def kill(self, worker: Worker, sig: int = signal.SIGKILL) -> None:
        """Signal the whole worker (main process and pool child)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, sig)

    def stop(self, worker: Worker, timeout: float = 15) -> None:
        if worker.alive():
            self.kill(worker, signal.SIGTERM)  # warm shutdown: the task under way finishes
            try:
                worker.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill(worker, signal.SIGKILL)
                worker.proc.wait(10)
        else:
            self.kill(worker, signal.SIGKILL)  # a pool child may outlive a killed main process
        worker.proc.wait(10)

    def stop_all(self) -> None:
        for w in self.workers:
            self.kill(w, signal.SIGTERM)
        for w in self.workers:
            self.stop(w)

    def live(self) -> list[Worker]:
        return [w for w in self.workers if w.alive()]


def _ping(broker_url: str, nodes: list[str]) -> list[dict]:
    """Control-ping `nodes` through `broker_url`; [] if the broker does not answer.

    A throwaway app each time: the project app's control commands go through its own producer pool, on
    the broker in settings, whatever connection they are handed; and a broker that restarted leaves a
    pooled connection dead.
    """
    from celery import Celery

    probe = Celery("clinic-tests-probe", broker=broker_url, set_as_current=False)
    try:
        return probe.control.ping(destination=nodes, timeout=0.5)
    except Exception:  # the broker not there (yet): redis, kombu and socket errors alike
        time.sleep(0.2)
        return []
    finally:
        probe.close()


def tail(path: Path, lines: int = 30) -> str:
    try:
        return f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"--- {path.name}: no log"


# --- Publishing, as the beat sweep does ---------------------------------------------------------------


def enqueue(ids: Iterable[int], *, queue: str, broker_url: str, batch_size: int | None = None) -> int:
    """Queue the sends of `ids` on `queue` of `broker_url` as the beat sweep does: one `reminders_send(ids)` task
    per `batch_size` ids (OUTBOX_BATCH_SIZE by default); with `batch_size=1`, one `reminder_send(id)` per row (the
    task that sends a single row). Ids only, no ETA. Returns the number of rows queued."""
    from config.celery import app
    from notifications.services import batches
    from notifications.tasks import reminder_send, reminders_send

    ids = list(ids)
    with app.connection_for_write(broker_url) as conn:
        producer = app.amqp.Producer(conn, auto_declare=False)
        if batch_size == 1:
            for reminder_id in ids:
                reminder_send.apply_async((reminder_id,), queue=queue, producer=producer)
        else:
            for batch in batches(ids, batch_size):
                reminders_send.apply_async((batch,), queue=queue, producer=producer)
    return len(ids)


def sweep(*, queue: str, broker_url: str, now: datetime | None = None, limit: int | None = None,
          batch_size: int | None = None) -> list[int]:
    """The beat sweep (notifications.tasks.reminders_sweep) run here, at `now`: claim due rows, queue sends.

    The test process's Celery app publishes to its own default queue; tests give each run a queue of its
    own, so the sends are queued there explicitly.
    """
    from notifications import services

    ids = services.emails_claim_due(now=now, limit=limit)
    enqueue(ids, queue=queue, broker_url=broker_url, batch_size=batch_size)
    return ids


def open_rows() -> int:
    """Rows claimed and not yet settled (sent, retried, failed, cancelled or skipped)."""
    from bookings.models import EmailStatus, PatientEmail

    return PatientEmail.objects.filter(status=EmailStatus.SENDING).count()


def outbox_state() -> tuple:
    """The outbox rows by status, and the attempts made in all: changes whenever a send settles or fails."""
    from django.db.models import Count, Sum

    from bookings.models import PatientEmail

    by_status = PatientEmail.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    return tuple(by_status), PatientEmail.objects.aggregate(attempts=Sum("attempts"))["attempts"]


def queue_length(broker_url: str, queue: str) -> int | None:
    """Task messages waiting in `queue` (None while the broker does not answer)."""
    import redis

    try:
        with redis.Redis.from_url(broker_url, socket_connect_timeout=1, socket_timeout=5) as client:
            return client.llen(queue)
    except (redis.RedisError, OSError):
        return None


def forget_queue(broker_url: str, queue: str) -> None:
    """Remove what a test's queue left in Redis: the list, kombu's bindings, unacknowledged messages.

    A worker killed with a message in hand leaves it in kombu's `unacked` hash, to be restored to the
    queue after the visibility timeout; nobody reads that queue again.
    """
    import redis

    with contextlib.suppress(redis.RedisError, OSError):
        client = redis.Redis.from_url(broker_url, socket_connect_timeout=1, socket_timeout=5)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        for tag, payload in client.hscan_iter("unacked"):
            with contextlib.suppress(ValueError, IndexError, TypeError):
                if json.loads(payload)[2] == queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)


# --- Data --------------------------------------------------------------------------------------------


def bulk_due_reminders(n: int, *, due_at: datetime | None = None, patients: int = 10, kind: str | None = None) -> list[int]:
    """`n` due reminder rows for `n` upcoming sessions (one clinic, `patients` consenting patients).

    bulk_create throughout: 5,000 rows take a second or two. Each patient has a chair of their own and
    sessions two hours apart, so the database's overlap constraints hold.
    """
    from django.utils import timezone

    from bookings.models import EmailKind, InfusionSession, Patient, PatientEmail, TreatmentCycle
    from scheduler.models import Chair, Clinic, Protocol, StaffMember, StaffRole

    now = timezone.now()
    due_at = due_at or now - timedelta(minutes=1)
    kind = kind or EmailKind.reminder(24)
    tag = uuid.uuid4().hex[:8]
    clinic = Clinic.objects.create(name=f"Bulk clinic {tag}", slug=f"bulk-{tag}", timezone="America/New_York",
                                   email="clinic@example.org", phone="+1 555 0100", address="1 Main Street")
    nurse = StaffMember.objects.create(clinic=clinic, first_name="Bulk", last_name="Nurse", role=StaffRole.NURSE)
    protocol = Protocol.objects.filter(clinic=None).order_by("pk").first()
    per = -(-n // patients)
    start = (now + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    sessions = []
    for p in range(patients):
        count = min(per, n - len(sessions))
        if count <= 0:
            break
        patient = Patient.objects.create(
            clinic=clinic, first_name=f"Bulk{p}", last_name="Patient", date_of_birth=date(1980, 1, 1),
            email=f"bulk{p}.{tag}@example.org", timezone="America/New_York", email_consent=True, email_consent_at=now,
        )
        chair = Chair.objects.create(clinic=clinic, name=f"Bulk chair {p}")
        cycle = TreatmentCycle.objects.create(patient=patient, protocol=protocol, clinic=clinic, session_count=count)
        for i in range(count):
            starts = start + timedelta(hours=2 * i)
            sessions.append(InfusionSession(
                cycle=cycle, patient=patient, clinic=clinic, chair=chair, nurse=nurse,
                starts_at=starts, ends_at=starts + timedelta(hours=1), sequence=i + 1,
            ))
    InfusionSession.objects.bulk_create(sessions, batch_size=2000)
    rows = [
        PatientEmail(clinic_id=clinic.pk, patient_id=s.patient_id, cycle_id=s.cycle_id, session=s, kind=kind,
                 session_version=s.version, session_starts_at=s.starts_at, due_at=due_at, send_after=due_at)
        for s in sessions
    ]
    PatientEmail.objects.bulk_create(rows, batch_size=2000)
    return [r.pk for r in rows]


def duplicates_by_key(received: Iterable[Received]) -> dict[tuple, int]:
    """(session, kind, session version) sent more than once, from the Message-IDs' outbox rows."""
    from bookings.models import PatientEmail

    ids = Counter(m.reminder_id for m in received)
    keys = dict(
        (pk, (session, kind, version))
        for pk, session, kind, version in PatientEmail.objects.filter(pk__in=[i for i in ids if i]).values_list(
            "pk", "session_id", "kind", "session_version"
        )
    )
    counts: Counter = Counter()
    for reminder_id, n in ids.items():
        counts[keys.get(reminder_id, ("unknown", reminder_id))] += n
    return {key: n for key, n in counts.items() if n > 1}


def record_duplicates(fault: str, figures: dict) -> Path:
    """Merge one fault's duplicate counts into var/fault-duplicates.json (tests in parallel processes)."""
    from django.conf import settings

    path = Path(settings.VAR_DIR) / "fault-duplicates.json"
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(path.read_text()) if path.exists() else {}
        except ValueError:
            data = {}
        data[fault] = {**figures, "recorded_at": datetime.now().isoformat(timespec="seconds")}
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


# --- Fixtures ----------------------------------------------------------------------------------------


@dataclass
class Rig:
    """What a delivery test drives: its SMTP server, its queue and broker, and its workers."""

    smtp: SmtpSink
    queue: str
    broker_url: str
    workers: CeleryWorkers

    def sweep(self, now: datetime | None = None, limit: int | None = None, batch_size: int | None = None) -> list[int]:
        return sweep(queue=self.queue, broker_url=self.broker_url, now=now, limit=limit, batch_size=batch_size)

    def enqueue(self, ids: Iterable[int], batch_size: int | None = None) -> int:
        return enqueue(ids, queue=self.queue, broker_url=self.broker_url, batch_size=batch_size)

    def progress(self) -> tuple:
        """What moves while sends go on: messages at the SMTP server (and refused), the outbox rows by
        status and their attempts, the task messages still queued."""
        return (self.smtp.count, self.smtp.refused, outbox_state(), queue_length(self.broker_url, self.queue))

    def wait(self, done: Callable[[], object], *, what: str):
        """Until `done()`, while the delivery makes progress (`progress`)."""
        return wait_while_progressing(done, progress=self.progress, interval=0.2, what=what)

    def settle(self) -> None:
        """Until no row is claimed and unsettled (every queued send has run)."""
        self.wait(lambda: open_rows() == 0, what="every claimed reminder to be settled")


@pytest.fixture
def smtp_server():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def delivery_rig(transactional_db, smtp_server, tmp_path, request):
    """A factory: `rig = delivery_rig(workers=2, env={...}, broker_url=...)`; workers stop after the test.

    Each call gets a queue of its own, so tests running in parallel on one Redis never share tasks.
    """
    from django.conf import settings
    from django.db import connection

    made: list[CeleryWorkers] = []

    def make(workers: int = 1, *, env: dict[str, str] | None = None, broker_url: str | None = None) -> Rig:
        queue = f"test-{request.node.name[:40]}-{uuid.uuid4().hex[:8]}"
        queue = re.sub(r"[^A-Za-z0-9_.-]", "-", queue)
        broker = broker_url or settings.CELERY_BROKER_URL
        if not broker.startswith("redis://"):
            pytest.fail("the delivery tests need Redis as the broker: set REDIS_URL (make test does)")
        pool = CeleryWorkers(queue=queue, broker_url=broker, email_url=smtp_server.url,
                             database_url=database_url(connection.settings_dict), log_dir=tmp_path, env=env)
        made.append(pool)
        if workers:
            pool.start(workers)
        return Rig(smtp=smtp_server, queue=queue, broker_url=broker, workers=pool)

    yield make
    for pool in made:
        pool.stop_all()
    for pool in made:
        forget_queue(pool.broker_url, pool.queue)
