"""Logs without patient data: a scripted clinic day against the real processes, then every log grepped.

The processes are started as production starts them (Procfile, Dockerfile): gunicorn with the project's
gunicorn.conf.py (access log on stdout), a Celery worker and Celery beat, all with DJANGO_ENV=production
behind a TLS proxy (the test sends the proxy's X-Forwarded-Proto and X-Forwarded-For), against the test
database on PostgreSQL, Redis and an aiosmtpd SMTP server. Each process's stdout and stderr goes to its own
file. The day is scripted through HTTP only, as a clinic and its patients would use it: staff sign in to the
pages and the API, register patients (distinctive names with diacritics, phones as people type them), search
for them by name, phone and birth date, book courses, move, cancel, check in, start, complete, record a
no-show; patients press the links in their emails; the worker sends confirmations, notices and reminders;
one address is refused by the mail server (550 quoting it) and one deferred once (451); 4xx answers and a
few hostile requests. The test writes to the database directly for two things only: building the clinic
(chairs, nurses, protocol, staff accounts) and moving the clock on (a reminder's hour comes; a session's
start passes, for the no-show). It reads the outbox rows to wait for the worker and to check outcomes.

Then every captured line (web, worker, beat, and PostgreSQL's server log for this database where the
server's log file can be read) is searched for every patient's first name, last name, full name, email,
phone (as typed and as digits), and birth date (ISO, as the pages show it, and other common spellings),
raw, percent-encoded and escaped. None may appear. Two controls show that the search would have found them:
the SMTP server's own log (it must know addresses) holds them, and the access log holds the requests.

It runs twice: LOG_LEVEL=INFO (what the Procfile and the image use) and DEBUG (gunicorn's `--log-level
debug` too). Waits wait on progress (outbox rows, messages at the SMTP server), never a total deadline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import logging
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode, urlsplit

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from bookings.models import EmailStatus, InfusionSession, PatientEmail
from common.access import CLINICIAN, FRONT_DESK
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, ProtocolFactory
from tests.helpers import staff_user
from tests.notifications.delivery import (
    BASE_DIR,
    CeleryWorkers,
    Received,
    SmtpSink,
    Stalled,
    Worker,
    database_url,
    forget_queue,
    free_port,
    outbox_state,
    tail,
    wait_while_progressing,
)

PASSWORD = "Quiet-Heron-Lantern-42"
CLIENT_ADDRESS = "203.0.113.7"  # the staff's browser, as the proxy reports it

# Django's default hashers: the tests' fast MD5 hasher is unknown to the server processes.
DEFAULT_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]


# --- The patients ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    email: str
    phone: str
    born: dt.date

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def digits(self) -> str:
        return re.sub(r"\D", "", self.phone.split("x")[0])

    def needles(self) -> set[str]:
        """Everything about this patient that must not reach a log, in the spellings a log could hold."""
        b = self.born
        plain = {
            self.first, self.last, self.full, f"{self.last}, {self.first}", self.email, self.phone, self.digits,
            b.isoformat(), f"{b:%m/%d/%Y}", f"{b:%d/%m/%Y}", f"{b:%d.%m.%Y}", f"{b:%d %b %Y}", f"{b:%B} {b.day}, {b.year}",
            f"{b:%Y%m%d}",
        }
        # Each part of a double name on its own ("Quintanilla" of "Quintanilla-Ñúñez").
        plain |= {part for part in re.split(r"[\s-]+", self.full) if len(part) >= 4}
        spelled = set()
        for text in plain:
            mojibake = text.encode().decode("latin-1")  # UTF-8 bytes read as Latin-1 (how gunicorn reads a request line)
            spelled |= {
                text,
                quote(text, safe=""),  # a path or query, percent-encoded
                quote_plus(text, safe=""),  # a form or query, spaces as +
                json.dumps(text)[1:-1],  # JSON with \u escapes (a task message, a repr)
                repr(text.encode())[2:-1],  # bytes repr, \xc3\xab
                text.encode("unicode_escape").decode(),  # \xeb
                mojibake,
                repr(mojibake)[1:-1],
            }
        return spelled


# Distinctive, so a hit is never a coincidence; diacritics and the ways people type phones and dates.
ZOE = Person("Zoë", "Quintanilla-Ñúñez", "zoe.quintanilla@mailbox.example", "+1 (555) 010-2233", dt.date(1979, 4, 23))
BARTHOLOMEW = Person("Bartholomew", "Okonkwo-Vasquez", "b.okonkwo.v@patients.example", "555.010.4477", dt.date(1962, 11, 8))
INGRID = Person("Ingrid", "Søndergård", "ingrid.sondergard@example.net", "+45 31 42 77 19", dt.date(1990, 2, 27))
THADDEUS = Person("Thaddeus", "Wolfenbarger", "t.wolfenbarger@refused.example", "(555) 010-9911 x204", dt.date(1955, 7, 4))
MARISOL = Person("Marisol", "Etxeberría", "marisol.etxeberria@deferred.example", "555-010-6060", dt.date(2001, 12, 31))
PATIENTS = (ZOE, BARTHOLOMEW, INGRID, THADDEUS, MARISOL)
#: Refused at RCPT with a 550 quoting the address (permanent: the email fails, and fails again when resent).
REFUSED = THADDEUS.email
# The safety checks a clinician records before the start and before discharge (safety: the sessions' gates).
SAFETY_CHECKS = {"systolic": 124, "diastolic": 79, "heart_rate": 71, "oxygen_saturation": 98, "weight_kg": 64.5,
                 "pregnancy": "not_pregnant", "fasting": True, "escort": True}
RECOVERY_CHECK = {"systolic": 126, "diastolic": 80, "alert_and_oriented": True, "escort_present": True}
#: DATA answered 451 once (a retry, then sent).
DEFERRED = MARISOL.email


# --- HTTP, as a browser or an API client behind the TLS proxy -----------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


@dataclass
class Client:
    """One browser (cookies, CSRF) or API client (a token), speaking to gunicorn as the TLS proxy does.

    Cookies are kept by hand: the production settings mark them Secure, and the proxy hop is plain HTTP.
    """

    port: int
    token: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, *, query=None, form=None, body=None, headers=None) -> Answer:
        if query:
            path = f"{path}?{urlencode(query, doseq=True)}"
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": CLIENT_ADDRESS,
            "User-Agent": "clinic-day/1.0",
        }
        payload: bytes | None = None
        if form is not None:
            pairs = list(form.items()) if isinstance(form, dict) else list(form)
            if token := self.cookie("csrftoken"):
                pairs.append(("csrfmiddlewaretoken", token))
            payload = urlencode(pairs, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if method not in ("GET", "HEAD"):
            sent["Origin"] = f"https://127.0.0.1:{self.port}"
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            conn.request(method, path, body=payload, headers=sent)
            response = conn.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            conn.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer

    def cookie(self, name: str) -> str | None:
        """A cookie by its name, with or without production's __Host- prefix."""
        return self.cookies.get(f"__Host-{name}", self.cookies.get(name))

    def get(self, path: str, **query) -> Answer:
        return self.request("GET", path, query=query or None)

    def post(self, path: str, form=None, **kwargs) -> Answer:
        return self.request("POST", path, form=form if form is not None else ({} if "body" not in kwargs else None), **kwargs)


