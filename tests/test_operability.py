"""Operability (issue 17): JSON logs with a request id that follows a request into its tasks, /metrics, Sentry.

The log test runs the real processes as production does (tests.test_log_privacy's day: gunicorn with
gunicorn.conf.py, a Celery worker, beat, DJANGO_ENV=production, so LOG_FORMAT is json by default): a cancellation
sent with an X-Request-ID queues the waitlist's task, and the worker's line for that task carries the same id.
The metrics tests read /metrics through the test client (one process) and, in the log test, through gunicorn's
two worker processes (multiprocess mode: whichever process answers, the counts are the server's).
The Sentry test sends a real event through sentry-sdk with a transport that keeps it in this process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client as DjangoClient
from django.utils import timezone

from bookings.models import EmailStatus, FreedSlot, PatientEmail
from common.api import FRONT_DESK
from config.logs import ContextFilter, JsonFormatter, PlainFormatter, log_format, safe_request_id
from pumps.models import EpisodeEmail
from tests.factories import PatientFactory, ProtocolFactory
from tests.helpers import client_for, staff_user
from tests.notifications.delivery import wait_while_progressing
from tests.test_log_privacy import (
    Client,
    ClinicMail,
    Person,
    _start_day,
    _stop_day,
    _wall,
    book_by_api,
    build_clinic,
    json_lines,
    leaks,
    ok,
    production_var,  # noqa: F401 (a fixture)
    register_by_api,
    sessions_of,
    sign_in_api,
)

METRICS_TOKEN = "scrape-" + "4f7c1e9a2b6d8e0f3a5c7b9d1e2f4a6c"
OLIVE = Person("Oluwaseun", "Kristiansdóttir", "oluwaseun.k@inbox.example", "+1 (555) 010-7788", dt.date(1971, 9, 14))


# --- The request id --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("0f8e6c2a9b7d4e5f8a1b2c3d4e5f6a7b", True),  # nginx's $request_id
        ("5b1f7a52-3c0e-4b8e-9d7a-2f6c1e0b9a84", True),  # a UUID
        ("0f8e6c2a", False),  # too short to be anyone's id
        ("a" * 65, False),
        ("Zoe-Quintanilla", False),  # a name typed into the header
        ("0f8e6c2a9b7d4e5f\r\nX-Evil: 1", False),
        ("0f8e6c2a9b7d4e5f 8a1b", False),
        ("", False),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_it_is_a_safe_token(sent, kept):
    assert (safe_request_id(sent) == sent) is kept


@pytest.mark.parametrize(
    ("environ", "chosen"),
    [({}, "plain"), ({"DJANGO_ENV": "production"}, "json"), ({"LOG_FORMAT": "plain", "DJANGO_ENV": "production"}, "plain"),
     ({"LOG_FORMAT": "json"}, "json")],
)
def test_log_format_is_json_in_production_and_plain_elsewhere_unless_told(environ, chosen):
    assert log_format(environ) == chosen


def test_log_format_refuses_anything_else():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        log_format({"LOG_FORMAT": "yaml"})


def _record(**extra) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/patients/9/",), None)
    record.__dict__.update(extra)
    return record


def test_a_json_line_holds_our_fields_and_never_a_records_extra():
    """Django's request logger hands the request itself (its repr quotes the query string): not written."""
    record = _record(request="<WSGIRequest: GET '/patients/?q=jane+doe'>", status_code=404, request_id="ab" * 16)
    line = json.loads(JsonFormatter().format(record))
    assert set(line) == {"time", "level", "logger", "message", "request_id"}
    assert line["level"] == "WARNING" and line["logger"] == "django.request" and line["message"] == "Not Found: /patients/9/"
    assert line["request_id"] == "ab" * 16
    assert dt.datetime.fromisoformat(line["time"]).utcoffset() == dt.timedelta(0)


def test_a_plain_line_names_the_request_id():
    assert PlainFormatter().format(_record(request_id="ab" * 16)).endswith(f"/patients/9/ request_id={'ab' * 16}")
    assert PlainFormatter().format(_record()).endswith("Not Found: /patients/9/")


