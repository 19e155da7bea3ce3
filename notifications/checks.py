"""Deployment checks of what patients' emails point to (`manage.py check --deploy`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs=None, **kwargs) -> list[Warning]:
    """Patients' links (confirm, reschedule, one-click unsubscribe) carry signed tokens: in production they must
    travel over TLS, and the links are built from SITE_URL, scheme included."""
    url = urlsplit(settings.SITE_URL)
    if url.scheme == "https" and url.hostname:
        return []
    return [Warning(
        f"SITE_URL is {settings.SITE_URL!r}: the links in patients' emails would not use https.",
        hint="Set SITE_URL to the https address patients reach this deployment at, e.g. https://clinic.example.com.",
        id="notifications.W001",
    )]
