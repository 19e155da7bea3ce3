"""Error reports to Sentry (sentry-sdk with its Django and Celery integrations), only when SENTRY_DSN is set.

Nothing about a patient leaves in a report. The SDK sends no personal data (send_default_pii stays False: no
user's email or name, no cookies, no client address), no local variables of a stack frame and no request body;
and every event passes `scrub` last, which keeps only what it knows holds none: the exception's type and where it
was raised (not its message: "duplicate key (email)=(…)"), the request's method and path (redacted as the logs are:
no query string, no link token), a few harmless headers, the user's id, the request id and the task's name.
"""

from __future__ import annotations

from typing import Any

from config.gunicorn_logging import redact_path

REMOVED = "[removed]"
#: Request headers an event keeps; the rest (Cookie, Authorization, Referer with a search in it) go.
KEPT_HEADERS = {"content-type", "content-length", "user-agent", "x-request-id", "host", "accept"}
#: Top-level keys an event keeps (the SDK's own description of the error, its release and environment, …).
KEPT_KEYS = {
    "event_id", "timestamp", "start_timestamp", "level", "platform", "logger", "transaction", "transaction_info",
    "server_name", "release", "environment", "dist", "sdk", "modules", "exception", "threads", "logentry", "request",
    "user", "tags", "contexts", "breadcrumbs", "fingerprint", "type", "spans", "measurements",
}


def _frames(values: list[dict[str, Any]]) -> None:
    for value in values:
        for frame in (value.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def scrub(event: Any, hint: Any = None) -> Any:
    """The event without patient data (sentry-sdk's before_send and before_send_transaction)."""
    for key in set(event) - KEPT_KEYS:
        del event[key]  # `extra` (a Celery task's arguments), anything unknown

    for value in (event.get("exception") or {}).get("values") or []:
        if value.get("value"):
            value["value"] = REMOVED
    _frames((event.get("exception") or {}).get("values") or [])
    _frames((event.get("threads") or {}).get("values") or [])

    if "logentry" in event:  # a log line: its template and arguments, as the log would show them (patient-free)
        entry = event["logentry"]
        message = entry.get("formatted") or entry.get("message") or ""
        event["logentry"] = {"message": redact_path(str(message))}

    if "request" in event:
        request = event["request"]
        url = request.get("url") or ""
        event["request"] = {
            "method": request.get("method"),
            "url": redact_path(url.split("?", 1)[0]),
            "headers": {k: v for k, v in (request.get("headers") or {}).items() if k.lower() in KEPT_HEADERS},
        }

    if "user" in event:
        user_id = (event["user"] or {}).get("id")
        event["user"] = {"id": user_id} if user_id is not None else {}

    # Breadcrumbs: what led here (log lines, SQL statements, HTTP calls): their kind and time; the SQL's text
    # (placeholders, not values) and log lines pass the path redaction; their data (parameters, URLs) goes.
    crumbs = event.get("breadcrumbs")
    if crumbs:
        values = crumbs.get("values", []) if isinstance(crumbs, dict) else crumbs
        kept = []
        for crumb in values:
            crumb = {k: crumb[k] for k in ("type", "category", "level", "timestamp", "message") if k in crumb}
            if "message" in crumb:
                crumb["message"] = redact_path(str(crumb["message"]))
            kept.append(crumb)
        event["breadcrumbs"] = {"values": kept}

    for span in event.get("spans") or []:
        span.pop("data", None)
        if span.get("description"):
            span["description"] = redact_path(str(span["description"]))

    contexts = event.get("contexts") or {}
    contexts.pop("celery_job", None)
    trace = contexts.get("trace")
    if isinstance(trace, dict):
        trace.pop("data", None)

    from django_guid.context import guid

    if guid.get():
        event.setdefault("tags", {})["request_id"] = guid.get()
    return event


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float = 0.0, transport: Any = None) -> None:
    """Start the SDK (settings does, when SENTRY_DSN is set). `transport`: the tests' in-process one."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # send_default_pii is left unset: sentry-sdk 2.75 deprecates the option (for data_collection) and reads its
        # absence as send_default_pii=False, adding its own EventScrubber too (tests/test_operability.py checks).
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=scrub,
        before_send_transaction=scrub,
        **options,
    )
