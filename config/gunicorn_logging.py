"""gunicorn's logger (gunicorn.conf.py's `logger_class`): no patient data and no working patient link in its logs.

The access log's format already leaves out query strings and the Referer (gunicorn.conf.py). This covers the
rest of what gunicorn writes on its own:

- its error log quotes a request it could not parse, query string and all ("Invalid request from ip=…:
  Invalid HTTP request line: 'GET /patients/?q=jane doe 1985-05-17 HTTP/1.1'"; a header line it could
  not read), and names the URI of a request that failed ("Error handling request GET /patients/?q=…"):
  the quoted request and any query string are cut;
- a patient link's path holds its signed token, which confirms, moves or cancels a session until it starts
  (`/p/cancel/<token>/`), or unsubscribes its patient (`/p/unsubscribe/<token>/`, and the one-click URL of the
  emails' List-Unsubscribe header, `/p/unsubscribe/<token>/one-click/`): the access log and the error log (at
  debug, gunicorn names each path) show `/p/cancel/[token]/`, `/p/unsubscribe/[token]/one-click/`.

With LOG_FORMAT=json (production's default: config.logs.log_format) both logs are JSON lines like the
application's (config.logs.JsonFormatter): an access line holds the method, the redacted path, the status, the
size, the time taken and the request id the application answered with (its X-Request-ID header), so the access
line and the application's and the tasks' lines of one request share an id.

No Django here: gunicorn's master loads this before the application.
"""

from __future__ import annotations

import logging
import os
import re

from gunicorn import glogging  # type: ignore[import-untyped]  # no stubs, no py.typed

from config.logs import REQUEST_ID_HEADER, JsonFormatter, log_format

_LINK_TOKEN = re.compile(r"(/p/[^/\s'\"?]+/)[^/\s'\"?]+")
_QUERY = re.compile(r"\?[^\s'\"]*")
_QUOTED = re.compile(r"'.*'", re.DOTALL)


def redact_path(text: str) -> str:
    """A path or request line without its query string, and a patient link without its token."""
    return _LINK_TOKEN.sub(r"\1[token]", _QUERY.sub("?[query]", text or ""))


def redact_message(message: str) -> str:
    """gunicorn's own error-log line, with what a client sent cut from it."""
    message = redact_path(message)
    if message.startswith("Invalid request from"):
        # The rest is gunicorn's reason, quoting the bytes it refused: a request line, a header, a chunk.
        message = _QUOTED.sub("'[request]'", message)
    return message


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact_message(record.getMessage()), ()
        return True


_REDACT = _Redact()


class PathFilter(logging.Filter):
    """For Django's own loggers (settings.LOGGING): "Bad Request: /p/confirm/<token>/" names a link's path.

    A refused or expired link's token can no longer act, but a log is no place for it either.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact_path(record.getMessage()), ()
        return True


class Logger(glogging.Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        self.error_log.addFilter(_REDACT)  # the same instance each time: a reload does not stack it
        self.json = log_format(dict(os.environ)) == "json"
        if self.json:
            for handler in self.error_log.handlers + self.access_log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.json:
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        http = {
            "method": atoms["m"], "path": atoms["U"], "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"] or 0, "duration_ms": round(atoms["D"] / 1000, 1), "remote_addr": atoms["h"],
            "user_agent": atoms["a"],
        }
        request_id = atoms.get(f"{{{REQUEST_ID_HEADER.lower()}}}o")
        self.access_log.info("%s %s %s", http["method"], http["path"], http["status"],
                             extra={"http": http, "request_id": request_id})

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        atoms["r"] = redact_path(atoms["r"])
        atoms["q"] = ""
        return atoms
