"""Project-level error pages: API paths answer in the API's error shape, everything else as HTML."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.defaults import bad_request, page_not_found, server_error

from common import error_codes as codes


def bad_request_or_too_large(request, exception=None):
    """Django's refusals of a request it will not read (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields).

    On the API a body too large to read is 413 `request_too_large`: the client can tell it from bad content.
    """
    if not request.path.startswith("/api/"):
        return bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        message = codes.REQUEST_TOO_LARGE_MESSAGE.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return JsonResponse({"code": codes.REQUEST_TOO_LARGE, "message": message, "details": {}}, status=413)
    return JsonResponse({"code": codes.BAD_REQUEST, "message": codes.BAD_REQUEST_MESSAGE, "details": {}}, status=400)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "No such resource.", "details": {}}, status=404)
    return page_not_found(request, exception)


def error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "server_error", "message": "Something went wrong on our side; it has been logged.", "details": {}},
            status=500,
        )
    return server_error(request)
