"""Attach each request's user and address to the audit entries written while it runs."""

from __future__ import annotations

from auditlog.context import set_extra_data
from django.utils.functional import SimpleLazyObject

from audit.context import RequestContext, activate, client_address, deactivate


class AuditContextMiddleware:
    """Sets our context (for `audit.records`) and auditlog's (for its automatic Patient entries).

    The actor is lazy in both: a token-authenticated API request has no user yet at this point.
    The address is computed as django-axes computes it, not read from a client-sent header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = RequestContext(request=request, remote_addr=client_address(request))
        token = activate(context)
        try:
            extra = {"actor": SimpleLazyObject(lambda: context.actor), "remote_addr": context.remote_addr}
            with set_extra_data(context_data=extra):
                return self.get_response(request)
        finally:
            deactivate(token)
