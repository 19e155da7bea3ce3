"""Show and read times in the signed-in staff member's clinic time zone (the admin's forms use it)."""

import zoneinfo

from django.utils import timezone


class ClinicTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tzname = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            tzname = request.session.get("clinic_tz")
            if tzname is None:
                clinic = user.clinics.order_by("pk").only("timezone").first()
                tzname = clinic.timezone if clinic else "UTC"
                request.session["clinic_tz"] = tzname
        if tzname:
            timezone.activate(zoneinfo.ZoneInfo(tzname))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
