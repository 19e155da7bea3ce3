"""Errors outside any view keep the API's shape on /api/ paths."""

import pytest


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such resource.", "details": {}}


@pytest.mark.django_db
def test_an_unknown_page_elsewhere_is_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_on_an_api_path_is_json(rf):
    from config.views import error

    response = error(rf.get("/api/v1/patients/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
