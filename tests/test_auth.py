"""Signing in: the API token endpoint, and the brute-force guard on every login path.

Tokens themselves (expiry, devices, signing out, deactivation) are tests/test_tokens.py's.

The guard locks a (username, address) pair after 5 failures for 30 minutes; the address is REMOTE_ADDR
(a client-sent X-Forwarded-For is not trusted unless settings say proxies stand in front).
"""

from __future__ import annotations

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.views import LoginView
from django.urls import include, path
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts import error_codes as codes
from common.api import ADMIN
from tests.factories import ClinicFactory, UserFactory
from tests.helpers import api_token_user, staff_user, totp_code, totp_device

# The session login the staff pages will use: Django's own view, mounted here for the test.
urlpatterns = [
    path("t/login/", LoginView.as_view(template_name="admin/login.html"), name="test-login"),
    path("", include("config.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
HOME = "198.51.100.10"  # the real user's own address
ELSEWHERE = "198.51.100.20"
ATTACKER = "203.0.113.66"

GENERIC_REFUSAL = {"code": codes.INVALID_CREDENTIALS, "message": codes.INVALID_CREDENTIALS_MESSAGE, "details": {}}
GENERIC_LOCKOUT = {"code": codes.LOCKED_OUT, "message": codes.LOCKED_OUT_MESSAGE, "details": {}}


@pytest.fixture
def frontdesk():
    return UserFactory(username="frontdesk")


@pytest.fixture
def api():
    return APIClient()


def sign_in(api, username, password, address):
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def fail_times(api, n, username, address):
    return [sign_in(api, username, "wrong-password", address).status_code for _ in range(n)]


# --- The token endpoint ----------------------------------------------------------------------------


def test_right_credentials_give_a_new_token_at_each_sign_in(api, frontdesk):
    first = sign_in(api, "frontdesk", PASSWORD, HOME)
    assert first.status_code == 200, first.content
    assert set(first.json()) == {"token", "expires_at"}
    assert api_token_user(first.json()["token"]) == frontdesk
    again = sign_in(api, "frontdesk", PASSWORD, ELSEWHERE)
    assert again.json()["token"] != first.json()["token"]  # a token per device
    assert api_token_user(again.json()["token"]) == api_token_user(first.json()["token"]) == frontdesk
    frontdesk.refresh_from_db()
    assert frontdesk.last_login is not None


def test_a_form_encoded_sign_in_is_refused_json_only(api, frontdesk):
    response = api.generic(
        "POST", TOKEN_URL, f"username=frontdesk&password={PASSWORD}", "application/x-www-form-urlencoded", REMOTE_ADDR=HOME
    )
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize("case", ["wrong password", "unknown user", "inactive user"])
def test_every_refusal_is_the_same_generic_answer(api, frontdesk, case):
    UserFactory(username="gone", is_active=False)
    username, password = {
        "wrong password": ("frontdesk", "not-it"),
        "unknown user": ("nobody-by-that-name", PASSWORD),
        "inactive user": ("gone", PASSWORD),
    }[case]
    response = sign_in(api, username, password, HOME)
    assert response.status_code == 400
    assert response.json() == GENERIC_REFUSAL
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"username": "frontdesk"}, "password"), ({"password": PASSWORD}, "username"), ({}, "username")],
)
def test_missing_fields_are_a_validation_error(api, frontdesk, body, field):
    response = api.post(TOKEN_URL, body, format="json", REMOTE_ADDR=HOME)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "validation_error" and field in data["details"]
    assert not AccessAttempt.objects.exists()  # not a sign-in attempt at all


def test_only_post_is_allowed(api):
    response = api.get(TOKEN_URL, REMOTE_ADDR=HOME)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# --- The brute-force guard on the token endpoint ---------------------------------------------------


def test_fifty_failures_from_rotating_addresses_do_not_lock_the_real_user_out(api, frontdesk):
    for i in range(50):
        response = sign_in(api, "frontdesk", f"guess-{i}", f"203.0.113.{i + 1}")
        assert response.status_code == 400, (i, response.content)
    response = sign_in(api, "frontdesk", PASSWORD, HOME)
    assert response.status_code == 200, response.content
    assert api_token_user(response.json()["token"]) == frontdesk


def test_five_failures_from_one_address_lock_that_address_for_that_user(api, frontdesk):
    assert fail_times(api, 4, "frontdesk", ATTACKER) == [400] * 4
    fifth = sign_in(api, "frontdesk", "wrong-password", ATTACKER)
    assert fifth.status_code == 429
    assert fifth.json() == GENERIC_LOCKOUT

    locked = sign_in(api, "frontdesk", PASSWORD, ATTACKER)  # even with the right password
    assert locked.status_code == 429
    assert locked.json() == GENERIC_LOCKOUT
    assert locked["Retry-After"] == "1800"
    assert not AuthToken.objects.exists()

    # The same user from their own address, and another user from the locked address, still get in.
    assert sign_in(api, "frontdesk", PASSWORD, HOME).status_code == 200
    UserFactory(username="clinician")
    assert sign_in(api, "clinician", PASSWORD, ATTACKER).status_code == 200


def test_the_lockout_does_not_tell_whether_the_user_exists(api, frontdesk):
    fail_times(api, 5, "frontdesk", ATTACKER)
    fail_times(api, 5, "no-such-user", ATTACKER)
    known = sign_in(api, "frontdesk", PASSWORD, ATTACKER)
    unknown = sign_in(api, "no-such-user", PASSWORD, ATTACKER)
    assert known.status_code == unknown.status_code == 429
    assert known.json() == unknown.json() == GENERIC_LOCKOUT
    assert "frontdesk" not in known.content.decode()


