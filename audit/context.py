"""The request an audit entry is written for: its client address and (resolved late) its user."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.http import HttpRequest


def client_address(request) -> str | None:
    """The client's address, computed exactly as the login guard (django-axes) computes it.

    REMOTE_ADDR unless settings say how many proxies stand in front (AXES_IPWARE_*): a client-sent
    X-Forwarded-For is never trusted by default.
    """
    return get_client_ip_address(request)


@dataclass(frozen=True)
class RequestContext:
    request: HttpRequest
    remote_addr: str | None

    @property
    def actor(self):
        """The signed-in user, read when an entry is written, not when the request arrived.

        DRF's TokenAuthentication runs inside the view, after every middleware, and then sets
        `request._request.user`: reading it late sees the token's user.
        """
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


_current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def activate(context: RequestContext):
    return _current.set(context)


def deactivate(token) -> None:
    _current.reset(token)
