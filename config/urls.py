"""URL routes: the admin, the versioned API and its schema, the health check, patients' links, the staff pages."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts.idle import session_keepalive
from config.health import healthz
from config.metrics import metrics
from config.openapi import SchemaView
from config.views import api_not_found
from notifications.link_pages import patient_link, unsubscribe_one_click
from outcomes.pages import checkin_link
from waitlist.pages import offer_link

# Swagger UI under the site's strict Content-Security-Policy: the split view serves its start-up script as a
# file (the same URL with ?script) instead of inline, and our template (templates/api/docs.html) drops the
# inline <style>. Swagger UI's own stylesheet draws its icons as data: images: this page alone allows them.
api_docs = csp_update({"img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html")
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Prometheus' scrape, behind METRICS_TOKEN (config.metrics).
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    # Whatever else is under /api/: a JSON 404, DEBUG or not, and no slash-appending redirect (config.views).
    path("api/<path:rest>", api_not_found, name="api-not-found"),
    # Idle logout: an open page's script tells the server of input it would not otherwise see (accounts.idle).
    path("session/keepalive/", session_keepalive, name="session-keepalive"),
    # Waitlist offers: accept or decline an offered earlier appointment (signed token, no login). Before the
    # route below, which would take them; the token is the path's second segment, as the log redaction expects.
    path("p/offer-accept/<str:token>/", offer_link, {"action": "accept"}, name="waitlist-offer-accept"),
    path("p/offer-decline/<str:token>/", offer_link, {"action": "decline"}, name="waitlist-offer-decline"),
    # The check-in form of the day-before reminder (outcomes, issue 15; signed token, no login), before the route below.
    path("p/checkin/<str:token>/", checkin_link, name="outcomes-checkin"),
    # The pages behind the links in patients' emails (no login: the signed token is the authority).
    path("p/<str:action>/<str:token>/", patient_link, name="patient-link"),
    # The List-Unsubscribe URL: a mail app's one-click POST (RFC 8058), CSRF-exempt.
    path("p/unsubscribe/<str:token>/one-click/", unsubscribe_one_click, name="patient-unsubscribe-one-click"),
    # The staff pages, last: they own the site's root.
    path("", include("frontdesk.urls")),
]

handler400 = "config.views.bad_request_or_too_large"
handler404 = "config.views.not_found"
handler500 = "config.views.error"
