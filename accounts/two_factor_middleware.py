"""Until a signed-in session has given its second factor (or set one up, when it must), it reaches nothing else.

After django_otp.middleware.OTPMiddleware, which tells whether the session is verified. Pages send the visitor
to the step they owe, with `next` kept; API calls made with the session are refused with 403
`two_factor_required` (a call carrying its own Authorization header is judged by that alone: the session is set
aside). The steps themselves, signing out, the token endpoint and the public pages (health check, patients'
links) stay open.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts import error_codes as codes
from accounts.lockout import API_PREFIX
from accounts.two_factor import Step, step_owed

#: Views any session may reach, whatever it owes (URL names).
OPEN_VIEWS = frozenset({"healthz", "patient-link", "auth-token", "frontdesk:logout"})
#: The page of each step (URL names).
STEP_VIEWS = {Step.VERIFY: "frontdesk:login-verify", Step.SETUP: "frontdesk:two-factor-setup"}


def step_url(step: Step, next_url: str = "") -> str:
    url = reverse(STEP_VIEWS[step])
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else url


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in OPEN_VIEWS:
            return None
        step = step_owed(getattr(request, "user", None))
        if step is None or name == STEP_VIEWS[step]:
            return None
        if request.path.startswith(API_PREFIX):
            if "HTTP_AUTHORIZATION" in request.META:
                request.user = AnonymousUser()
                return None
            body = {"code": codes.TWO_FACTOR_REQUIRED, "message": codes.TWO_FACTOR_REQUIRED_MESSAGE, "details": {}}
            return JsonResponse(body, status=403)
        target = step_url(step, request.get_full_path() if request.method == "GET" else "")
        if getattr(request, "htmx", False):
            # htmx would swap the step's page into a fragment: ask it to load the page whole instead.
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
