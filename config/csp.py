"""The Content-Security-Policy middleware: django-csp's, with the one page kind that needs a wider policy.

settings.CONTENT_SECURITY_POLICY is the policy of every answer. DRF's browsable API (an API URL opened in a
browser) writes layout in style="" attributes throughout its templates; rather than copy them all, its
pages alone may use style attributes (style-src-attr), which run no script and load nothing. Its one
inline <style> (code highlighting for Markdown, not installed) is dropped by templates/rest_framework/api.html.
Scripts stay 'self' there as everywhere.
"""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.http import HttpRequest, HttpResponseBase
from rest_framework.renderers import BrowsableAPIRenderer


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            parts.update = {**(parts.update or {}), "style-src-attr": [UNSAFE_INLINE]}
        return parts
