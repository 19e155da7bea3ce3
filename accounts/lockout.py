"""What a locked-out sign-in gets back (settings.AXES_LOCKOUT_CALLABLE), on every login path.

The answer is the same whether or not the username exists: axes counts failures for any name.
"""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from accounts import error_codes as codes

API_PREFIX = "/api/"


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
