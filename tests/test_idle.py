"""Idle logout (HIPAA automatic logoff), server side: accounts.idle.IdleLogoutMiddleware and the keep-alive.

The clock is time_machine's; the browser's own timer (frontdesk/static/frontdesk/idle.js) is in
tests/e2e/test_idle.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.test import APIClient

from accounts.idle import LAST_SEEN
from common.api import FRONT_DESK
from tests.factories import UserFactory
from tests.helpers import signed_in as verified
from tests.helpers import staff_user

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LIMIT = dt.timedelta(minutes=15)  # the default
PAST_IT = LIMIT + dt.timedelta(seconds=1)
MESSAGE = "You were signed out after 15 minutes without activity."
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(clinic, clock):
    """A browser signed in to the staff pages, with its first request made at T0."""
    browser = Client()
    browser.force_login(staff_user(FRONT_DESK, clinic, username="desk"))
    assert browser.get("/").status_code == 200
    return browser


def signed_in(browser) -> bool:
    return SESSION_KEY in browser.session


def test_activity_keeps_the_session(desk, clock, patient):
    for _ in range(4):  # an hour of work, a request every 14 minutes
        clock.shift(LIMIT - dt.timedelta(minutes=1))
        assert desk.get(f"/patients/{patient.pk}/").status_code == 200
    clock.shift(LIMIT)  # exactly the limit since the last request: not yet past it
    assert desk.get("/").status_code == 200
    assert signed_in(desk)


def test_idle_past_the_limit_signs_out_and_keeps_where_you_were(desk, clock, patient):
    clock.shift(PAST_IT)
    response = desk.get(f"/patients/?q={patient.last_name}")
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/patients/%3Fq%3D{patient.last_name}"
    assert not signed_in(desk)
    login = desk.get(response["Location"])
    assert login.status_code == 200
    html = login.content.decode()
    assert MESSAGE in html
    assert f'name="next" value="/patients/?q={patient.last_name}"' in html
    # Signing in again leads back there.
    back = desk.post(response["Location"], {"username": "desk", "password": PASSWORD, "next": f"/patients/?q={patient.last_name}"})
    assert back.status_code == 302 and back["Location"] == f"/patients/?q={patient.last_name}"
    assert desk.get(back["Location"]).status_code == 200


def test_the_message_tells_the_configured_time(desk, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    login = desk.get("/", follow=True)
    assert login.redirect_chain == [("/login/?next=/", 302)]
    assert "You were signed out after 5 minutes without activity." in login.content.decode()


def test_the_browser_timer_lands_on_the_sign_in_page_which_signs_out(desk, clock):
    """idle.js sends an unattended page to /login/?next=…: that page ends the session and says why."""
    clock.shift(PAST_IT)
    login = desk.get("/login/?next=/worklists/")
    assert login.status_code == 200 and MESSAGE in login.content.decode()
    assert not signed_in(desk)


def test_the_sign_in_page_before_the_limit_sends_you_back(desk, clock):
    """Input in another tab kept the session: a tab whose timer went off just returns to its page."""
    clock.shift(LIMIT - dt.timedelta(minutes=1))
    response = desk.get("/login/?next=/worklists/")
    assert response.status_code == 302 and response["Location"] == "/worklists/"


def test_an_htmx_request_after_the_limit_loads_the_sign_in_page_in_full(desk, clock, patient):
    clock.shift(PAST_IT)
    response = desk.get(
        f"/patients/?q={patient.last_name}",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/patients/"},
    )
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == "/login/?next=/patients/"
    assert not signed_in(desk)


def test_a_form_post_after_the_limit_keeps_the_page_it_came_from(desk, clock, patient):
    clock.shift(PAST_IT)
    response = desk.post(f"/patients/{patient.pk}/book/confirm/", {}, headers={"Referer": f"http://testserver/patients/{patient.pk}/book/"})
    assert response.status_code == 302 and response["Location"] == f"/login/?next=/patients/{patient.pk}/book/"
    # A Referer from elsewhere is not followed.
    desk.force_login(UserFactory(username="other"))
    desk.get("/")
    clock.shift(PAST_IT)
    response = desk.post("/logout/", {}, headers={"Referer": "https://evil.example/phish/"})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_the_admin_is_covered_too(clinic, clock):
    browser = verified(Client(), UserFactory(username="root", is_staff=True, is_superuser=True))
    assert browser.get("/admin/").status_code == 200
    clock.shift(dt.timedelta(minutes=10))
    assert browser.get("/admin/scheduler/clinic/").status_code == 200
    clock.shift(PAST_IT)
    response = browser.get(f"/admin/scheduler/clinic/{clinic.pk}/change/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next=/admin/scheduler/clinic/{clinic.pk}/change/"
    # The admin's sign-in is the staff sign-in (two-factor): the message waits there.
    login = browser.get(response["Location"], follow=True)
    assert login.status_code == 200 and MESSAGE in login.content.decode()
    assert login.redirect_chain[-1][0].startswith("/login/?next=")


def test_an_api_request_with_the_session_after_the_limit_is_refused_as_usual(desk, clock, patient):
    assert desk.get(f"/api/v1/patients/{patient.pk}/").status_code == 200
    clock.shift(PAST_IT)
    response = desk.get(f"/api/v1/patients/{patient.pk}/")
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == "not_authenticated"
    assert not signed_in(desk)


def test_an_api_token_is_not_timed(clinic, clock, patient):
    staff_user(FRONT_DESK, clinic, username="api-user")
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": "api-user", "password": PASSWORD}, format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(f"/api/v1/patients/{patient.pk}/").status_code == 200
    clock.shift(dt.timedelta(hours=3))
    assert api.get(f"/api/v1/patients/{patient.pk}/").status_code == 200
    assert "sessionid" not in api.cookies  # nothing to time: no session was made


def test_the_keepalive_counts_as_activity_and_says_when_it_is_over(desk, clock):
    for _ in range(3):
        clock.shift(LIMIT - dt.timedelta(minutes=1))
        assert desk.get("/session/keepalive/").status_code == 204
    clock.shift(PAST_IT)
    response = desk.get("/session/keepalive/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert not signed_in(desk)
    # The page's script then goes to the sign-in page, which says why.
    assert MESSAGE in desk.get("/login/").content.decode()


def test_the_session_cookie_ends_with_the_browser(clinic):
    staff_user(FRONT_DESK, clinic, username="desk")
    browser = Client()
    response = browser.post("/login/", {"username": "desk", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]


def test_the_pages_give_their_script_the_timeout(desk, settings):
    html = desk.get("/").content.decode()
    assert 'data-idle-seconds="900"' in html and 'src="/static/frontdesk/idle.js"' in html
    assert 'data-login-url="/login/"' in html and 'data-keepalive-url="/session/keepalive/"' in html
    assert "idle.js" not in Client().get("/login/").content.decode()  # nobody signed in: nothing to time


def test_signing_in_starts_the_clock(clinic, clock):
    """Signing in is activity: the clock starts at the sign-in, not at the first page after it."""
    staff_user(FRONT_DESK, clinic, username="desk")
    for idle, still_signed_in in ((LIMIT, True), (PAST_IT, False)):
        browser = Client()
        clock.move_to(T0)
        assert browser.post("/login/", {"username": "desk", "password": PASSWORD}).status_code == 302
        assert browser.session[LAST_SEEN] == int(T0.timestamp())
        clock.shift(idle)
        assert (browser.get("/").status_code == 200) is still_signed_in
        assert signed_in(browser) is still_signed_in
