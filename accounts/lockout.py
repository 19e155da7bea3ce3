"""What a locked-out sign-in gets back (settings.AXES_LOCKOUT_CALLABLE), on every login path, and the username
axes counts failures for (settings.AXES_USERNAME_CALLABLE).

The answer is the same whether or not the username exists: axes counts failures for any name.
"""

from __future__ import annotations

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from accounts import error_codes as codes

API_PREFIX = "/api/"


def lockout_username(request, credentials: dict | None = None) -> str | None:
    """The username a sign-in gave (axes' own choice: the credentials, else the posted form), as axes can store it.

    Django's sign-in forms put no length limit on the username they authenticate, and axes records each
    failure with it: cut to the length of axes' column, the failure is counted instead of ending in a 500.
    No account's name is that long.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    username = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]


def retry_after_seconds(request=None) -> int | None:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else None


def lockout_body() -> dict:
    return {"code": codes.LOCKED_OUT, "message": codes.LOCKED_OUT_MESSAGE, "details": {}}


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """429 in our error shape for API paths, a plain page elsewhere (the admin, the staff pages)."""
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(lockout_body(), status=429)
    else:
        html = render_to_string("accounts/locked_out.html", {"message": codes.LOCKED_OUT_MESSAGE}, request=request)
        response = HttpResponse(html, status=429)
    seconds = retry_after_seconds(request)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
