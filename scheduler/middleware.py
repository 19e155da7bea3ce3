"""Show and read times in the signed-in staff member's clinic time zone (the admin's forms use it)."""

import zoneinfo

from django.utils import timezone


class ClinicTimezoneMiddleware:
    """One query a request: the zone of the user's first clinic (by id), else UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tzname = None
        if user is not None and user.is_authenticated:
            tzname = user.clinics.order_by("pk").values_list("timezone", flat=True).first()
        timezone.activate(zoneinfo.ZoneInfo(tzname or "UTC"))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
