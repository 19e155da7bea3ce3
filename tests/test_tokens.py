"""API tokens (django-rest-knox) and ending sign-ins: expiry, devices, signing out, sign out everywhere, deactivation.

Each sign-in makes a token of its own that expires API_TOKEN_TTL_HOURS later, however much it is used. A
device signs itself out (logout), or one of the user's devices by its id; "sign out everywhere" (the API's
logout-all, the account page's button) ends every token and every web session of the user; deactivating
an account does the same at once, and a surviving token or session of an inactive user does not work.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts import error_codes as codes
from accounts.models import TokenDevice, UserSession
from accounts.sessions import SessionStore
from common.api import ADMIN, FRONT_DESK
from tests.factories import ClinicFactory, UserFactory
from tests.helpers import api_token_for, api_token_works, assert_error, staff_user
from tests.helpers import signed_in as verified

T0 = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)  # Monday 1 March 2027, 07:00 in New York: a shift starts
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
HOME = "198.51.100.10"

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
LOGOUT_URL = "/api/v1/auth/logout/"
LOGOUT_ALL_URL = "/api/v1/auth/logout-all/"
SOME_API_URL = "/api/v1/clinics/"  # any endpoint open to every role

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(T0)]


@pytest.fixture
def clinic():
    return ClinicFactory()


@pytest.fixture
def desk(clinic):
    return staff_user(FRONT_DESK, clinic, username="desk")


def sign_in(username="desk", password=PASSWORD, *, user_agent: str | None = None, **fields):
    body = {"username": username, "password": password, **fields}
    headers = {"HTTP_USER_AGENT": user_agent} if user_agent is not None else {}
    return APIClient().post(TOKEN_URL, body, format="json", REMOTE_ADDR=HOME, **headers)


def with_token(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def browser(user, *, csrf: bool = False) -> Client:
    """A browser signed in to the staff pages as `user` (with CSRF checks on, as a real one has them)."""
    return verified(Client(enforce_csrf_checks=csrf), user)


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def user_entries(user) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(get_user_model())
    return list(LogEntry.objects.filter(content_type=content_type, object_pk=str(user.pk)).order_by("pk"))


# --- Lifetime -------------------------------------------------------------------------------------------------


def test_a_token_works_for_its_lifetime_and_then_is_refused(desk, frozen, settings):
    response = sign_in()
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    ttl = dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert response.json()["expires_at"] == (T0 + ttl).isoformat().replace("+00:00", "Z")

    frozen.move_to(T0 + ttl - dt.timedelta(seconds=1))
    assert with_token(token).get(SOME_API_URL).status_code == 200  # used all along: that does not extend it

    frozen.move_to(T0 + ttl)
    response = with_token(token).get(SOME_API_URL)
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.filter(user=desk).exists()  # deleted when it was presented


def test_the_lifetime_is_the_setting(desk, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": dt.timedelta(hours=3)}
    response = sign_in()
    assert response.json()["expires_at"] == "2027-03-01T15:00:00Z"


def test_the_default_lifetime_is_a_shift(settings):
    assert settings.API_TOKEN_TTL_HOURS == 12
    assert settings.REST_KNOX["TOKEN_TTL"] == dt.timedelta(hours=12)
    assert settings.REST_KNOX["AUTO_REFRESH"] is False


@pytest.mark.slow
@pytest.mark.parametrize("hours", ["0", "-1"])
def test_a_lifetime_under_an_hour_is_refused_at_start(tmp_path, hours):
    """A token must expire: no setting makes one that does not (knox reads 0 or None as "never")."""
    env = {**os.environ, "API_TOKEN_TTL_HOURS": hours, "CLINIC_VAR_DIR": str(tmp_path)}
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "check"], cwd=Path(__file__).resolve().parent.parent, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "API_TOKEN_TTL_HOURS must be at least 1" in result.stderr


def test_tokens_are_stored_hashed(desk):
    token = sign_in().json()["token"]
    row = AuthToken.objects.get(user=desk)
    assert token not in {row.digest, row.token_key} and len(row.digest) == 128
    assert row.token_key == token[:15]


def test_signing_in_sweeps_away_expired_tokens(desk, frozen, settings):
    old = api_token_for(desk)
    frozen.move_to(T0 + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS, minutes=1))
    api_token_for(UserFactory())
    assert not AuthToken.objects.filter(token_key=old[:15]).exists()
    assert not TokenDevice.objects.filter(token__token_key=old[:15]).exists()


# --- Devices --------------------------------------------------------------------------------------------------


def test_the_list_shows_the_users_own_live_tokens_and_no_secret(desk, clinic, frozen, settings):
    tablet = sign_in(device="Ward tablet 3").json()["token"]
    frozen.shift(dt.timedelta(minutes=5))
    script = sign_in(user_agent="nightly-export/1.2").json()["token"]
    frozen.shift(dt.timedelta(minutes=5))
    other = staff_user(ADMIN, clinic, username="boss")
    theirs = api_token_for(other)

    response = with_token(tablet).get(TOKENS_URL)
    assert response.status_code == 200, response.content
    page = response.json()
    assert page["count"] == 2
    rows = page["results"]
    assert [row["id"] for row in rows] == [script[:15], tablet[:15]]  # newest first
    assert rows[0] == {
        "id": script[:15],
        "device": "nightly-export/1.2",  # no name given: the User-Agent
        "created_at": "2027-03-01T12:05:00Z",
        "expires_at": (T0 + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS, minutes=5)).isoformat().replace("+00:00", "Z"),
        "current": False,
    }
    assert rows[1]["device"] == "Ward tablet 3" and rows[1]["current"] is True
    body = response.content.decode()
    for secret in (tablet, script, theirs):
        assert secret not in body
    assert theirs[:15] not in body


def test_an_expired_token_is_not_listed(desk, frozen, settings):
    old = api_token_for(desk)
    frozen.shift(dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS - 1))
    new = api_token_for(desk)
    frozen.shift(dt.timedelta(hours=1))
    ids = [row["id"] for row in with_token(new).get(TOKENS_URL).json()["results"]]
    assert ids == [new[:15]] and old[:15] not in ids


def test_a_session_signed_in_browser_lists_the_devices_too(desk):
    token = api_token_for(desk)
    api = APIClient()
    api.force_login(desk)
    rows = api.get(TOKENS_URL).json()["results"]
    assert [(row["id"], row["current"]) for row in rows] == [(token[:15], False)]


def test_a_user_agent_is_cleaned_before_it_names_a_device(desk):
    sign_in(user_agent="x" * 500)
    sign_in(user_agent="evil\x1b[31m\tclient\x7f")
    labels = set(TokenDevice.objects.values_list("label", flat=True))
    assert labels == {"x" * 100, "evil[31m client"}


@pytest.mark.parametrize(
    ("device", "why"),
    [
        ("x" * 101, "over 100 characters"),
        ("x" * 1_000_000, "a megabyte"),
        ("Ward\x00tablet", "a NUL"),
        ("Ward\x1btablet", "a control character"),
        ("Ward\u200etablet", "a format character"),
        (["Ward tablet"], "not a string"),
        ({"name": "Ward tablet"}, "not a string"),
    ],
)
def test_a_hostile_device_name_is_a_400(desk, device, why):
    response = sign_in(device=device)
    assert_error(response, 400, "validation_error", "device")
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        "Token " + "0" * 64,  # well formed, unknown
        "Token " + "0" * 40,  # DRF's old shape
        "Token " + "g" * 64,
        "Token ab\x00cd",
        "Token " + "é" * 64,
        b"Token \xff\xfe".decode("latin-1"),
        "Token " + "a" * 100_000,
        "Token a b",
        "Token",
    ],
    ids=["unknown", "drf-shape", "not-hex", "nul", "non-ascii", "not-utf8", "huge", "spaces", "empty"],
)
def test_a_malformed_token_is_a_401_never_a_500(desk, header):
    api_token_for(desk)
    response = APIClient().get(SOME_API_URL, HTTP_AUTHORIZATION=header)
    assert_error(response, 401, "authentication_failed")


# --- Signing out one device -------------------------------------------------------------------------------------


def test_logout_signs_out_only_the_device_it_came_from(desk):
    phone, tablet = sign_in(device="phone").json()["token"], sign_in(device="tablet").json()["token"]
    response = with_token(phone).post(LOGOUT_URL)
    assert response.status_code == 204, response.content
    assert_error(with_token(phone).get(SOME_API_URL), 401, "authentication_failed")
    assert with_token(tablet).get(SOME_API_URL).status_code == 200
    assert_error(with_token(phone).post(LOGOUT_URL), 401, "authentication_failed")  # once only


def test_a_device_can_be_signed_out_by_its_id(desk):
    phone, tablet = api_token_for(desk), api_token_for(desk)
    response = with_token(tablet).delete(f"{TOKENS_URL}{phone[:15]}/")
    assert response.status_code == 204, response.content
    assert not api_token_works(phone) and api_token_works(tablet)
    assert_error(with_token(tablet).delete(f"{TOKENS_URL}{phone[:15]}/"), 404, codes.TOKEN_NOT_FOUND)


def test_another_users_token_cannot_be_revoked(desk, clinic):
    mine = api_token_for(desk)
    theirs = api_token_for(staff_user(ADMIN, clinic, username="boss"))
    response = with_token(mine).delete(f"{TOKENS_URL}{theirs[:15]}/")
    assert_error(response, 404, codes.TOKEN_NOT_FOUND)
    assert api_token_works(theirs)


@pytest.mark.parametrize("token_id", ["%00", "abc%00def012345", "x" * 5000, "ABCDEF012345678", "..", "%FF"])
def test_a_hostile_token_id_is_a_404(desk, token_id):
    response = with_token(api_token_for(desk)).delete(f"{TOKENS_URL}{token_id}/")
    assert_error(response, 404, codes.TOKEN_NOT_FOUND)


def test_logout_from_a_browser_ends_its_session_and_needs_csrf(desk):
    token = api_token_for(desk)
    other_browser = browser(desk)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(desk)
    refused = api.post(LOGOUT_URL)
    assert_error(refused, 403, "permission_denied")
    assert "CSRF" in refused.json()["message"]

    api.get("/account/")  # a page sets the CSRF cookie
    response = api.post(LOGOUT_URL, HTTP_X_CSRFTOKEN=api.cookies["csrftoken"].value)
    assert response.status_code == 204, response.content
    assert not signed_in(api)
    assert signed_in(other_browser) and api_token_works(token)  # only that browser


def test_signing_out_needs_a_sign_in():
    for url in (LOGOUT_URL, LOGOUT_ALL_URL):
        assert_error(APIClient().post(url), 401, "not_authenticated")
    assert_error(APIClient().get(TOKENS_URL), 401, "not_authenticated")


# --- Signing out everywhere ---------------------------------------------------------------------------------------


def test_logout_all_ends_every_token_and_every_browser_session_of_the_user(desk, clinic):
    phone, tablet = api_token_for(desk), api_token_for(desk)
    at_the_desk, at_home = browser(desk), browser(desk)
    colleague = staff_user(FRONT_DESK, clinic, username="colleague")
    their_token, their_browser = api_token_for(colleague), browser(colleague)
    assert at_the_desk.get("/account/").status_code == 200

    response = with_token(phone).post(LOGOUT_ALL_URL)
    assert response.status_code == 204, response.content

    assert not api_token_works(phone) and not api_token_works(tablet)
    for client in (at_the_desk, at_home):
        page = client.get("/account/")
        assert page.status_code == 302 and page["Location"].startswith("/login/")
    assert not UserSession.objects.filter(user=desk).exists()
    assert api_token_works(their_token) and their_browser.get("/account/").status_code == 200

    [entry] = user_entries(desk)
    assert entry.action == LogEntry.Action.UPDATE and entry.actor == desk
    assert entry.changes == {"api_tokens": [2, 0], "web_sessions": [2, 0]}
    assert entry.remote_addr == "127.0.0.1"
    assert entry.additional_data == {"patient": None, "clinic": None}


def test_logout_all_from_a_browser_ends_its_own_session_too(desk):
    token = api_token_for(desk)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(desk)
    other = browser(desk)
    api.get("/account/")
    assert_error(api.post(LOGOUT_ALL_URL), 403, "permission_denied")  # no CSRF token: nothing ended
    assert api_token_works(token) and signed_in(other)

    response = api.post(LOGOUT_ALL_URL, HTTP_X_CSRFTOKEN=api.cookies["csrftoken"].value)
    assert response.status_code == 204, response.content
    assert not signed_in(api) and not api_token_works(token)
    assert other.get("/account/").status_code == 302


def test_logout_all_takes_only_post(desk):
    api = with_token(api_token_for(desk))
    assert_error(api.get(LOGOUT_ALL_URL), 405, "method_not_allowed")
    assert_error(api.get(LOGOUT_URL), 405, "method_not_allowed")


# --- The account page -------------------------------------------------------------------------------------------


def test_the_account_page_lists_the_users_devices(desk, clinic):
    sign_in(device="Ward tablet 3")
    api_token_for(staff_user(ADMIN, clinic, username="boss"), device="Boss's laptop")
    response = browser(desk).get("/account/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ward tablet 3" in page and "Boss&#x27;s laptop" not in page and "Boss's laptop" not in page
    assert 'href="/account/"' in page and 'aria-current="page"' in page  # the nav link
    assert 'id="security"' in page  # where the two-factor settings will be linked


def test_the_account_page_is_open_to_a_user_without_a_role():
    response = browser(UserFactory()).get("/account/")
    assert response.status_code == 200
    assert b"No device is signed in to the API." in response.content


def test_the_account_page_needs_a_sign_in():
    response = Client().get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_sign_out_everywhere_from_the_page(desk):
    token = api_token_for(desk)
    here, elsewhere = browser(desk, csrf=True), browser(desk)
    page = here.get("/account/")
    assert b"Sign out everywhere" in page.content

    refused = here.post("/account/sign-out-everywhere/")  # no CSRF token
    assert refused.status_code == 403 and api_token_works(token) and signed_in(here)

    response = here.post("/account/sign-out-everywhere/", {"csrfmiddlewaretoken": page.context["csrf_token"]}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert b"You are signed out everywhere" in response.content
    assert not signed_in(here) and not api_token_works(token)
    assert elsewhere.get("/account/").status_code == 302
    assert not UserSession.objects.filter(user=desk).exists()
    assert user_entries(desk)[-1].changes == {"api_tokens": [1, 0], "web_sessions": [2, 0]}


def test_sign_out_everywhere_takes_only_post(desk):
    token = api_token_for(desk)
    assert browser(desk).get("/account/sign-out-everywhere/").status_code == 405
    assert api_token_works(token)


def test_a_device_signed_out_from_the_page(desk, clinic):
    phone, tablet = api_token_for(desk, device="phone"), api_token_for(desk, device="tablet")
    theirs = api_token_for(staff_user(ADMIN, clinic, username="boss"))
    client = browser(desk)
    response = client.post(f"/account/devices/{phone[:15]}/sign-out/", follow=True)
    assert b"That device is signed out" in response.content
    assert not api_token_works(phone) and api_token_works(tablet)

    for key in (theirs[:15], "\x00", "x" * 10_000):
        response = client.post(f"/account/devices/{key}/sign-out/", follow=True)
        assert response.status_code == 200 and codes.TOKEN_NOT_FOUND_MESSAGE.encode() in response.content
    assert api_token_works(theirs)


# --- Deactivation -------------------------------------------------------------------------------------------------


def test_deactivating_an_account_ends_its_tokens_and_sessions_at_once(desk, clinic):
    token = api_token_for(desk)
    client = browser(desk)
    colleague = staff_user(FRONT_DESK, clinic, username="colleague")
    their_token = api_token_for(colleague)

    desk.is_active = False
    desk.save()

    assert not AuthToken.objects.filter(user=desk).exists()
    assert not UserSession.objects.filter(user=desk).exists()
    assert_error(with_token(token).get(SOME_API_URL), 401, "authentication_failed")
    assert client.get("/account/").status_code == 302
    assert api_token_works(their_token)
    [entry] = user_entries(desk)
    assert entry.changes == {"is_active": [True, False], "api_tokens": [1, 0], "web_sessions": [1, 0]}
    assert entry.actor is None  # from a shell: nobody signed in


def test_deactivating_in_the_admin_records_who_did_it(desk, clinic):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    token = api_token_for(desk)
    admin = browser(boss)
    form = admin.get(f"/admin/auth/user/{desk.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(is_active="", groups=[g.pk for g in desk.groups.all()], user_permissions=[],
                last_login_0="", last_login_1="", date_joined_0="2027-03-01", date_joined_1="12:00:00")
    response = admin.post(f"/admin/auth/user/{desk.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    desk.refresh_from_db()
    assert not desk.is_active and not api_token_works(token)
    assert user_entries(desk)[-1].actor == boss


def test_saving_an_inactive_user_again_records_no_second_deactivation(desk):
    desk.is_active = False
    desk.save()
    desk.first_name = "Dana"
    desk.save()
    desk.save(update_fields=["last_login"])
    assert len(user_entries(desk)) == 1


def test_an_inactive_users_surviving_token_and_session_do_not_work(desk):
    """A queryset update sends no signal: the rows stay, but knox and Django's backend refuse an inactive user."""
    token = api_token_for(desk)
    client = browser(desk)
    get_user_model().objects.filter(pk=desk.pk).update(is_active=False)
    assert AuthToken.objects.filter(user=desk).exists() and UserSession.objects.filter(user=desk).exists()
    assert_error(with_token(token).get(SOME_API_URL), 401, "authentication_failed")
    assert client.get("/account/").status_code == 302


