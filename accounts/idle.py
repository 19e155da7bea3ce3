"""Idle logout (HIPAA §164.312(a)(2)(iii), automatic logoff): a browser session unused for too long is signed out.

The middleware keeps the time of the session's last request in the session. A request that comes more
than settings.SESSION_IDLE_TIMEOUT_MINUTES after the one before signs the user out and is sent to the
sign-in page with a message, `next` kept, so signing in again leads back to where they were:

- a page (the staff pages, the admin) is redirected to its own sign-in page; an htmx request is told to
  load that page in full (HX-Redirect), not to swap it into a panel;
- the sign-in pages themselves are shown, with the message (the browser's own timer, frontdesk/idle.js,
  sends an unattended page there);
- the API and the keep-alive answer as they do for anyone not signed in (401/403 JSON).

Only sessions are timed: an API request authenticated by a token carries no session (the user is not known
here), so it is not affected. The page's script (idle.js) takes the screen to the sign-in page when the same
time has passed with no input, and calls `session_keepalive` when there is input the server would not see.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

#: The session key holding the time (whole seconds since the epoch) of the session's last request.
LAST_SEEN = "idle_last_seen"
API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin/"


def idle_timeout_seconds() -> int:
    return max(1, round(float(settings.SESSION_IDLE_TIMEOUT_MINUTES) * 60))


def idle_message(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        span = f"{minutes} minute{'s' if minutes != 1 else ''}"
    else:
        span = f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"You were signed out after {span} without activity."


def _login_urls() -> tuple[str, str]:
    """The staff pages' and the admin's sign-in pages."""
    return resolve_url(settings.LOGIN_URL), reverse("admin:login")


def _next_for(request: HttpRequest) -> str | None:
    """Where signing in again should lead: this page, or for a form post or an htmx call the page it came from."""
    if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
        return request.get_full_path()
    came_from = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    if not url_has_allowed_host_and_scheme(came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    parts = urlsplit(came_from)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _signed_out_answer(request: HttpRequest) -> HttpResponse | None:
    """The answer to a request whose session has just been signed out for idleness; None: let the view answer."""
    path = request.path_info
    staff_login, admin_login = _login_urls()
    if path.startswith(API_PREFIX) or path in (staff_login, admin_login, reverse("session-keepalive")):
        return None
    login_url = admin_login if path.startswith(ADMIN_PREFIX) else staff_login
    next_url = _next_for(request)
    if next_url in (staff_login, admin_login):
        next_url = None
    target = redirect_to_login(next_url, login_url) if next_url else HttpResponseRedirect(login_url)
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(target["Location"])
    return target


class IdleLogoutMiddleware:
    """Signs a browser session out after SESSION_IDLE_TIMEOUT_MINUTES without a request (module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = idle_timeout_seconds()
        # What the pages give their idle script (frontdesk/base.html, admin/base_site.html).
        request.idle_timeout_seconds = timeout  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if isinstance(last_seen, int) and now - last_seen > timeout:
                logout(request)
                messages.info(request, idle_message(timeout))
                answer = _signed_out_answer(request)
                if answer is not None:
                    return answer
            elif last_seen != now:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def session_stamp_on_login(sender, request, user, **kwargs) -> None:
    """Signing in is activity (user_logged_in, connected in AccountsConfig.ready): the session's clock starts then.

    It also restarts a clock the session kept from before (signing in again as the same user keeps the
    session's data), and spares the first request after signing in a session write.
    """
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


@require_GET
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """204 while the browser session lasts (the middleware has just counted this request as activity); 401 after."""
    if request.user.is_authenticated:
        return HttpResponse(status=204)
    return JsonResponse(
        {"code": "not_authenticated", "message": "You are not signed in.", "details": {}}, status=401
    )
