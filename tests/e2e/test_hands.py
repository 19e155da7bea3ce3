"""The hand counter counts what a page receives: clicks and key presses, across navigations (tests/e2e/hands.py)."""

from __future__ import annotations

import pytest

from common.api import FRONT_DESK
from tests.e2e.conftest import navigate, sign_in, type_in
from tests.e2e.hands import count_hands
from tests.factories import ClinicFactory
from tests.helpers import staff_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_clicks_and_keys_are_counted_across_pages(live_server, contexts):
    clinic = ClinicFactory()
    staff_user(FRONT_DESK, clinic, username="desk.count")
    page = contexts().page()
    hands = count_hands(page)
    sign_in(page, live_server.url, "desk.count")
    hands.settle(page)
    # The sign-in form: a click into each field, the name and the password typed, a click on the button.
    clicks, keys = hands.count()
    assert clicks == 3 and keys == len("desk.count") + len("correct-horse-battery"), hands.events
    mark = hands.mark()
    navigate(page, page.get_by_role("link", name="Patients"))
    type_in(page.get_by_label("Find a patient"), "zz")
    assert hands.assert_within(page, since=mark, clicks=2, keys=2, what="a search") == (2, 2)
    with pytest.raises(AssertionError, match="budget is 1 and 2"):
        hands.assert_within(page, since=mark, clicks=1, keys=2, what="a search")