def ok(answer: Answer, *statuses: int) -> Answer:
    assert answer.status in (statuses or (200,)), f"{answer.status}: {answer.text[:2000]}"
    return answer


def sign_in_page(port: int, username: str) -> Client:
    browser = Client(port)
    ok(browser.get("/login/"))
    ok(browser.post("/login/", {"username": username, "password": PASSWORD, "next": "/"}), 302)
    assert browser.cookie("sessionid")
    return browser


def sign_in_api(port: int, username: str) -> Client:
    answer = ok(Client(port).request("POST", "/api/v1/auth/token/", body={"username": username, "password": PASSWORD}))
    return Client(port, token=answer.json()["token"])


def raw_request(port: int, data: bytes) -> bytes:
    """Bytes on the wire, as a broken or hostile client sends them; the answer as it comes."""
    with socket.create_connection(("127.0.0.1", port), timeout=300) as sock:
        sock.sendall(data)
        chunks = []
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


# --- The SMTP server: one address refused, one deferred once --------------------------------------------


class _Handler:
    def __init__(self, sink: ClinicMail):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            self.sink.refused += 1
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if DEFERRED in envelope.rcpt_tos and not self.sink.deferred:
            self.sink.deferred = True
            self.sink.refused += 1
            return f"451 4.3.0 <{DEFERRED}>: Temporary lookup failure, try again later"
        return self.sink._data(session, envelope)


class ClinicMail(SmtpSink):
    """tests.notifications.delivery's SMTP sink, refusing REFUSED at RCPT and deferring DEFERRED once."""

    def __init__(self):
        super().__init__()
        self.deferred = False

    def start(self) -> ClinicMail:
        from aiosmtpd.controller import Controller

        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=60,
                                      server_hostname="smtp.clinic-tests.invalid")
        self._controller.start()
        return self

    def to(self, person: Person) -> list[Received]:
        return [m for m in self.snapshot() if person.email in m.rcpt_tos]


_LINK = re.compile(r"https?://[^/\s\"'<>]+(/p/(?P<action>[a-z]+)/[^/\s\"'<>]+/)")


def link_in(message: Received, action: str) -> str:
    """The path of the patient link for `action` in the message's text part."""
    text = message.message.get_body(preferencelist=("plain",)).get_content()
    for match in _LINK.finditer(text):
        if match["action"] == action:
            return match.group(1)
    raise AssertionError(f"no {action} link in:\n{text}")


# --- The processes -----------------------------------------------------------------------------------


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="module")
def production_var(tmp_path_factory) -> Path:
    """CLINIC_VAR_DIR with the static files collected, as the image builds them (production's hashed names)."""
    var = tmp_path_factory.mktemp("var")
    env = {**_outside_env(), "DJANGO_ENV": "production", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
           "CLINIC_VAR_DIR": str(var)}
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return var


