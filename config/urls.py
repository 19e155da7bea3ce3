"""URL routes: the admin, the versioned API and its schema, the health check, patients' links, the staff pages."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView

from config.health import healthz
from config.openapi import SchemaView
from notifications.link_pages import patient_link

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # The pages behind the links in patients' emails (no login: the signed token is the authority).
    path("p/<str:action>/<str:token>/", patient_link, name="patient-link"),
    # The staff pages, last: they own the site's root.
    path("", include("frontdesk.urls")),
]

handler400 = "config.views.bad_request_or_too_large"
handler404 = "config.views.not_found"
handler500 = "config.views.error"
