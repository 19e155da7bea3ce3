"""Response middleware: no caching of answers that may carry patient data; the API's error shape on every /api/ error."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from common import error_codes as codes

#: Neither the browser nor any proxy keeps a copy (HIPAA: patient data at rest only where we put it).
NO_STORE = "no-store, private"

API_PREFIX = "/api/"

#: The code and message of an error Django answers itself, by status, where they differ from the status's
#: own phrase (404 `not_found` "Not found."): the codes DRF's errors get in common.api.
ERRORS_BY_STATUS = {
    400: (codes.BAD_REQUEST, codes.BAD_REQUEST_MESSAGE),
    401: ("not_authenticated", "Authentication credentials were not provided."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "No such resource."),
    413: (codes.REQUEST_TOO_LARGE, None),
    500: ("server_error", "Something went wrong on our side; it has been logged."),
}


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


def api_error_body(status: int, code: str | None = None, message: str | None = None) -> dict:
    """The error shape for an HTTP status: `{"code", "message", "details"}`."""
    default_code, default_message = ERRORS_BY_STATUS.get(status, (None, None))
    if status == 413:
        default_message = codes.REQUEST_TOO_LARGE_MESSAGE.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    phrase = HTTPStatus(status).phrase
    return {
        "code": code or default_code or phrase.lower().replace(" ", "_").replace("-", "_"),
        "message": message or default_message or f"{phrase}.",
        "details": {},
    }


def api_error(status: int, code: str | None = None, message: str | None = None) -> JsonResponse:
    return JsonResponse(api_error_body(status, code, message), status=status)


def is_json(response: HttpResponse) -> bool:
    media_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


class ApiErrorMiddleware:
    """Every error answer under /api/ is JSON in the error shape, whoever made it and whatever DEBUG says.

    DRF's errors are JSON already (common.api.exception_handler), and unknown API paths are a JSON 404
    (config.views.api_not_found). What is left are the pages Django itself makes: under DEBUG its technical
    500 page (and its 400 page for a SuspiciousOperation), which handler500/handler400 replace only when DEBUG
    is off; and any HTML error a middleware or a non-DRF view may answer. Their body becomes the error shape
    for their status; the status and every header (Allow, Retry-After, WWW-Authenticate, cookies) are kept.
    The traceback of a 500 is in the log (django.request), as without DEBUG.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or response.streaming or not request.path.startswith(API_PREFIX):
            return response
        if is_json(response):
            return response
        response.content = json.dumps(api_error_body(response.status_code)).encode()
        response["Content-Type"] = "application/json"
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