def test_every_answer_carries_its_request_id(db, client):
    """A safe X-Request-ID is kept and answered; an unsafe one is replaced; none: one is made."""
    sent = uuid.uuid4().hex
    assert client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent
    made = client.get("/healthz", HTTP_X_REQUEST_ID="Zoe Quintanilla")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/login/")["X-Request-ID"])


def test_the_context_filter_reads_the_request_id_of_this_request(db, client, caplog):
    """What the console handler's filter puts on a record logged while a request is served."""
    sent = uuid.uuid4().hex
    seen: list[str | None] = []

    class Spy(logging.Handler):
        def emit(self, record):
            ContextFilter().filter(record)
            seen.append(record.request_id)

    spy = Spy(level=logging.WARNING)
    logging.getLogger("django.request").addHandler(spy)
    try:
        client.get("/patients/999999/", HTTP_X_REQUEST_ID=sent)  # signed out: a redirect, nothing logged
        staff = client_for(staff_user(FRONT_DESK, PatientFactory().clinic))
        staff.get("/api/v1/patients/999999/", HTTP_X_REQUEST_ID=sent)  # a 404, which Django logs
    finally:
        logging.getLogger("django.request").removeHandler(spy)
    assert sent in seen, seen


# --- /metrics --------------------------------------------------------------------------------------------


def scrape(client: DjangoClient, token: str = METRICS_TOKEN):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")


