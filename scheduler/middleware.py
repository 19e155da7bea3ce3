"""Show and read times in the signed-in staff member's clinic time zone (the admin's forms use it), and show
times of day in that clinic's clock format (common.clock)."""

import zoneinfo

from django.utils import timezone

from common import clock


class ClinicTimezoneMiddleware:
    """One query a request: the zone and clock format of the user's first clinic (by id), else UTC and 24-hour."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tzname = clock_format = None
        if user is not None and user.is_authenticated:
            tzname, clock_format = user.clinics.order_by("pk").values_list("timezone", "clock_format").first() or (
                None,
                None,
            )
        timezone.activate(zoneinfo.ZoneInfo(tzname or "UTC"))
        token = clock.activate(clock_format)
        try:
            return self.get_response(request)
        finally:
            clock.deactivate(token)
            timezone.deactivate()
