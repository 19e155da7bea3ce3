"""Idle logout in a real browser: an unattended page goes to the sign-in page by itself; input keeps it.

The timeout is cut to a few seconds through settings (the live server runs in this process).
"""

from __future__ import annotations

import re

import pytest

from common.api import FRONT_DESK
from tests.e2e.conftest import PASSWORD, navigate, sign_in, sign_in_here, type_in
from tests.factories import ClinicFactory, PatientFactory, UserFactory
from tests.helpers import staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

#: Long enough that signing in and opening a page never outlasts it on a busy machine.
SECONDS = 5
#: How long the page may take to leave: the timeout, the script's grace second, and a slow machine's margin.
LEAVE_WITHIN_MS = 30_000


@pytest.fixture
def short_timeout(settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = SECONDS / 60


def test_an_unattended_page_goes_to_the_sign_in_page_by_itself(live_server, contexts, short_timeout):
    clinic = ClinicFactory(name="Riverside Infusion")
    patient = PatientFactory(clinic=clinic, first_name="Jane", last_name="Rowe")
    staff_user(FRONT_DESK, clinic, username="bob")
    base = live_server.url
    page = contexts().page()
    sign_in(page, base, "bob")
    page.goto(f"{base}/patients/{patient.pk}/")
    page.get_by_role("heading", name="Jane Rowe").wait_for()

    # Nobody touches it: it leaves for the sign-in page, which says why and keeps the way back.
    page.wait_for_url(re.compile(r"/login/\?next="), timeout=LEAVE_WITHIN_MS)
    page.get_by_text(f"You were signed out after {SECONDS} seconds without activity.").wait_for()
    assert page.get_by_text("Rowe").count() == 0
    assert page.locator('input[name="next"]').input_value() == f"/patients/{patient.pk}/"

    # Signing in again leads back to the patient.
    type_in(page.get_by_label("Username"), "bob")
    type_in(page.get_by_label("Password"), PASSWORD)
    navigate(page, page.get_by_role("button", name="Sign in"))
    page.get_by_role("heading", name="Jane Rowe").wait_for()
    assert page.url == f"{base}/patients/{patient.pk}/"


def test_typing_keeps_the_page_and_the_session(live_server, contexts, short_timeout):
    """Typing into a form sends no request, yet it is activity: the page stays, and so does the session."""
    clinic = ClinicFactory()
    staff_user(FRONT_DESK, clinic, username="bob")
    base = live_server.url
    page = contexts().page()
    sign_in(page, base, "bob")
    navigate(page, page.get_by_role("link", name="Patients"))
    navigate(page, page.get_by_role("link", name="Register a new patient"))
    field = page.get_by_label("First name")
    field.click()
    # Two timeouts' worth of typing, key by key.
    field.press_sequentially("Maximiliana Josephine", delay=SECONDS * 1000 * 2 // 21, timeout=SECONDS * 1000 * 6)
    assert "/patients/new/" in page.url and field.input_value() == "Maximiliana Josephine"
    navigate(page, page.get_by_role("link", name="Worklists"))
    page.get_by_role("heading", name=re.compile("^Worklists")).wait_for()  # still signed in


def test_an_unattended_admin_page_goes_to_the_admin_sign_in(live_server, contexts, short_timeout):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    base = live_server.url
    page = contexts().page()
    page.goto(f"{base}/admin/")
    page.get_by_role("button", name="Sign in").wait_for()  # the admin signs in on the staff sign-in (two-factor)
    sign_in_here(page, "root")
    page.get_by_role("heading", name="Site administration").wait_for()
    navigate(page, page.get_by_role("link", name="Clinics", exact=True))
    page.wait_for_url(re.compile(r"/login/\?next="), timeout=LEAVE_WITHIN_MS)
    page.get_by_text(f"You were signed out after {SECONDS} seconds without activity.").wait_for()
    assert page.locator('input[name="next"]').input_value() == "/admin/scheduler/clinic/"
