"""Everything under /api/v1/: each app contributes its routes."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("", include("bookings.api.urls")),
    path("", include("scheduler.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("waitlist.api.urls")),
    path("", include("outcomes.api.urls")),
    path("", include("safety.api.urls")),
    path("", include("pumps.api.urls")),
]
