"""Hostile request bodies on the API: deep nesting, oversized bodies and slug probing get the error shape."""

from __future__ import annotations

import pytest
from django.contrib import admin as django_admin
from django.core.exceptions import ValidationError

from common.api import ADMIN
from scheduler.models import Clinic
from tests.factories import ClinicFactory, NurseFactory, PatientFactory
from tests.helpers import assert_error, client_for, staff_user

pytestmark = pytest.mark.slow  # megabyte bodies and deep nesting against every endpoint: make test runs them

API = "/api/v1"

#: 2 KB that sent Python's JSON parser into a RecursionError (a 500) before the depth limit.
NESTED = "[" * 990 + "]" * 990


@pytest.fixture
def home(db):
    return ClinicFactory()


@pytest.fixture
def admin(home):
    return staff_user(ADMIN, home)


def test_deeply_nested_json_to_the_token_endpoint_is_a_400_without_sign_in(db):
    response = client_for().post(f"{API}/auth/token/", NESTED, content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_json_nested_just_below_the_recursion_limit_is_refused_as_well(db):
    # Python parses 200 levels happily; what comes after (validation, rendering, storage) need not.
    body = '{"username": ' + "[" * 200 + "]" * 200 + ', "password": "x"}'
    response = client_for().post(f"{API}/auth/token/", body, content_type="application/json")
    assert_error(response, 400, "parse_error")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/clinics/"),
        ("patch", "/clinics/{clinic}/"),
        ("post", "/chairs/"),
        ("patch", "/staff/{nurse}/"),
        ("post", "/protocols/"),
        ("post", "/patients/"),
        ("patch", "/patients/{patient}/"),
        ("post", "/cycles/"),
    ],
)
def test_deeply_nested_json_to_a_write_endpoint_is_a_400(home, admin, method, path):
    ids = {"clinic": home.pk, "nurse": NurseFactory(clinic=home).pk, "patient": PatientFactory(clinic=home).pk}
    client = client_for(admin)
    response = getattr(client, method)(API + path.format(**ids), NESTED, content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_ordinary_nesting_still_parses(home, admin):
    hours = [{"weekday": 0, "opens": "08:00", "closes": "18:00"}]
    response = client_for(admin).patch(f"{API}/clinics/{home.pk}/", {"opening_hours": hours}, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "[" * 40 + "]" * 40], ids=["past-recursion-limit", "40"])
def test_the_admins_json_fields_refuse_deep_nesting(rf, admin_user, text):
    """The one JSON read outside the API: a JSON field's text in the admin's forms (reminder offsets)."""
    request = rf.get("/")
    request.user = admin_user
    field = django_admin.site._registry[Clinic].get_form(request).base_fields["reminder_offsets_hours"]
    with pytest.raises(ValidationError):
        field.clean(text)
    assert field.clean("[72, 24]") == [72, 24]


@pytest.mark.parametrize(("content_type", "status", "code"), [
    ("application/json", 413, "request_too_large"),
    # The API reads JSON only: another media type is refused before its body is read.
    ("application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("multipart/form-data; boundary=x", 415, "unsupported_media_type"),
])
def test_a_5_mb_body_is_refused_in_the_error_shape(db, content_type, status, code):
    body = '{"username": "' + "a" * (5 * 1024 * 1024) + '", "password": "x"}'
    response = client_for().post(f"{API}/auth/token/", body, content_type=content_type)
    assert response["Content-Type"] == "application/json"
    assert_error(response, status, code)


def test_a_5_mb_body_to_a_signed_in_write_endpoint_is_a_413(home, admin):
    body = '{"name": "' + "a" * (5 * 1024 * 1024) + '"}'
    response = client_for(admin).patch(f"{API}/clinics/{home.pk}/", body, content_type="application/json")
    assert_error(response, 413, "request_too_large")


class TestClinicSlugsDoNotLeak:
    """An admin sees only their clinics: another clinic's slug is as good as free to them."""

    def test_another_clinics_slug_can_be_taken(self, home, admin):
        hidden, also_hidden = ClinicFactory(slug="hidden-clinic"), ClinicFactory(slug="also-hidden")
        client = client_for(admin)
        response = client.patch(f"{API}/clinics/{home.pk}/", {"slug": hidden.slug}, format="json")
        assert response.status_code == 200, response.content
        body = {"name": "Second site", "slug": also_hidden.slug, "timezone": "America/New_York"}
        assert client.post(f"{API}/clinics/", body, format="json").status_code == 201

    def test_a_slug_of_one_of_my_clinics_is_still_refused(self, home, admin):
        mine = ClinicFactory(slug="my-other-site")
        mine.staff.add(admin)
        response = client_for(admin).patch(f"{API}/clinics/{home.pk}/", {"slug": mine.slug}, format="json")
        assert_error(response, 400, "validation_error", "slug")
