"""GET /healthz: can this process reach its database and its broker? For load balancers and monitors.

No authentication and no detail beyond ok/error per dependency: what failed is said, never why (an
exception's text can hold hosts, users or paths). The reason goes to the log, by exception type only.
"""

from __future__ import annotations

import logging
import tempfile
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2


def check_database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _broker_folders() -> list[str]:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    return sorted({options[key] for key in ("data_folder_in", "data_folder_out", "control_folder") if options.get(key)})


def check_broker() -> bool:
    """Redis answers PING; the filesystem transport's folders accept a file; any other transport connects."""
    url = settings.CELERY_BROKER_URL
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
        try:
            return bool(client.ping())
        finally:
            client.close()
    if scheme == "filesystem":
        folders = _broker_folders()
        if not folders:
            return False
        for folder in folders:
            # os.access says yes to root on a read-only mount; writing a file is the real test.
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-"):
                pass
        return True
    from kombu import Connection

    with Connection(url, connect_timeout=TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1)
    return True


def _status(name: str, check) -> str:
    try:
        return "ok" if check() else "error"
    except Exception as exc:  # any failure is an answer here, never a 500
        logger.warning("health check: %s unreachable (%s)", name, type(exc).__name__)
        return "error"


@never_cache
@require_safe
def healthz(request):
    result = {"database": _status("database", check_database), "broker": _status("broker", check_broker)}
    healthy = all(value == "ok" for value in result.values())
    return JsonResponse({"status": "ok" if healthy else "error", **result}, status=200 if healthy else 503)


