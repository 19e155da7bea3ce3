"""Response headers (issue 11, finding 7): answers that may carry patient data are never kept by a browser or a
proxy, and every answer carries the strict Content-Security-Policy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from common.api import FRONT_DESK
from notifications import links
from tests.factories import SessionFactory, UserFactory
from tests.helpers import signed_in, staff_user

NO_STORE = "no-store, private"


def test_api_answers_with_patient_data_are_not_stored(desk, patient):
    for url in (f"/api/v1/patients/{patient.pk}/", "/api/v1/patients/", "/api/v1/sessions/"):
        response = desk.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == NO_STORE, url


def test_api_refusals_are_not_stored_either(desk):
    response = desk.get("/api/v1/patients/999999999/")
    assert response.status_code == 404
    assert response["Cache-Control"] == NO_STORE


def test_front_desk_pages_are_not_stored(clinic, patient):
    browser = Client()
    browser.force_login(staff_user(FRONT_DESK, clinic))
    for url in ("/", f"/patients/{patient.pk}/", "/patients/?q=" + patient.last_name):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == NO_STORE, url


def test_a_view_that_sets_its_own_caching_keeps_it(db):
    # The health check says never cache in its own words (Django's never_cache): left as it is.
    response = Client().get("/healthz")
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


# --- Content-Security-Policy (issue 11, finding 7) -----------------------------------------------------------
# The browser tests (tests/e2e/test_csp.py) show the pages work under it with no violation; these show every
# kind of answer carries it, enforced, and that no page loosens what matters.

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    """The enforced policy of an answer, directive by directive."""
    assert "Content-Security-Policy-Report-Only" not in response
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives: dict[str, set[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def assert_strict(response, **wider: set[str]) -> None:
    got = policy(response)
    assert got == {**STRICT, **wider}, (response.request["PATH_INFO"], got)
    for directive in ("script-src", "style-src", "default-src"):
        assert not got[directive] & {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "data:", "*"}


@pytest.fixture
def link_session(clinic):
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=10)
    return SessionFactory(cycle__patient__clinic=clinic, cycle__clinic=clinic, starts_at=starts)


def test_every_kind_of_page_sends_the_strict_policy(clinic, patient, link_session):
    desk = Client()
    desk.force_login(staff_user(FRONT_DESK, clinic))
    admin = signed_in(Client(), UserFactory(username="root", is_staff=True, is_superuser=True))
    anyone = Client()
    token = links.link_token(action=links.CONFIRM, session_id=link_session.pk, version=link_session.version,
                             expires_at=link_session.starts_at)
    pages = [
        (anyone, "/login/", 200),
        (desk, "/", 200),
        (desk, f"/patients/?q={patient.last_name}", 200),
        (desk, f"/patients/{patient.pk}/", 200),
        (desk, f"/patients/{patient.pk}/book/", 200),
        (desk, f"/sessions/{link_session.pk}/", 200),
        (desk, "/worklists/", 200),
        (desk, "/outbox/", 200),
        (desk, "/no-such-page/", 404),
        (anyone, "/admin/login/", 302),  # the staff sign-in (two-factor) is the admin's
        (admin, "/admin/", 200),
        (admin, "/admin/scheduler/clinic/", 200),
        (admin, f"/admin/scheduler/clinic/{clinic.pk}/change/", 200),
        (anyone, f"/p/confirm/{token}/", 200),
        (anyone, "/p/confirm/not-a-token/", 400),
        (desk, "/api/v1/patients/", 200),  # JSON: the header costs nothing and covers a browser opening it
    ]
    for browser, url, status in pages:
        response = browser.get(url)
        assert response.status_code == status, url
        assert_strict(response)
    # The htmx partials of a page carry it too (a swap cannot bring in what the page may not load).
    response = desk.get(f"/sessions/{link_session.pk}/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert_strict(response)


def test_the_api_docs_allow_data_images_and_nothing_else(db):
    page = Client().get("/api/docs/")
    assert page.status_code == 200
    assert_strict(page, **{"img-src": {"'self'", "data:"}})
    # Swagger UI's start-up script is a file of its own, named by the page: no inline script to allow.
    html = page.content.decode()
    assert "<script>" not in html and "<style" not in html
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert 'src="/api/docs/?script="' in html


def test_the_browsable_api_allows_style_attributes_and_nothing_else(clinic):
    desk = Client()
    desk.force_login(staff_user(FRONT_DESK, clinic))
    page = desk.get("/api/v1/patients/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert_strict(page, **{"style-src-attr": {"'unsafe-inline'"}})
    assert "<style" not in page.content.decode()  # DRF's code-highlighting <style> is left out
    assert_strict(desk.get("/api/v1/patients/"))  # its JSON: the plain policy


def test_the_pages_themselves_carry_no_inline_script_or_style(clinic, patient, link_session):
    """What the policy would refuse is not in our templates to begin with (htmx is told not to add any)."""
    desk = Client()
    desk.force_login(staff_user(FRONT_DESK, clinic))
    token = links.link_token(action=links.CANCEL, session_id=link_session.pk, version=link_session.version,
                             expires_at=link_session.starts_at)
    for browser, url in ((desk, "/"), (desk, f"/patients/{patient.pk}/"), (desk, f"/patients/{patient.pk}/book/"),
                         (desk, f"/sessions/{link_session.pk}/"), (Client(), f"/p/cancel/{token}/")):
        html = browser.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html and " style=" not in html and "hx-on" not in html, url
    day = desk.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in day and '"allowEval": false' in day


def test_a_refused_csrf_token_gets_our_page_under_the_strict_policy(clinic):
    """Django's own CSRF failure page carries an inline <style>; templates/403_csrf.html replaces it."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_user(FRONT_DESK, clinic))
    page = browser.post("/patients/new/", {"first_name": "Ann"})
    assert page.status_code == 403
    html = page.content.decode()
    assert "This form has expired" in html and "Nothing was changed" in html
    assert "<style" not in html and " style=" not in html
    assert_strict(page)