def test_an_inactive_user_cannot_sign_in_for_a_token(desk):
    desk.is_active = False
    desk.save()
    assert_error(sign_in(), 400, codes.INVALID_CREDENTIALS)
    assert not AuthToken.objects.exists()


# --- The brute-force guard still holds ------------------------------------------------------------------------------


def test_the_lockout_still_applies_to_the_token_endpoint(desk):
    for _ in range(5):
        sign_in(password="wrong")
    response = sign_in()
    assert_error(response, 429, codes.LOCKED_OUT)
    assert response["Retry-After"] == "1800"
    assert not AuthToken.objects.exists()
    assert AccessAttempt.objects.filter(username="desk").exists()


# --- Sessions know their user ---------------------------------------------------------------------------------------


def test_a_session_keeps_its_user_when_its_key_changes(desk):
    """A password change cycles the session key: the new row still names the user, so it can be ended."""
    session = SessionStore()
    session[SESSION_KEY] = str(desk.pk)
    session.create()
    old_key = session.session_key
    session.cycle_key()
    assert not UserSession.objects.filter(session_key=old_key).exists()
    assert UserSession.objects.get(session_key=session.session_key).user == desk


def test_an_anonymous_session_names_no_user(db):
    session = SessionStore()
    session["cart"] = "nothing"
    session.create()
    assert UserSession.objects.get(session_key=session.session_key).user_id is None


def test_signing_out_deletes_the_session_row(desk):
    client = browser(desk)
    key = client.session.session_key
    client.post("/logout/")
    assert not UserSession.objects.filter(session_key=key).exists()


def test_deploying_carries_signed_in_browsers_over(desk, frozen):
    """Migration 0002 copies live rows of django_session, with their user, into the new table; they still read."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.db import connection

    live = DjangoStore()
    live[SESSION_KEY] = str(desk.pk)
    live.create()
    frozen.move_to(T0 - dt.timedelta(weeks=3))
    stale = DjangoStore()
    stale[SESSION_KEY] = str(desk.pk)
    stale.create()  # two weeks' life: expired by T0
    frozen.move_to(T0)

    migration = importlib.import_module("accounts.migrations.0002_copy_web_sessions")
    migration.copy_sessions(apps, SimpleNamespace(connection=connection))

    assert UserSession.objects.get(session_key=live.session_key).user == desk
    assert not UserSession.objects.filter(session_key=stale.session_key).exists()
    assert SessionStore(live.session_key)[SESSION_KEY] == str(desk.pk)