def sample(text: str, name: str, **labels) -> float | None:
    """A sample's value in Prometheus' text format, or None."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        metric, _, value = line.rpartition(" ")
        base, _, rest = metric.partition("{")
        if base == name and ",".join(sorted(rest.rstrip("}").split(","))) == wanted:
            return float(value)
    return None


def test_metrics_are_not_public(db, client, settings):
    settings.METRICS_TOKEN = ""
    assert scrape(client, "").status_code == 404  # not configured: as if there were no such page
    settings.METRICS_TOKEN = METRICS_TOKEN
    assert client.get("/metrics").status_code == 401
    assert scrape(client, "wrong-token").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {METRICS_TOKEN}").status_code == 401
    answer = scrape(client)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}").status_code == 405


@pytest.mark.frozen(dt.datetime(2027, 3, 1, 15, 0, tzinfo=dt.UTC))
def test_the_outbox_gauges_are_the_database_rows(db, client, settings, frozen):
    settings.METRICS_TOKEN = METRICS_TOKEN
    text = scrape(client).content.decode()
    assert sample(text, "clinic_outbox_oldest_due_seconds", outbox="patient") == 0
    assert sample(text, "clinic_outbox_oldest_due_seconds", outbox="pump_episode") == 0
    assert sample(text, "clinic_outbox_failed_emails", outbox="patient") == 0

    from tests.notifications.delivery import bulk_due_reminders

    now = timezone.now()
    ids = bulk_due_reminders(4, due_at=now - dt.timedelta(minutes=10), patients=2)
    PatientEmail.objects.filter(pk=ids[0]).update(due_at=now - dt.timedelta(minutes=25), status=EmailStatus.SENDING)
    PatientEmail.objects.filter(pk=ids[1]).update(due_at=now - dt.timedelta(hours=3), status=EmailStatus.SENT, sent_at=now)
    PatientEmail.objects.filter(pk=ids[2]).update(due_at=now - dt.timedelta(hours=2), status=EmailStatus.FAILED)
    PatientEmail.objects.filter(pk=ids[3]).update(due_at=now + dt.timedelta(hours=1))  # not due yet
    text = scrape(client).content.decode()
    # The oldest still unsent and due: the one being sent, 25 minutes late; sent and failed rows are not waiting.
    assert sample(text, "clinic_outbox_oldest_due_seconds", outbox="patient") == 25 * 60
    assert sample(text, "clinic_outbox_failed_emails", outbox="patient") == 1
    assert sample(text, "clinic_outbox_oldest_due_seconds", outbox="pump_episode") == 0
    assert not EpisodeEmail.objects.exists()

    frozen.shift(dt.timedelta(minutes=5))  # the wait grows with the clock, read afresh at each scrape
    assert sample(scrape(client).content.decode(), "clinic_outbox_oldest_due_seconds", outbox="patient") == 30 * 60


@pytest.mark.frozen(dt.datetime(2027, 3, 1, 14, 0, tzinfo=dt.UTC))
def test_bookings_and_conflicts_are_counted(db, client, settings, clinic, chairs, nurse, desk,
                                            django_capture_on_commit_callbacks):
    settings.METRICS_TOKEN = METRICS_TOKEN
    protocol = ProtocolFactory(clinic=clinic, session_count=2, chair_minutes=60, min_gap_hours=20, window_days=14)
    first, second = PatientFactory(clinic=clinic), PatientFactory(clinic=clinic)

    def counted() -> tuple:
        text = scrape(client).content.decode()
        return (sample(text, "clinic_bookings_total", kind="course") or 0,
                sample(text, "clinic_sessions_booked_total", kind="course") or 0,
                sample(text, "clinic_booking_conflicts_total", code="chair_conflict") or 0)

    before = counted()
    body = {"patient": first.pk, "protocol": protocol.pk, "clinic": clinic.pk,
            "sessions": [{"starts_at": "2027-03-02T10:00", "chair": chairs[0].pk},
                         {"starts_at": "2027-03-04T10:00", "chair": chairs[0].pk}]}
    with django_capture_on_commit_callbacks(execute=True):  # counted once the booking commits
        assert desk.post("/api/v1/cycles/", body, format="json").status_code == 201
    booked = counted()
    assert (booked[0] - before[0], booked[1] - before[1], booked[2] - before[2]) == (1, 2, 0)

    taken = desk.post("/api/v1/cycles/", {**body, "patient": second.pk}, format="json")
    assert taken.status_code == 409 and taken.json()["code"] == "chair_conflict", taken.content
    after = counted()
    assert (after[0] - booked[0], after[1] - booked[1], after[2] - booked[2]) == (0, 0, 1)


# --- Sentry ----------------------------------------------------------------------------------------------


def _failing_representation(self, instance):
    # Its frame's source lines go into the event (Sentry's context lines): no patient's data written near here.
    raise RuntimeError(f"could not show {instance.first_name} {instance.last_name} <{instance.email}>")


@pytest.fixture
def sentry_events():
    """sentry-sdk started as settings starts it, its events kept in this process (no network)."""
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from config.sentry import sentry_init

    events: list[dict] = []

    class Kept(Transport):
        def capture_envelope(self, envelope):
            for item in envelope.items:
                if item.type in ("event", "transaction"):
                    events.append(json.loads(item.payload.get_bytes()))

    sentry_init(dsn="https://public@sentry.clinic-tests.invalid/1", environment="test", transport=Kept)
    yield events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing is sent from here on


def test_an_error_report_holds_no_patient_data(db, settings, sentry_events, monkeypatch, clinic):
    """A real failure inside a request through the WSGI application (Sentry's Django integration wraps it): a patient
    registered by the API, the answer failing. Its event, as it would leave, holds no name, email or search."""
    from django.test.client import RequestFactory

    from bookings.api import serializers as patient_api
    from config.wsgi import application
    from tests.helpers import api_token_for

    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    user = staff_user(FRONT_DESK, clinic, username="desk.sentry", email="desk.person@clinic.example",
                      first_name="Deskfirst", last_name="Desklast")

    monkeypatch.setattr(patient_api.PatientSerializer, "to_representation", _failing_representation)
    sent = uuid.uuid4().hex
    body = json.dumps({"clinic": clinic.pk, "first_name": "Wilhelmina", "last_name": "Abernathy-Ruiz",
                       "date_of_birth": "1968-06-02", "email": "wilhelmina.ar@patients.example",
                       "phone": "+1 555 010 3344"}).encode()
    request = RequestFactory().post("/api/v1/patients/?search=wilhelmina.ar%40patients.example", body,
                                    content_type="application/json", HTTP_AUTHORIZATION=f"Token {api_token_for(user)}",
                                    HTTP_X_REQUEST_ID=sent, HTTP_COOKIE="sessionid=abc; csrftoken=def",
                                    HTTP_REFERER="https://clinic.example/patients/?q=Abernathy")
    statuses = []
    # As Django's test client does: the test's connection (and its transaction) stays open across the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        application(request.environ, lambda status, headers, exc_info=None: statuses.append(status))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses and statuses[0].startswith("500"), statuses

    assert sentry_events, "no event was reported"
    import sentry_sdk

    assert sentry_sdk.get_client().should_send_default_pii() is False
    event = next(e for e in sentry_events if e.get("exception"))
    # Controls: the failure, the request and its id are there.
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["request"]["method"] == "POST" and event["request"]["url"].endswith("/api/v1/patients/")
    assert event["request"]["headers"]["X-Request-Id"] == sent or event["request"]["headers"].get("X-Request-ID") == sent
    assert event["tags"]["request_id"] == sent
    assert event.get("user") in (None, {}, {"id": str(user.pk)}, {"id": user.pk})
    dumped = json.dumps(event)
    for needle in ("Wilhelmina", "Abernathy", "wilhelmina.ar", "1968-06-02", "010 3344", "desk.person@", "Deskfirst",
                   "Desklast", "desk.sentry", "search", "sessionid", "csrftoken", "Token "):
        assert needle not in dumped, f"{needle!r} in {dumped[max(0, dumped.find(needle) - 600):dumped.find(needle) + 200]}"
    assert set(event["request"]) <= {"method", "url", "headers"}
    for value in event["exception"]["values"]:
        for frame in (value.get("stacktrace") or {}).get("frames") or []:
            assert "vars" not in frame


def test_the_scrubber_keeps_only_ids_of_a_celery_event():
    from config.sentry import scrub

    event = {
        "event_id": "e" * 32, "level": "error",
        "exception": {"values": [{"type": "SMTPRecipientsRefused", "value": "{'zoe@mailbox.example': (550, b'no')}",
                                  "stacktrace": {"frames": [{"function": "email_send", "vars": {"to": "zoe@mailbox.example"}}]}}]},
        "extra": {"celery-job": {"task_name": "notifications.tasks.reminder_send", "args": [12], "kwargs": {}}},
        "contexts": {"trace": {"trace_id": "t" * 32, "data": {"messaging.message.body": "zoe"}}},
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT 1 FROM patient WHERE email = %s",
                                    "data": {"params": ["zoe@mailbox.example"]}},
                                   {"category": "httplib", "message": "GET /p/cancel/eyJzIjo0fQ:1xYutd:d0/?q=zoe",
                                    "data": {"url": "https://x.example/?q=zoe"}}]},
        "user": {"id": 7, "email": "desk@clinic.example", "username": "desk.morgan", "ip_address": "203.0.113.7"},
    }
    scrubbed = scrub(event, {})
    assert "zoe" not in json.dumps(scrubbed) and "desk" not in json.dumps(scrubbed)
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["exception"]["values"][0]["type"] == "SMTPRecipientsRefused"
    assert scrubbed["breadcrumbs"]["values"][0]["message"] == "SELECT 1 FROM patient WHERE email = %s"
    assert scrubbed["breadcrumbs"]["values"][1]["message"] == "GET /p/cancel/[token]/?[query]"


# --- The real processes ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_requests_id_follows_it_into_the_task_it_queued(production_var, tmp_path, settings):  # noqa: F811
    from tests.test_log_privacy import DEFAULT_HASHERS

    settings.PASSWORD_HASHERS = DEFAULT_HASHERS
    clinic, protocol, _, _ = build_clinic()
    request_id = uuid.uuid4().hex
    with ClinicMail() as smtp:
        day = _start_day(level="INFO", var=production_var, tmp_path=tmp_path, smtp=smtp,
                         extra_env={"METRICS_TOKEN": METRICS_TOKEN})
        try:
            port = day.port
            api = sign_in_api(port, "desk.morgan")
            patient_id = register_by_api(api, clinic, OLIVE)
            today = timezone.now().astimezone(clinic.tz).date()
            starts = [_wall(today + dt.timedelta(days=2), "10:00"), _wall(today + dt.timedelta(days=4), "10:00")]
            cycle = book_by_api(api, clinic, protocol, patient_id, starts)
            booked = sessions_of(api, cycle)
            session = booked[1]
            # A second course on the same chair at the same times: refused, counted.
            other = register_by_api(api, clinic, Person("Other", "Patient", "other@inbox.example", "555-010-0000",
                                                        dt.date(1980, 1, 1)))
            ok(api.request("POST", "/api/v1/cycles/", body={
                "patient": other, "protocol": protocol.pk, "clinic": clinic.pk,
                "sessions": [{"starts_at": s, "chair": b["chair"]} for s, b in zip(starts, booked, strict=True)],
            }), 409)
            # The cancellation frees the chair: after the commit web queues the waitlist's task (FreedSlot).
            cancelled = api.request("POST", f"/api/v1/sessions/{session['id']}/cancel/",
                                    body={"reason": f"{OLIVE.first} phoned", "by": "patient"},
                                    headers={"X-Request-ID": request_id})
            ok(cancelled)
            assert cancelled.headers["X-Request-ID"] == request_id
            wait_while_progressing(lambda: FreedSlot.objects.filter(handled_at__isnull=False).exists(),
                                   progress=lambda: day.logs["worker"].stat().st_size, what="the freed slot's task")

            # Counts of the whole server, whichever of its two worker processes answers (multiprocess mode).
            scrapes = [Client(port).request("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
                       for _ in range(6)]
            for scraped in scrapes:
                text = ok(scraped).text
                assert sample(text, "clinic_bookings_total", kind="course") == 1, text
                assert sample(text, "clinic_sessions_booked_total", kind="course") == 2, text
                assert sample(text, "clinic_booking_conflicts_total", code="chair_conflict") == 1, text
            assert ok(Client(port).request("GET", "/metrics"), 401)
        finally:
            _stop_day(day)

    web, worker = (day.logs[name].read_text("utf-8", "replace") for name in ("web.out", "worker"))
    access = [line for line in json_lines(web) if line.get("request_id") == request_id]
    assert [(a["logger"], a["method"], a["status"]) for a in access] == [("gunicorn.access", "POST", 200)], web[-3000:]
    assert access[0]["path"] == f"/api/v1/sessions/{session['id']}/cancel/"
    assert set(access[0]) >= {"time", "level", "logger", "message", "request_id"}
    tasks = [line for line in json_lines(worker) if line.get("request_id") == request_id]
    assert tasks, worker[-3000:]
    assert {t.get("task_name") for t in tasks} == {"waitlist.tasks.freed_slot_offer"}, tasks
    assert all(t.get("task_id") for t in tasks) and any("succeeded" in t["message"] for t in tasks), tasks
    # Every line the loggers wrote is a JSON object (Celery's start-up banner, printed before logging starts, aside).
    for name, text in (("web.out", web), ("web.err", day.logs["web.err"].read_text()), ("worker", worker)):
        for line in text.splitlines():
            if line.startswith("{"):
                assert set(json.loads(line)) >= {"time", "level", "logger", "message"}, f"{name}: {line}"
    # And no patient data in any of it (tests.test_log_privacy searches a whole day; this is the booking flow).
    sources = {name: path.read_text("utf-8", "replace") for name, path in day.logs.items()}
    found = leaks(sources, [OLIVE])
    assert not found, "\n".join(found)
    assert connection.vendor == "postgresql"
