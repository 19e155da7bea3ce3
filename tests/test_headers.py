"""Answers that may carry patient data are never kept by a browser or a proxy (issue 11, finding 7)."""

from __future__ import annotations

from django.test import Client

from common.api import FRONT_DESK
from tests.helpers import staff_user

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