def _outside_env() -> dict[str, str]:
    """The caller's environment without the test run's own settings (pytest's, Django's)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_")) and k not in (
        "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL", "LOG_LEVEL", "CELERY_QUEUE")}


@dataclass
class Day:
    """The running processes of one scripted day, and where their output goes."""

    port: int
    queue: str
    broker_url: str
    smtp: ClinicMail
    logs: dict[str, Path]
    web: subprocess.Popen
    beat: subprocess.Popen
    workers: CeleryWorkers
    last_sweep: float = 0.0

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    def sweep(self) -> None:
        """The beat's sweep, asked for now (beat runs it every minute too): run by the worker."""
        from config.celery import app

        app.send_task("notifications.tasks.reminders_sweep", queue=self.queue)
        self.last_sweep = time.monotonic()

    def deliver(self, what: str) -> None:
        """Until every email due by now is settled (sent, failed, cancelled, skipped), the worker sending."""
        due_by = timezone.now()
        open_rows = PatientEmail.objects.filter(due_at__lte=due_by, status__in=[EmailStatus.PENDING, EmailStatus.SENDING])

        def done() -> bool:
            if not open_rows.exists():
                return True
            if time.monotonic() - self.last_sweep > 1:
                self.sweep()
            return False

        try:
            wait_while_progressing(done, progress=lambda: (self.smtp.count, self.smtp.refused, outbox_state()),
                                   interval=0.2, what=what)
        except Stalled as stalled:
            raise Stalled(f"{stalled}\n" + "\n".join(tail(p) for p in self.logs.values())) from None


def _start_day(*, level: str, var: Path, tmp_path: Path, smtp: ClinicMail, extra_env: dict[str, str] | None = None) -> Day:
    from django.conf import settings

    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail("this test needs Redis as the broker: set REDIS_URL (make test does)")
    port = free_port()
    queue = f"test-logday-{level.lower()}-{uuid.uuid4().hex[:8]}"
    env = {
        **_outside_env(),
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": broker,
        "EMAIL_URL": smtp.url,
        "DEFAULT_FROM_EMAIL": "appointments@clinic.example",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "CELERY_QUEUE": queue,
        "CLINIC_VAR_DIR": str(var),
        "LOG_LEVEL": level,
        "REMINDER_RETRY_BASE_SECONDS": "1",
        "REMINDER_RETRY_MAX_SECONDS": "2",
        "EMAIL_TIMEOUT": "30",
        "PYTHONUNBUFFERED": "1",
        "WEB_HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    if level == "DEBUG":
        env["GUNICORN_CMD_ARGS"] = "--log-level debug"
    env.update(extra_env or {})
    logs = {name: tmp_path / f"{name}.log" for name in ("web.out", "web.err", "beat", "worker")}

    def popen(args: list[str], out: Path, err: Path) -> subprocess.Popen:
        with open(out, "ab") as stdout, open(err, "ab") as stderr:
            return subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=stdout, stderr=stderr, start_new_session=True)

    # The Procfile's three, with their log levels.
    web = popen([_tool("gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi:application"], logs["web.out"], logs["web.err"])
    workers = CeleryWorkers(queue=queue, broker_url=broker, email_url=smtp.url, database_url=env["DATABASE_URL"],
                            log_dir=tmp_path, env=env)
    name = f"worker-{queue}"
    worker_proc = popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", level, "--concurrency", "2",
                         "-Q", queue, "-n", f"{name}@clinic-tests"], logs["worker"], logs["worker"])
    workers.workers.append(Worker(name, worker_proc, logs["worker"]))
    beat = popen([sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", level,
                  "--schedule", str(tmp_path / "celerybeat-schedule"), "--pidfile="], logs["beat"], logs["beat"])
    day = Day(port=port, queue=queue, broker_url=broker, smtp=smtp, logs=logs, web=web, beat=beat, workers=workers)

    def web_ready() -> bool:
        if web.poll() is not None:
            raise AssertionError(f"gunicorn exited ({web.returncode}):\n{tail(logs['web.err'])}")
        with contextlib.suppress(OSError):
            return Client(port).get("/healthz").status == 200
        return False

    wait_while_progressing(web_ready, interval=0.2, what="gunicorn to answer /healthz")
    workers.wait_ready(workers.workers)
    return day


def _stop_day(day: Day) -> None:
    """SIGTERM, as a deployment stops them: each flushes its log and exits."""
    for proc in (day.web, day.beat):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    day.workers.stop_all()
    for proc in (day.web, day.beat):
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    forget_queue(day.broker_url, day.queue)


def json_lines(text: str) -> list[dict]:
    """The JSON objects of a log, one a line (a line that is not one is not returned)."""
    found = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            value = json.loads(line)
            if isinstance(value, dict):
                found.append(value)
    return found


# --- PostgreSQL's server log -------------------------------------------------------------------------


def postgres_log() -> Path | None:
    """The server's log file when this process can read it (the server on this machine): the collector's
    file, or Debian's (pg_ctlcluster sends the server's stderr to /var/log/postgresql/)."""
    if (connection.settings_dict.get("HOST") or "localhost") not in ("localhost", "127.0.0.1", "::1", ""):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_logfile(), current_setting('data_directory'), current_setting('server_version_num')")
        current, data_dir, version = cursor.fetchone()
    candidates = [Path(data_dir) / current] if current else []
    candidates.append(Path(f"/var/log/postgresql/postgresql-{int(version) // 10000}-main.log"))
    for path in candidates:
        with contextlib.suppress(OSError), open(path, "rb"):
            return path
    return None


