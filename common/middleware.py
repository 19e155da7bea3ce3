"""Response headers for pages and API answers that may carry patient data."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

#: Neither the browser nor any proxy keeps a copy (HIPAA: patient data at rest only where we put it).
NO_STORE = "no-store, private"


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every answer built by a view, unless the view set its own.

    Every page and API answer of this app may carry patient data, or is cheap to build again. Static
    files are served before this runs (whitenoise, above it in MIDDLEWARE) and keep their long caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response
