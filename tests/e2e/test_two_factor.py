"""Two-factor sign-in in a real browser, as people do it: an admin sets up an authenticator app (reading the key off
the page, as someone who cannot scan types it into their phone), keeps the recovery codes, signs out and back in with
a code; a front-desk member whose clinic requires it signs in with a recovery code, which then works no more."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from common.api import ADMIN, FRONT_DESK
from tests.e2e.conftest import PASSWORD, app_code, assert_accessible, navigate, screenshot
from tests.factories import ClinicFactory
from tests.helpers import staff_user, totp_device

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

KEY_DELAY = 60  # ms between keys: a person typing


def type_password(page, base: str, username: str) -> None:
    page.get_by_label("Username").press_sequentially(username, delay=KEY_DELAY)
    page.get_by_label("Password").press_sequentially(PASSWORD, delay=KEY_DELAY)
    navigate(page, page.get_by_role("button", name="Sign in"))


class Phone:
    """An authenticator app, set up from the key a person read off the page."""

    def __init__(self, key_text: str):
        self.key = b32decode(key_text.replace(" ", ""))
        self.last_step = -1

    def code(self) -> str:
        """The code it shows now; if that one was used already, the next one (the person waits for it to change:
        a wait on the clock's progress, at most one 30-second step)."""
        while True:
            totp = TOTP(self.key)
            totp.time = time.time()
            if totp.t() > self.last_step:
                self.last_step = totp.t()
                return f"{totp.token():06d}"
            time.sleep(0.5)


def test_an_admin_sets_up_an_app_and_signs_in_with_it(live_server, contexts):
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside")
    admin = staff_user(ADMIN, clinic, username="alice", first_name="Alice", is_staff=True)
    base = live_server.url
    context = contexts()
    context.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.page()

    # A page she wanted, then the sign-in, then the set-up her role requires.
    page.goto(f"{base}/patients/")
    page.wait_for_url(re.compile(r"/login/\?next="))
    type_password(page, base, "alice")
    page.wait_for_url(re.compile(r"/account/two-factor/setup/\?next=%2Fpatients%2F$"))
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.get_by_role("img", name=re.compile("QR code")).locator("svg").is_visible()
    navigate(page, page.get_by_role("link", name="Patients"))  # the rest of the site waits
    page.wait_for_url(re.compile(r"/account/two-factor/setup/"))
    assert_accessible(page, "two-factor set-up")
    screenshot(page, "two-factor-setup")

    # She cannot scan, so she types the key into her phone; the phone shows a code; she types that.
    phone = Phone(page.locator("#totp-secret").inner_text())
    page.get_by_label("Code", exact=True).press_sequentially(phone.code(), delay=KEY_DELAY)
    navigate(page, page.get_by_role("button", name="Confirm"))

    page.get_by_role("heading", name="Your recovery codes").wait_for()
    shown = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    assert len(shown) == 10 and all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", code) for code in shown)
    page.get_by_role("button", name="Copy the codes").click()
    page.get_by_role("status").get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == "\n".join(shown)
    assert page.get_by_role("button", name="Print").is_visible()
    assert_accessible(page, "recovery codes")
    navigate(page, page.get_by_role("link", name=re.compile("I have saved them")))
    page.wait_for_url(f"{base}/patients/")

    # Signed out and back in: the password, then the code her phone shows.
    navigate(page, page.get_by_role("button", name="Sign out"))
    page.wait_for_url(f"{base}/login/")
    type_password(page, base, "alice")
    page.wait_for_url(f"{base}/login/verify/")
    assert_accessible(page, "code step")
    page.get_by_label("Code", exact=True).press_sequentially(phone.code(), delay=KEY_DELAY)
    navigate(page, page.get_by_role("button", name="Verify"))
    page.wait_for_url(f"{base}/")
    page.get_by_role("button", name="Sign out").wait_for()
    assert TOTPDevice.objects.get(user=admin).confirmed

    # Her two-factor settings: on, ten codes left, and no way to turn it off (her role requires it).
    page.goto(f"{base}/account/two-factor/")
    page.get_by_role("heading", name="Two-factor sign-in").wait_for()
    page.get_by_text("Recovery codes left: 10.").wait_for()
    assert page.get_by_role("button", name="Turn off two-factor sign-in").count() == 0
    assert_accessible(page, "two-factor settings")


def test_a_desk_member_signs_in_with_a_recovery_code_once(live_server, contexts):
    clinic = ClinicFactory(name="Riverside Infusion", slug="riverside", require_two_factor=True)
    bob = staff_user(FRONT_DESK, clinic, username="bob", first_name="Bob")
    totp_device(bob)
    printed = two_factor.recovery_codes_replace(user=bob)  # the sheet he printed when he set it up
    base = live_server.url
    page = contexts().page()

    page.goto(f"{base}/login/")
    type_password(page, base, "bob")
    page.wait_for_url(f"{base}/login/verify/")
    # His phone is at home: a recovery code, typed the way it is printed.
    code = f"{printed[0][:4]}-{printed[0][4:]}"
    page.get_by_label("Code", exact=True).press_sequentially(code, delay=KEY_DELAY)
    navigate(page, page.get_by_role("button", name="Verify"))
    page.wait_for_url(f"{base}/")
    page.get_by_text("You signed in with a recovery code").wait_for()
    page.get_by_text("9 left").wait_for()

    navigate(page, page.get_by_role("button", name="Sign out"))
    type_password(page, base, "bob")
    page.wait_for_url(f"{base}/login/verify/")
    page.get_by_label("Code", exact=True).press_sequentially(code, delay=KEY_DELAY)
    navigate(page, page.get_by_role("button", name="Verify"))
    page.get_by_text("That code is not valid").wait_for()
    assert page.url == f"{base}/login/verify/"
    assert_accessible(page, "code step with an error")

    # The app after all: in.
    field = page.get_by_label("Code", exact=True)
    field.clear()
    field.press_sequentially(app_code(totp_device(bob)), delay=KEY_DELAY)
    navigate(page, page.get_by_role("button", name="Verify"))
    page.wait_for_url(f"{base}/")
