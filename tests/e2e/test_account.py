"""The account page in a real browser: a nurse's signed-in devices, and "Sign out everywhere" from one browser
ending the other browser's session and the API tokens too."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import AuthenticationFailed

from common.api import FRONT_DESK
from tests.e2e.conftest import assert_accessible, navigate, sign_in
from tests.factories import ClinicFactory
from tests.helpers import api_token_for, api_token_user, staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_sign_out_everywhere_from_the_account_page(live_server, contexts):
    base = live_server.url
    desk = staff_user(FRONT_DESK, ClinicFactory(), username="robin", first_name="Robin")
    token = api_token_for(desk, device="Ward tablet 3")
    here, elsewhere = contexts().page(), contexts().page()
    sign_in(here, base, "robin")
    sign_in(elsewhere, base, "robin")

    navigate(here, here.get_by_role("link", name="Your account"))
    devices = here.get_by_role("table")
    assert "Ward tablet 3" in devices.inner_text()
    assert token not in here.content()
    assert_accessible(here, "account page")

    navigate(here, here.get_by_role("button", name="Sign out everywhere"))
    assert here.url == f"{base}/login/"
    assert "You are signed out everywhere" in here.get_by_role("status").inner_text()

    elsewhere.reload()
    assert elsewhere.url.startswith(f"{base}/login/")
    with pytest.raises(AuthenticationFailed):
        api_token_user(token)