def test_a_success_clears_that_pairs_failures(api, frontdesk):
    assert fail_times(api, 4, "frontdesk", HOME) == [400] * 4
    assert sign_in(api, "frontdesk", PASSWORD, HOME).status_code == 200
    assert fail_times(api, 4, "frontdesk", HOME) == [400] * 4  # counted from zero again
    assert sign_in(api, "frontdesk", PASSWORD, HOME).status_code == 200


def test_the_lock_ends_after_the_cool_off(api, frontdesk, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail_times(api, 5, "frontdesk", ATTACKER)
        assert sign_in(api, "frontdesk", PASSWORD, ATTACKER).status_code == 429
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME * 1.1, tick=False):
        assert sign_in(api, "frontdesk", PASSWORD, ATTACKER).status_code == 200


def test_a_client_sent_forwarded_header_is_not_trusted_by_default(api, frontdesk):
    """Rotating X-Forwarded-For does not rotate the address: the pair is still locked."""
    for i in range(5):
        api.post(
            TOKEN_URL, {"username": "frontdesk", "password": "nope"}, format="json",
            REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}",
        )
    response = api.post(
        TOKEN_URL, {"username": "frontdesk", "password": PASSWORD}, format="json",
        REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=HOME,
    )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_behind_a_configured_proxy_the_forwarded_address_counts(api, frontdesk, settings):
    """TRUSTED_PROXY_COUNT=1 (one nginx): the address nginx appended is the client's; a longer chain is not trusted."""
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    proxy = "10.0.0.2"
    for _ in range(5):
        api.post(TOKEN_URL, {"username": "frontdesk", "password": "nope"}, format="json",
                 REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    ok = api.post(TOKEN_URL, {"username": "frontdesk", "password": PASSWORD}, format="json",
                  REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert ok.status_code == 200
    # The attacker prepends a forged address: the chain is longer than one proxy makes, so it is not used.
    spoofed = api.post(TOKEN_URL, {"username": "frontdesk", "password": PASSWORD}, format="json",
                       REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{HOME}, {ATTACKER}")
    assert spoofed.status_code == 200  # the proxy's own address: not the locked pair, and not HOME either
    assert not AccessAttempt.objects.filter(ip_address=HOME).exists()


# --- Every other login path ------------------------------------------------------------------------


# The admin has no sign-in form of its own: /admin/login/ sends to the staff pages' (tests/test_two_factor.py).
@pytest.mark.parametrize("url", ["/login/", "/t/login/"])
def test_session_login_paths_are_guarded_the_same_way(client, url):
    UserFactory(username="frontdesk", is_staff=True)
    for _ in range(4):
        response = client.post(url, {"username": "frontdesk", "password": "nope"}, REMOTE_ADDR=ATTACKER)
        assert response.status_code == 200  # the form again, with its error
    fifth = client.post(url, {"username": "frontdesk", "password": "nope"}, REMOTE_ADDR=ATTACKER)
    assert fifth.status_code == 429

    locked = client.post(url, {"username": "frontdesk", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("text/html")
    assert codes.LOCKED_OUT_MESSAGE in locked.content.decode()
    assert "frontdesk" not in locked.content.decode()
    assert "_auth_user_id" not in client.session

    signed_in = client.post(url, {"username": "frontdesk", "password": PASSWORD}, REMOTE_ADDR=HOME)
    assert signed_in.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_lock_on_one_path_holds_on_the_others(api, client, frontdesk):
    """The pair is the key, whatever the door: failures at the staff sign-in lock the token endpoint too."""
    for _ in range(5):
        client.post("/login/", {"username": "frontdesk", "password": "nope"}, REMOTE_ADDR=ATTACKER)
    assert sign_in(api, "frontdesk", PASSWORD, ATTACKER).status_code == 429
    assert sign_in(api, "frontdesk", PASSWORD, HOME).status_code == 200


def test_code_that_authenticates_without_a_request_still_works(frontdesk):
    """The test client's login() passes no request: the guard steps aside instead of raising."""
    from django.contrib.auth import authenticate

    assert authenticate(username="frontdesk", password=PASSWORD) == frontdesk
    assert authenticate(username="frontdesk", password="nope") is None


# --- Using the token --------------------------------------------------------------------------------


def test_the_token_authenticates_api_requests(api):
    clinic = ClinicFactory()
    boss = staff_user(ADMIN, clinic, username="boss")
    code = totp_code(totp_device(boss))  # admins sign in with a second factor
    token = api.post(
        TOKEN_URL, {"username": "boss", "password": PASSWORD, "otp": code}, format="json", REMOTE_ADDR=HOME
    ).json()["token"]

    signed = APIClient()
    signed.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = signed.get("/api/v1/audit/", REMOTE_ADDR=HOME)
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"count", "next", "previous", "results"}


def test_a_bad_token_is_401_in_our_error_shape():
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = bad.get("/api/v1/audit/", REMOTE_ADDR=HOME)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "authentication_failed" and set(body) == {"code", "message", "details"}
    assert response["WWW-Authenticate"] == "Token"

    anonymous = APIClient().get("/api/v1/audit/", REMOTE_ADDR=HOME)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"


def test_the_token_endpoint_is_documented():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert operation["operationId"] == "auth_token_obtain"
    assert operation.get("security", []) in ([], [{}])
    assert {"200", "400", "429"} <= set(operation["responses"])
    assert operation["responses"]["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
