"""Every error under /api/ is JSON in the error shape, DEBUG on or off, whoever answers it; URLs up to 8 KB get through.

Each refusal an integrator can meet is sent with real token authentication, under DEBUG=False and DEBUG=True
(`make run`'s default): unknown paths and paths without their final slash, methods a path does not have, Accept
headers ruling JSON out, bodies that are not JSON, too large or unreadable, no credentials, the wrong role, a
request Django itself refuses (a malformed Host), and an exception in a view. A control shows that DEBUG really
is on where the test says so: the same process answers Django's technical pages outside /api/.

This module is also the URLconf of the tests marked `urls(__name__)`: the project's routes plus a few views
that fail in ways no real view does (an exception, a Http404 or an HTML 405 outside DRF).
"""

from __future__ import annotations

import http.client
import re
import subprocess
import time

import pytest
from django.http import Http404, HttpResponseNotAllowed
from django.test import Client, override_settings
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient

from common.api import ADMIN, CLINICIAN
from config.urls import handler400, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns
from tests.factories import ClinicFactory
from tests.helpers import api_token_for, staff_user
from tests.test_project import ROOT, bare_env, closed_port, tool

API = "/api/v1"
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
TOO_LARGE = '{"name": "' + "a" * (3 * 1024 * 1024) + '"}'  # over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


# --- The URLconf of the tests marked urls(__name__) -----------------------------------------------


@api_view(["GET"])
@permission_classes([AllowAny])
def drf_boom(request):
    raise RuntimeError("a bug in a DRF view")


def plain_boom(request):
    raise RuntimeError("a bug in a plain view")


def plain_missing(request):
    raise Http404("nothing here")


def plain_get_only(request):
    return HttpResponseNotAllowed(["GET"])  # Django's own 405: an HTML page with its Allow header


urlpatterns = [
    path("api/v1/test/drf-boom/", drf_boom),
    path("api/v1/test/plain-boom/", plain_boom),
    path("api/v1/test/plain-missing/", plain_missing),
    path("api/v1/test/plain-get-only/", plain_get_only),
    *project_urlpatterns,
]


# --- The requests -----------------------------------------------------------------------------------


@pytest.fixture
def tokens(db):
    clinic = ClinicFactory()
    return {role: api_token_for(staff_user(role, clinic)) for role in (ADMIN, CLINICIAN)}


def client(token: str | None = None) -> APIClient:
    api = APIClient()
    api.raise_request_exception = False  # exceptions are answered, as in production, not raised into the test
    if token:
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


#: (name, who, method, path, request keywords, status, code)
CASES = [
    ("unknown path", ADMIN, "get", f"{API}/no-such-thing/", {}, 404, "not_found"),
    ("unknown path, POST without CSRF or credentials", None, "post", f"{API}/no-such-thing/", {}, 404, "not_found"),
    ("unknown version", None, "get", "/api/v2/patients/", {}, 404, "not_found"),
    ("the API's root", None, "get", "/api/", {}, 404, "not_found"),
    ("under the docs", None, "get", "/api/docs/more/", {}, 404, "not_found"),
    ("no final slash", ADMIN, "get", f"{API}/patients", {}, 404, "not_found"),
    # APPEND_SLASH would redirect (losing the body); under DEBUG it raised a RuntimeError, a 500.
    ("no final slash, POST", ADMIN, "post", f"{API}/patients", {"data": "{}", "content_type": "application/json"},
     404, "not_found"),
    ("an id that is not a number", ADMIN, "get", f"{API}/patients/abc/", {}, 404, "not_found"),
    ("a method the collection lacks", ADMIN, "put", f"{API}/cycles/", {}, 405, "method_not_allowed"),
    # The method is checked before credentials and roles: it was a 401, and a 403 naming no role.
    ("a method the collection lacks, no credentials", None, "put", f"{API}/cycles/", {}, 405, "method_not_allowed"),
    ("a method the collection lacks, a role that may not", CLINICIAN, "delete", f"{API}/clinics/", {}, 405,
     "method_not_allowed"),
    ("Accept: application/xml", ADMIN, "get", f"{API}/patients/", {"HTTP_ACCEPT": "application/xml"}, 406,
     "not_acceptable"),
    # The browsable API may render what a browser asks for; never an error.
    ("Accept: text/html, an error", ADMIN, "get", f"{API}/patients/999999/", {"HTTP_ACCEPT": "text/html"}, 404,
     "not_found"),
    ("Accept: text/html, no credentials", None, "get", f"{API}/patients/", {"HTTP_ACCEPT": "text/html"}, 401,
     "not_authenticated"),
    ("the schema, Accept: text/html", None, "get", "/api/schema/", {"HTTP_ACCEPT": "text/html"}, 406, "not_acceptable"),
    ("the docs, a method they lack", None, "delete", "/api/docs/", {}, 405, "method_not_allowed"),
    ("a form body", ADMIN, "post", f"{API}/clinics/", {"data": "name=x", "content_type": "application/x-www-form-urlencoded"},
     415, "unsupported_media_type"),
    ("a text body", ADMIN, "post", f"{API}/clinics/", {"data": "x", "content_type": "text/plain"}, 415,
     "unsupported_media_type"),
    ("a body over 2.5 MB", ADMIN, "post", f"{API}/clinics/", {"data": TOO_LARGE, "content_type": "application/json"},
     413, "request_too_large"),
    ("a body over 2.5 MB, before signing in", None, "post", f"{API}/auth/token/",
     {"data": TOO_LARGE, "content_type": "application/json"}, 413, "request_too_large"),
    ("JSON that does not parse", ADMIN, "post", f"{API}/clinics/", {"data": "{bad", "content_type": "application/json"},
     400, "parse_error"),
    ("no credentials", None, "get", f"{API}/patients/", {}, 401, "not_authenticated"),
    ("a token that does not exist", "0" * 64, "get", f"{API}/patients/", {}, 401, "authentication_failed"),
    ("a role that may not", CLINICIAN, "post", f"{API}/clinics/", {"data": {}, "format": "json"}, 403, "permission_denied"),
    # Django refuses it before any view (DisallowedHost, a SuspiciousOperation): handler400, or DEBUG's page.
    ("a malformed Host header", None, "get", f"{API}/patients/", {"HTTP_HOST": "bad host!"}, 400, "bad_request"),
]


