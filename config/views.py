"""Project-level error pages: API paths answer in the API's error shape, everything else as HTML."""

from django.core.exceptions import RequestDataTooBig
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import bad_request, page_not_found, server_error

from common.middleware import API_PREFIX, api_error


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any path under /api/ that no API route takes, with any method: 404 `not_found`, DEBUG or not.

    Without this route Django would answer its technical 404 page under DEBUG, and CommonMiddleware's
    APPEND_SLASH would redirect a path missing its final slash: a redirect a POST's body does not survive
    (under DEBUG, a 500). Here such a path is a 404 naming the path that exists. CSRF-exempt: a POST to an
    unknown path is a 404, not the CSRF failure page.
    """
    with_slash = f"{request.path_info}/"
    try:
        exists = not request.path_info.endswith("/") and resolve(with_slash).func is not api_not_found
    except Resolver404:
        exists = False
    if exists:
        return api_error(404, message=f"No such resource. API paths end in a slash: {request.path}/")
    return api_error(404)


def bad_request_or_too_large(request, exception=None):
    """Django's refusals of a request it will not read (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields).

    On the API a body too large to read is 413 `request_too_large`: the client can tell it from bad content.
    (DRF's views answer it themselves, common.api.exception_handler; this is for the rest, with DEBUG off.)
    """
    if not request.path.startswith(API_PREFIX):
        return bad_request(request, exception)
    return api_error(413 if isinstance(exception, RequestDataTooBig) else 400)


def not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return api_error(404)
    return page_not_found(request, exception)


def error(request):
    if request.path.startswith(API_PREFIX):
        return api_error(500)
    return server_error(request)
