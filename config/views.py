"""Project-level error pages: API paths answer in the API's error shape, everything else as HTML."""

from django.http import JsonResponse
from django.views.defaults import page_not_found, server_error


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