def send(tokens, who, method, path_, kwargs):
    token = tokens.get(who, who)
    return getattr(client(token), method)(path_, **kwargs)


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].split(";")[0] == "application/json", response["Content-Type"]
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["message"], body
    assert body["code"] == code, body
    return body


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize(("name", "who", "method", "path_", "kwargs", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_every_refusal_is_json_in_the_error_shape(tokens, debug, name, who, method, path_, kwargs, status, code):
    with override_settings(DEBUG=debug):
        response = send(tokens, who, method, path_, kwargs)
    body = assert_json_error(response, status, code)
    if status == 405:
        assert response["Allow"] and method.upper() not in response["Allow"], response["Allow"]
    if status == 401:
        assert response["WWW-Authenticate"] == "Token", response.headers
    if name.startswith("no final slash"):
        assert body["message"].endswith(f"{path_}/"), body
    # Where the request is one of the schema's operations, the schema documents the status (common.openapi).
    operation = SCHEMA["paths"].get(re.sub(r"/\d+/", "/{id}/", path_), {}).get(method)
    if operation is not None:
        assert str(status) in operation["responses"], (method, path_, sorted(operation["responses"]))


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_outside_the_api_errors_stay_pages(debug):
    """The control: the same requests outside /api/ get HTML, and Django's technical page when DEBUG is on,
    so the DEBUG=True cases above did run Django's DEBUG branch (and were not answered by handler404)."""
    with override_settings(DEBUG=debug):
        response = Client(raise_request_exception=False).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    technical = "Using the URLconf defined in" in response.content.decode()
    assert technical is debug


@pytest.mark.urls(__name__)
@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize(
    ("path_", "method", "status", "code"),
    [
        ("/api/v1/test/drf-boom/", "get", 500, "server_error"),
        ("/api/v1/test/plain-boom/", "get", 500, "server_error"),
        ("/api/v1/test/plain-missing/", "get", 404, "not_found"),
        ("/api/v1/test/plain-get-only/", "post", 405, "method_not_allowed"),
    ],
    ids=["exception-in-a-drf-view", "exception-in-a-plain-view", "http404-in-a-plain-view", "html-405"],
)
def test_what_django_answers_itself_under_api_is_json_too(debug, path_, method, status, code):
    with override_settings(DEBUG=debug):
        response = getattr(Client(raise_request_exception=False), method)(path_)
        outside = Client(raise_request_exception=False).get(path_.replace("/api/v1/", "/no-api/"))
    assert_json_error(response, status, code)
    if status == 405:
        assert response["Allow"] == "GET"
    assert int(response["Content-Length"]) == len(response.content)
    assert outside["Content-Type"].startswith("text/html")  # not under /api/: Django's page, untouched


# --- The web server: URLs up to 8 KB reach the app ---------------------------------------------------


def request_line_answer(port: int, target: str) -> tuple[int, bytes, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Content-Type") or ""
    finally:
        connection.close()


@pytest.mark.slow  # starts gunicorn
def test_gunicorn_reads_request_lines_up_to_its_maximum(tmp_path):
    """gunicorn.conf.py's limit_request_line: a URL of 8,000 bytes reaches Django (a JSON 404 from the app); one
    past gunicorn's maximum request line (8190 bytes) is gunicorn's 414, as documented in API_CONVENTIONS.md."""
    port = closed_port()
    env = bare_env(HOME=str(tmp_path), CLINIC_VAR_DIR=str(tmp_path / "var"), WEB_HOST="127.0.0.1", PORT=str(port),
                   WEB_CONCURRENCY="1")
    web = subprocess.Popen([tool("gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi:application"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    long_target = f"{API}/patients/?q=" + "a" * (8000 - len(f"{API}/patients/?q="))
    assert len(long_target) == 8000
    too_long = f"{API}/patients/?q=" + "a" * 8200
    try:
        answer = None
        while answer is None and web.poll() is None:
            try:
                answer = request_line_answer(port, long_target)
            except OSError:  # not listening yet, or its worker still booting
                time.sleep(0.2)
        refused = request_line_answer(port, too_long) if answer else None
    finally:
        web.terminate()
        stdout, stderr = web.communicate(timeout=30)
    assert answer is not None, f"gunicorn exited:\n{stdout}\n{stderr}"
    status, body, content_type = answer
    # Django read it: no credentials, so the API's 401, in the error shape.
    assert (status, content_type.split(";")[0]) == (401, "application/json"), (status, body[:300], stderr[-2000:])
    assert refused is not None and refused[0] == 414, refused
