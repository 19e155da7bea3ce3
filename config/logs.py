"""Log lines: one JSON object per line (LOG_FORMAT=json) or a plain line, each with the request id it belongs to.

A web request's id (django-guid's contextvar, from the X-Request-ID header when it is safe, else generated) rides
in the headers of every Celery task the request queues (django-guid's Celery integration), and the worker logs
the task under it: one id follows a booking from the front desk to the email it sends.

What a line holds is a fixed set of fields, never a record's `extra`: Django's request logger hands the request
itself (its repr quotes the query string, `?q=jane+doe`), and Celery's hands a task's arguments. The message
passes config.gunicorn_logging.PathFilter first (no link token, no query string).

No Django at import: gunicorn's master loads this (through config.gunicorn_logging) before the application.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

#: An X-Request-ID kept as the request's id: hex digits and dashes, 16 to 64 of them (a UUID with or without its
#: dashes, nginx's $request_id, Envoy's, Heroku's). Anything else is replaced by an id of our own: a free-form
#: header is a client's text, and a log is no place for a name someone typed there (or for a line break).
SAFE_REQUEST_ID = re.compile(r"[0-9A-Fa-f-]{16,64}")
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_META = "HTTP_X_REQUEST_ID"

#: The fields of the record a line carries besides time, level, logger and message, when set.
CONTEXT_FIELDS = ("request_id", "task_id", "task_name")
#: What an access-log line adds (config.gunicorn_logging sets them as the record's `http`).
HTTP_FIELDS = ("method", "path", "status", "bytes", "duration_ms", "remote_addr", "user_agent")


def log_format(environ: dict[str, str]) -> str:
    """LOG_FORMAT, `json` or `plain`; by default json in production (a log collector reads it), plain elsewhere
    (`make run`'s terminal). Settings and gunicorn's logger both ask here, so web's lines agree."""
    chosen = environ.get("LOG_FORMAT") or ("json" if environ.get("DJANGO_ENV") == "production" else "plain")
    if chosen not in ("json", "plain"):
        raise ValueError(f"LOG_FORMAT must be json or plain, not {chosen!r}")
    return chosen


def safe_request_id(value: str | None) -> str | None:
    return value if value and SAFE_REQUEST_ID.fullmatch(value) else None


def request_id_middleware(get_response):
    """Before django-guid's middleware: an X-Request-ID that is not a safe token is dropped, so django-guid
    generates one (it would keep any text, or log the refused one)."""

    def middleware(request):
        sent = request.META.get(_REQUEST_ID_META)
        if sent is not None and safe_request_id(sent) is None:
            del request.META[_REQUEST_ID_META]
        return get_response(request)

    return middleware


class ContextFilter(logging.Filter):
    """Sets the record's request id (django-guid's, in a request or a task) and, in a task, its id and name."""

    def filter(self, record: logging.LogRecord) -> bool:
        from celery._state import get_current_task  # Celery's own TaskFormatter reads the same
        from django_guid.context import guid  # a bare contextvar: no Django settings read

        if getattr(record, "request_id", None) is None:
            record.request_id = guid.get()
        task = get_current_task()
        if task is not None and task.request.id:
            record.task_id, record.task_name = task.request.id, task.name
        else:
            record.task_id = record.task_name = None
        return True


class PlainFormatter(logging.Formatter):
    """`make run`'s terminal: time, level, logger, the message, and the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        task = getattr(record, "task_name", None)
        task_id = getattr(record, "task_id", None)
        tags = ([f"request_id={request_id}"] if request_id else []) + ([f"task={task}[{task_id}]"] if task else [])
        if not tags:
            return line
        first, newline, rest = line.partition("\n")  # after the message, before a traceback
        return f"{first} {' '.join(tags)}{newline}{rest}"


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter writing only our fields (see the module's note on `extra`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("json_ensure_ascii", True)  # a non-ASCII name escaped, not raw bytes in a log file
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        for key in CONTEXT_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                log_data[key] = value
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            log_data.update({key: http[key] for key in HTTP_FIELDS if key in http})
        # The traceback and stack python-json-logger formatted (message_dict holds nothing else here).
        for key in ("exc_info", "stack_info"):
            if message_dict.get(key):
                log_data[key] = message_dict[key]


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """settings.LOGGING: every logger to one console handler, filtered (paths, context) and formatted."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"()": "config.logs.PlainFormatter"},
            "json": {"()": "config.logs.JsonFormatter"},
        },
        "filters": {
            # Django logs the path of every 4xx/5xx ("Bad Request: /p/confirm/<token>/"): no link token, no query.
            "paths": {"()": "config.gunicorn_logging.PathFilter"},
            "context": {"()": "config.logs.ContextFilter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["paths", "context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django-guid says at INFO, for every request and task, that it made or copied an id.
            "django_guid": {"level": "WARNING"},
        },
    }