def postgres_lines(path: Path, offset: int, database: str) -> str:
    """What the server logged since `offset` about this database: its prefixed lines and their continuations."""
    with open(path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    kept, keeping = [], False
    for line in text.splitlines():
        if line[:1] in ("\t", " ") and keeping:
            kept.append(line)
            continue
        keeping = f"@{database} " in line
        if keeping:
            kept.append(line)
    return "\n".join(kept)


# --- Searching the logs ------------------------------------------------------------------------------


def leaks(sources: dict[str, str], people=PATIENTS) -> list[str]:
    """Every line of the sources holding a patient's data: where, what, and the line."""
    needles = [(needle.lower(), needle, person) for person in people for needle in person.needles()]
    found = []
    for source, text in sources.items():
        for number, line in enumerate(text.splitlines(), 1):
            low = line.lower()
            hits = sorted({f"{needle!r} ({person.full})" for n, needle, person in needles if n in low})
            if hits:
                found.append(f"{source}:{number}: {', '.join(hits)} in: {line[:500]}")
    return found


def link_tokens(messages: list[Received]) -> set[str]:
    """The token of every patient link in the messages: each confirms, moves or cancels until the session starts."""
    tokens = set()
    for message in messages:
        text = message.message.get_body(preferencelist=("plain",)).get_content()
        tokens |= {m.group(1).split("/")[3] for m in _LINK.finditer(text)}
    return tokens


# --- The day -----------------------------------------------------------------------------------------


def _zone_at_nine() -> str:
    """A fixed-offset zone where it is between 09:00 and 10:00 now: today's sessions fit in the day."""
    offset = ((9 - timezone.now().hour + 12) % 24) - 12
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def _wall(day: dt.date, hhmm: str) -> str:
    return f"{day.isoformat()}T{hhmm}"


def _slot_after(local_now: dt.datetime, minutes: int) -> str:
    t = local_now + dt.timedelta(minutes=minutes)
    quarter = math.ceil((t.hour * 60 + t.minute + (1 if t.second else 0)) / 15) * 15
    return _wall(t.date(), f"{quarter // 60:02d}:{quarter % 60:02d}")


def build_clinic():
    zone = _zone_at_nine()
    clinic = ClinicFactory(
        name="Lakeside Infusion Center", email_name="Lakeside Health", timezone=zone, start_stagger_minutes=0,
        email="desk@lakeside.example", hours={d: [("06:00", "22:00")] for d in range(7)},
    )
    for i in range(1, 5):
        ChairFactory(clinic=clinic, name=f"Chair {i}")
    for _ in range(2):
        NurseFactory(clinic=clinic)
    protocol = ProtocolFactory(clinic=clinic, name="Two-visit course", slug="two-visit", session_count=2,
                               chair_minutes=30, min_gap_hours=20, window_days=14)
    desk = staff_user(FRONT_DESK, clinic, username="desk.morgan", password=PASSWORD)
    nurse = staff_user(CLINICIAN, clinic, username="nurse.riley", password=PASSWORD)
    return clinic, protocol, desk, nurse


def register_on_page(browser: Client, clinic, person: Person) -> int:
    ok(browser.get("/patients/new/"))
    answer = ok(browser.post("/patients/new/", {
        "clinic": clinic.pk, "first_name": person.first, "last_name": person.last,
        "date_of_birth": person.born.isoformat(), "email": person.email, "phone": person.phone,
        "timezone": clinic.timezone, "email_consent": "on", "email_consent_source": "intake form",
    }), 302)
    patient_id = int(answer.location.rstrip("/").rsplit("/", 1)[1])
    ok(browser.get(answer.location))
    return patient_id


def register_by_api(api: Client, clinic, person: Person) -> int:
    answer = ok(api.request("POST", "/api/v1/patients/", body={
        "clinic": clinic.pk, "first_name": person.first, "last_name": person.last,
        "date_of_birth": person.born.isoformat(), "email": person.email, "phone": person.phone,
        "email_consent": True, "email_consent_source": "phone call",
    }), 201)
    return answer.json()["id"]


def book_on_page(browser: Client, clinic, protocol, patient_id: int, starts: list[str]) -> int:
    base = f"/patients/{patient_id}/book/"
    wishes = {"clinic": clinic.pk, "protocol": protocol.pk, "earliest_date": starts[0][:10]}
    ok(browser.get(base, **wishes))
    days, times = [s[:10] for s in starts], [s[11:16] for s in starts]
    ok(browser.request("GET", f"{base}check/", query={**wishes, "day": days, "time": times},
                       headers={"HX-Request": "true", "HX-Target": "series"}))
    answer = ok(browser.post(f"{base}confirm/", [*wishes.items(), *(("day", d) for d in days), *(("time", t) for t in times)]), 302)
    ok(browser.get(answer.location))
    return int(answer.location.rstrip("/").rsplit("/", 2)[-2])


def book_by_api(api: Client, clinic, protocol, patient_id: int, starts: list[str]) -> int:
    answer = ok(api.request("POST", "/api/v1/cycles/", body={
        "patient": patient_id, "protocol": protocol.pk, "clinic": clinic.pk,
        "sessions": [{"starts_at": s} for s in starts],
    }), 201)
    return answer.json()["id"]


def sessions_of(api: Client, cycle_id: int) -> list[dict]:
    return sorted(ok(api.get("/api/v1/sessions/", cycle=cycle_id)).json()["results"], key=lambda s: s["sequence"])


def email_row(patient_id: int, kind: str) -> PatientEmail:
    return PatientEmail.objects.filter(patient_id=patient_id, kind=kind).latest("pk")


def the_clock_reaches_reminders(session_ids: list[int]) -> int:
    """Their reminders' hour has come (the clock moved on): due now."""
    now = timezone.now()
    return PatientEmail.objects.filter(
        session_id__in=session_ids, kind__startswith="reminder_", status=EmailStatus.PENDING
    ).update(due_at=now, send_after=now)


def the_clock_passes_start(session_id: int) -> None:
    """The session's start passed 40 minutes ago (the clock moved on): a no-show may be recorded."""
    now = timezone.now()
    InfusionSession.objects.filter(pk=session_id).update(
        starts_at=now - dt.timedelta(minutes=40), ends_at=now - dt.timedelta(minutes=10)
    )


def run_the_day(day: Day, clinic, protocol) -> None:
    """The clinic's day, through HTTP."""
    port = day.port
    tz = clinic.tz
    local_now = timezone.now().astimezone(tz)
    today = local_now.date()
    d = [today + dt.timedelta(days=n) for n in range(6)]

    # Staff sign in: one wrong password first (the lock counts it), then the pages and the API.
    stranger = Client(port)
    ok(stranger.get("/login/"))
    ok(stranger.post("/login/", {"username": "desk.morgan", "password": "not-" + PASSWORD}))
    desk = sign_in_page(port, "desk.morgan")
    nurse = sign_in_page(port, "nurse.riley")
    desk_api = sign_in_api(port, "desk.morgan")
    nurse_api = sign_in_api(port, "nurse.riley")
    ok(desk.get("/", clinic=clinic.pk, date=today.isoformat()))

    # Registration: three at the desk's form, two through the API; one phone corrected afterwards.
    ids = {}
    for person in (ZOE, INGRID, MARISOL):
        ids[person] = register_on_page(desk, clinic, person)
    for person in (BARTHOLOMEW, THADDEUS):
        ids[person] = register_by_api(desk_api, clinic, person)
    ok(desk_api.request("PATCH", f"/api/v1/patients/{ids[BARTHOLOMEW]}/", body={"phone": BARTHOLOMEW.phone}))
    ok(desk_api.get(f"/api/v1/patients/{ids[BARTHOLOMEW]}/"))

    # Searching: by name, full name, phone as typed and as digits, birth date; the page, as you type, the API.
    for person in PATIENTS:
        for term in (person.last, person.full, person.phone, person.digits, person.born.isoformat()):
            answer = ok(desk.get("/patients/", q=term))
            assert person.last in answer.text, f"{term!r} did not find {person.full}"
        ok(desk.request("GET", "/patients/", query={"q": person.first},
                        headers={"HX-Request": "true", "HX-Target": "patient-results"}))
        ok(nurse_api.get("/api/v1/patients/", search=person.full))
        ok(nurse_api.get("/api/v1/patients/", search=person.born.isoformat()))
        ok(nurse.get(f"/patients/{ids[person]}/"))

    # Courses: today's three (to be run), tomorrow's two; by the page and by the API.
    courses = {
        ZOE: book_on_page(desk, clinic, protocol, ids[ZOE], [_slot_after(local_now, 45), _wall(d[2], "10:00")]),
        BARTHOLOMEW: book_by_api(desk_api, clinic, protocol, ids[BARTHOLOMEW],
                                 [_slot_after(local_now, 60), _wall(d[2], "11:00")]),
        MARISOL: book_on_page(desk, clinic, protocol, ids[MARISOL], [_slot_after(local_now, 75), _wall(d[2], "12:00")]),
        INGRID: book_by_api(desk_api, clinic, protocol, ids[INGRID], [_wall(d[1], "10:00"), _wall(d[3], "10:00")]),
        THADDEUS: book_by_api(desk_api, clinic, protocol, ids[THADDEUS], [_wall(d[1], "11:00"), _wall(d[3], "11:00")]),
    }
    sessions = {person: sessions_of(desk_api, cycle) for person, cycle in courses.items()}

    # The confirmations go: Thaddeus's address is refused (550), Marisol's deferred once (451) then sent.
    day.deliver("the confirmations")
    for person in (ZOE, BARTHOLOMEW, INGRID, MARISOL):
        assert email_row(ids[person], "confirmation").status == EmailStatus.SENT, person
    refused = email_row(ids[THADDEUS], "confirmation")
    assert refused.status == EmailStatus.FAILED and "550" in refused.last_error, refused.last_error
    # The server's refusal quotes the address; what staff see (the row, the API, the panel) does not.
    assert THADDEUS.email not in refused.last_error and "[address]" in refused.last_error, refused.last_error
    assert email_row(ids[MARISOL], "confirmation").attempts == 2

    # The desk sees the failure (worklist, the API) and sends it again: refused again.
    ok(desk.get("/worklists/"))
    failed = ok(desk_api.get("/api/v1/reminders/", status="failed")).json()["results"]
    assert [r["id"] for r in failed] == [refused.pk]
    ok(desk.post(f"/emails/{refused.pk}/send-again/"), 302)
    day.deliver("the resent confirmation")
    assert email_row(ids[THADDEUS], "confirmation").status == EmailStatus.FAILED

    # A session moved at the desk (Ingrid's first), one cancelled by the API (Thaddeus's second).
    ingrid_first = sessions[INGRID][0]["id"]
    ok(desk.get(f"/sessions/{ingrid_first}/"))
    ok(desk.get(f"/sessions/{ingrid_first}/options/"))
    ok(desk.post(f"/sessions/{ingrid_first}/move/", {"starts_at": _wall(d[1], "14:00"), "scope": "this"}), 302)
    ok(desk_api.request("POST", f"/api/v1/sessions/{sessions[THADDEUS][1]['id']}/cancel/",
                        body={"reason": f"{THADDEUS.first} phoned: travelling", "by": "patient"}))
    day.deliver("the move and cancellation notices")
    assert email_row(ids[INGRID], "moved").status == EmailStatus.SENT

    # Patients press their links: Zoë confirms; Bartholomew cancels his second visit; Ingrid asks to move
    # the moved one, with a note naming herself.
    patient = Client(port)
    confirm = link_in(day.smtp.to(ZOE)[0], "confirm")
    ok(patient.get(confirm))
    ok(patient.post(confirm))
    (bart_confirmation,) = day.smtp.to(BARTHOLOMEW)
    cancel_links = [m.group(1) for m in _LINK.finditer(bart_confirmation.message.get_body(("plain",)).get_content())
                    if m["action"] == "cancel"]
    assert len(cancel_links) >= 2, cancel_links  # one per session of the course, in order
    other = Client(port)
    ok(other.get(cancel_links[-1]))
    ok(other.post(cancel_links[-1]))
    ingrid = Client(port)
    reschedule = link_in(day.smtp.to(INGRID)[-1], "reschedule")
    ok(ingrid.get(reschedule))
    ok(ingrid.post(reschedule, {"note": f"This is {INGRID.full}, born {INGRID.born}, call {INGRID.phone}"}))
    ok(ingrid.post(reschedule))  # pressed twice: "already asked"
    ok(Client(port).get(f"{confirm[:-2]}x/"), 400)  # a tampered link
    ok(desk.get("/worklists/"))
    day.deliver("the patient's cancellation notice")
    assert email_row(ids[BARTHOLOMEW], "cancelled").status == EmailStatus.SENT

    # Reminders: the hour of Zoë's second visit's and Ingrid's moved visit's reminders comes.
    assert the_clock_reaches_reminders([sessions[ZOE][1]["id"], ingrid_first]) >= 2
    day.sweep()
    day.deliver("the reminders")
    assert PatientEmail.objects.filter(kind__startswith="reminder_", status=EmailStatus.SENT).count() >= 2

    # The day runs: Zoë at the pages (desk checks in, nurse starts and completes), Bartholomew by the API.
    zoe_first = sessions[ZOE][0]["id"]
    ok(desk.post(f"/sessions/{zoe_first}/check-in/"), 302)
    ok(nurse_api.request("POST", f"/api/v1/sessions/{zoe_first}/checks/", body=SAFETY_CHECKS))
    ok(nurse.post(f"/sessions/{zoe_first}/start/"), 302)
    ok(nurse_api.request("POST", f"/api/v1/sessions/{zoe_first}/recovery-check/", body=RECOVERY_CHECK))
    ok(nurse.post(f"/sessions/{zoe_first}/complete/", {"reason": "Ended early, the patient asked"}), 302)
    ok(desk.get(f"/sessions/{zoe_first}/"))
    bart_first = sessions[BARTHOLOMEW][0]["id"]
    ok(desk_api.request("POST", f"/api/v1/sessions/{bart_first}/check-in/"))
    ok(nurse_api.request("POST", f"/api/v1/sessions/{bart_first}/checks/", body=SAFETY_CHECKS))
    ok(nurse_api.request("POST", f"/api/v1/sessions/{bart_first}/start/"))
    ok(nurse_api.request("POST", f"/api/v1/sessions/{bart_first}/recovery-check/", body=RECOVERY_CHECK))
    ok(nurse_api.request("POST", f"/api/v1/sessions/{bart_first}/complete/", body={"reason": "Ended early, the patient asked"}))
    # Marisol does not come: once her start has passed, the desk records a no-show.
    marisol_first = sessions[MARISOL][0]["id"]
    ok(desk.request("POST", f"/sessions/{marisol_first}/no-show/", form={},
                    headers={"HX-Request": "true", "HX-Target": "panel"}))  # too early: refused on the panel
    the_clock_passes_start(marisol_first)
    ok(desk.post(f"/sessions/{marisol_first}/no-show/"), 302)
    # ... and unsubscribes from her emails.
    unsubscribe = link_in(day.smtp.to(MARISOL)[0], "unsubscribe")
    ok(patient.get(unsubscribe))
    ok(patient.post(unsubscribe))
    # Her mail app's "Unsubscribe" button: a POST to the List-Unsubscribe URL, no cookie, no CSRF token (RFC 8058).
    one_click = urlsplit(str(day.smtp.to(MARISOL)[0].message["List-Unsubscribe"]).strip().strip("<>")).path
    ok(Client(port).request("POST", one_click, body=b"List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"}))

    # Errors a day brings: bad bookings, unknown rows, a role that may not, invalid and hostile input.
    past = ok(desk_api.request("POST", "/api/v1/cycles/", body={
        "patient": ids[ZOE], "protocol": protocol.pk, "clinic": clinic.pk,
        "sessions": [{"starts_at": _wall(today - dt.timedelta(days=1), "10:00")}, {"starts_at": _wall(d[1], "10:00")}],
    }), 400)
    assert past.json()["code"], past.text
    taken = sessions[ZOE][1]
    ok(desk_api.request("POST", "/api/v1/cycles/", body={
        "patient": ids[INGRID], "protocol": protocol.pk, "clinic": clinic.pk,
        "sessions": [{"starts_at": taken["starts_at"], "chair": taken["chair"]}, {"starts_at": _wall(d[4], "10:00")}],
    }), 400, 409)
    ok(desk.post(f"/patients/{ids[ZOE]}/book/confirm/", [
        ("clinic", clinic.pk), ("protocol", protocol.pk), ("earliest_date", today.isoformat()),
        ("day", (today - dt.timedelta(days=1)).isoformat()), ("time", "10:00"), ("day", "next tuesday"), ("time", "10:00"),
    ]))
    ok(desk_api.request("POST", "/api/v1/patients/", body={
        "clinic": clinic.pk, "first_name": ZOE.first, "last_name": ZOE.last, "date_of_birth": "1979-02-30",
        "email": ZOE.email.replace("@", " at "), "phone": f"{ZOE.phone} or ask {ZOE.first}",
    }), 400)
    ok(desk.post("/patients/new/", {
        "clinic": clinic.pk, "first_name": INGRID.first, "last_name": INGRID.last, "date_of_birth": "2999-01-01",
        "email": INGRID.email, "phone": INGRID.phone, "timezone": "Mars/Olympus_Mons", "email_consent": "on",
    }))
    ok(nurse_api.request("POST", "/api/v1/cycles/", body={
        "patient": ids[ZOE], "protocol": protocol.pk, "clinic": clinic.pk, "sessions": [{"starts_at": _wall(d[5], "10:00")}],
    }), 403)
    ok(nurse.get(f"/patients/{ids[ZOE]}/book/", protocol=protocol.pk), 403)
    ok(desk.get("/patients/999999/"), 404)
    ok(desk_api.get("/api/v1/patients/999999/"), 404)
    ok(desk_api.get(f"/api/v1/patients/{ids[ZOE]}/", clinic="abc"), 200, 400)
    ok(Client(port).get("/api/v1/patients/", search=ZOE.full), 401)
    # Hostile input: a NUL and control characters, a very long search, a deep JSON body, a request line
    # with raw spaces and bytes (a broken client), a header full of a patient's data.
    ok(desk.get("/patients/", q=f"{ZOE.first}\x00\x1b[31m{ZOE.last}"))
    ok(desk.get("/patients/", q=f"{ZOE.full} " * 60))
    ok(desk.get("/patients/", q=f"{ZOE.full} " * 700), 414)  # over gunicorn's request line limit (8190 bytes)
    ok(desk.get("/", clinic=clinic.pk, date=f"9999-12-31{ZOE.born}"))
    deep = ("[" * 900) + json.dumps(ZOE.full) + ("]" * 900)
    ok(desk_api.request("POST", "/api/v1/patients/", body=deep.encode()), 400)
    ok(desk_api.request("POST", "/api/v1/patients/", body=b'{"first_name": "' + ZOE.first.encode("latin-1") + b'"'), 400)
    ok(desk.request("GET", "/patients/", query={"q": INGRID.email},
                    headers={"X-Patient": INGRID.email, "Referer": f"https://127.0.0.1:{port}/patients/?q={quote(INGRID.full)}"}))
    raw_request(port, f"GET /patients/?q={ZOE.full} {ZOE.phone} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    raw_request(port, f"GET /patients/?q={quote(ZOE.email)} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad Header: {ZOE.email}\r\n\r\n".encode())
    raw_request(port, f"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                      f"Transfer-Encoding: chunked\r\n\r\n{ZOE.email}".encode())

    # The last of the day's emails, and signing out.
    day.deliver("the day's last emails")
    ok(desk.post("/logout/"), 302)
    ok(nurse.post("/logout/"), 302)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_a_clinic_day_leaves_no_patient_data_in_any_log(level, production_var, tmp_path, settings):
    settings.PASSWORD_HASHERS = DEFAULT_HASHERS  # the server processes check these passwords
    clinic, protocol, _, _ = build_clinic()
    pg_log = postgres_log()
    pg_offset = pg_log.stat().st_size if pg_log else 0

    # aiosmtpd's own log, kept as a control: a mail server must know the addresses, and the search finds them.
    smtp_log = tmp_path / "smtp.log"
    mail_logger = logging.getLogger("mail.log")
    handler = logging.FileHandler(smtp_log, encoding="utf-8")
    with ClinicMail() as smtp:
        mail_logger.setLevel(logging.INFO)
        mail_logger.addHandler(handler)
        started = time.monotonic()
        day = _start_day(level=level, var=production_var, tmp_path=tmp_path, smtp=smtp)
        try:
            run_the_day(day, clinic, protocol)
        finally:
            _stop_day(day)
            mail_logger.removeHandler(handler)
            handler.close()
        took = time.monotonic() - started

    sources = {name: path.read_text("utf-8", "replace") for name, path in day.logs.items()}
    if pg_log:
        # A control: a failing statement of this database, which the server logs with its text.
        marker = f"log-control-{uuid.uuid4().hex}"
        with contextlib.suppress(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0 WHERE %s <> ''", [marker])
        pg_text = wait_while_progressing(
            lambda: (text := postgres_lines(pg_log, pg_offset, connection.settings_dict["NAME"])) and marker in text and text,
            what="PostgreSQL to log the control statement",
        )
        sources["postgresql"] = pg_text
    print(f"\n{level}: the day took {took:.0f} s; {smtp.count} emails accepted, {smtp.refused} refused; "
          f"captured {', '.join(f'{k} {len(v.splitlines())} lines' for k, v in sources.items())}"
          + ("" if pg_log else "; PostgreSQL's server log is not readable from here"))

    # The controls: the capture and the search work.
    # Production logs JSON lines (LOG_FORMAT's default there): the access log's method, path and status.
    access = {(line.get("method"), line.get("path"), line.get("status")) for line in json_lines(sources["web.out"])}
    assert ("GET", "/patients/", 200) in access, sources["web.out"][-3000:]
    assert ("POST", "/api/v1/cycles/", 201) in access, sources["web.out"][-3000:]
    assert "reminder" in sources["worker"], sources["worker"][-3000:]
    assert leaks({"smtp": smtp_log.read_text("utf-8", "replace")}, [ZOE]), "the search misses an address in aiosmtpd's log"

    found = leaks(sources)
    assert not found, "patient data in the logs:\n" + "\n".join(found[:200])
    tokens = link_tokens(smtp.snapshot())
    assert tokens
    working = [f"{name}: {token}" for token in tokens for name, text in sources.items() if token in text]
    assert not working, "patient links in the logs:\n" + "\n".join(working)


@pytest.mark.parametrize(
    ("logged", "shown"),
    [
        # gunicorn refusing a request line with raw spaces: it quotes the line, query string and all.
        ("Invalid request from ip=10.0.0.9: Invalid HTTP request line: 'GET /patients/?q=Jane Doe 1985-05-17 HTTP/1.1'",
         "Invalid request from ip=10.0.0.9: Invalid HTTP request line: '[request]'"),
        ("Invalid request from ip=10.0.0.9: Invalid HTTP Header: 'X-Note jane@example.org'",
         "Invalid request from ip=10.0.0.9: Invalid HTTP Header: '[request]'"),
        ("Invalid request from ip=10.0.0.9: Request Line is too large (6326 > 4094)",
         "Invalid request from ip=10.0.0.9: Request Line is too large (6326 > 4094)"),
        ("Error handling request GET /patients/?q=jane+doe", "Error handling request GET /patients/?[query]"),
        ("GET /p/cancel/eyJzIjo0fQ:1xYutd:d02Vq1xIP0h/", "GET /p/cancel/[token]/"),
        ("Error handling request POST /p/unsubscribe/eyJzIjo0fQ:1xYutd:d02Vq1xIP0h/one-click/",
         "Error handling request POST /p/unsubscribe/[token]/one-click/"),
        ("Booting worker with pid: 19481", "Booting worker with pid: 19481"),
    ],
)
def test_gunicorn_error_log_cuts_what_clients_sent(logged, shown):
    from config.gunicorn_logging import redact_message

    assert redact_message(logged) == shown


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/patients/", "/patients/"),
        ("/p/reschedule/eyJzIjo0fQ:1xYutd:d02Vq-_x/", "/p/reschedule/[token]/"),
        # The List-Unsubscribe URL (one-click): the same token.
        ("POST /p/unsubscribe/eyJzIjo0fQ:1xYutd:d02Vq-_x/one-click/ HTTP/1.1",
         "POST /p/unsubscribe/[token]/one-click/ HTTP/1.1"),
        ("GET /patients/?q=jane HTTP/1.1", "GET /patients/?[query] HTTP/1.1"),
    ],
)
def test_gunicorn_access_log_paths_hold_no_token_or_query(path, shown):
    from config.gunicorn_logging import redact_path

    assert redact_path(path) == shown


def test_django_request_log_names_no_link_token(caplog):
    """Django's "Bad Request: <path>" line for a refused patient link passes the console handler's filter."""
    import logging

    from config.gunicorn_logging import PathFilter

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Bad Request: %s",
                               ("/p/confirm/eyJzIjo0fQ:1xYutd:d02Vq1xIP0h/",), None)
    assert PathFilter().filter(record)
    assert record.getMessage() == "Bad Request: /p/confirm/[token]/"
    # …and the project's logging configuration puts that filter on the handler every logger writes to.
    assert any(isinstance(f, PathFilter) for h in logging.getLogger().handlers for f in h.filters)
