"""GET /metrics: Prometheus' text format, for a scraper holding METRICS_TOKEN (`Authorization: Bearer <token>`).

Two kinds of figures:
- counters of what web processes did (common.metrics: bookings, sessions booked, booking conflicts). Under gunicorn
  with PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets it up) every worker process of this instance writes its
  counts there and a scrape sums them; without it (`runserver`, tests) a scrape shows the answering process's own.
  Each web instance (replica) is its own scrape target: Prometheus adds the replicas up (`sum(rate(...))`).
- gauges read from the database at each scrape (the outboxes): the same answer from any replica or process, so
  they need no aggregation (take `max` across replicas, not `sum`).

Not public: without METRICS_TOKEN set the path answers 404 as if it did not exist; with it, a request without the
token (or with another) is a 401. The figures hold no patient data, but queue ages and booking rates are the
clinic's business, and a scrape costs database queries.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from bookings.models import OPEN_EMAIL_STATUSES, EmailStatus, PatientEmail
from pumps.models import EpisodeEmail

#: Whether this process counts in multiprocess mode: prometheus_client chose how to keep values when it was first
#: imported, from the same variable (gunicorn.conf.py sets it before any worker starts).
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
#: The outboxes whose rows a sweep sends: the patients' session emails and the pump episodes' emails.
OUTBOXES: dict[str, type[PatientEmail] | type[EpisodeEmail]] = {"patient": PatientEmail, "pump_episode": EpisodeEmail}


class OutboxCollector(Collector):
    """At each scrape: how late the oldest due email still unsent is, and how many emails failed, per outbox."""

    def describe(self) -> list[GaugeMetricFamily]:
        return list(self._families())

    def _families(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "clinic_outbox_oldest_due_seconds",
            "Seconds since the oldest email still pending or sending was due (0: none overdue).",
            labels=["outbox"],
        )
        yield GaugeMetricFamily(
            "clinic_outbox_failed_emails", "Emails given up on (failed: shown to staff to resend).", labels=["outbox"]
        )

    def collect(self) -> Iterator[GaugeMetricFamily]:
        oldest, failed = self._families()
        now = timezone.now()
        for name, model in OUTBOXES.items():
            row = model.objects.aggregate(
                oldest=Min("due_at", filter=Q(status__in=OPEN_EMAIL_STATUSES, due_at__lte=now)),
                failed=Count("pk", filter=Q(status=EmailStatus.FAILED)),
            )
            oldest.add_metric([name], max((now - row["oldest"]).total_seconds(), 0.0) if row["oldest"] else 0.0)
            failed.add_metric([name], row["failed"])
        yield oldest
        yield failed


def _database_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OutboxCollector())
    return registry


def _process_registry() -> CollectorRegistry:
    """The counters: every process's of this instance summed (multiprocess mode), or this process's own."""
    if MULTIPROCESS:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _authorized(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), settings.METRICS_TOKEN.encode())


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorized(request):
        response = HttpResponse("A metrics token is required.\n", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = generate_latest(_process_registry()) + generate_latest(_database_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
