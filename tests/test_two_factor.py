"""Two-factor sign-in: who must use it, the staff pages' steps, recovery codes, the lockout on the code step, the
API token endpoint's `otp`, the admin site, and what a session that owes a step may reach.

The clock stands still (an app code is the code of a 30-second step); tests move it with `frozen.shift()`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import error_codes as codes
from accounts import two_factor
from accounts.two_factor import CodeKind, second_factor_status
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from frontdesk.views.two_factor import PENDING
from tests.factories import ClinicFactory, UserFactory
from tests.helpers import assert_error, signed_in, staff_user, totp_code, totp_device

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(dt.datetime(2027, 3, 1, 17, 0, 5, tzinfo=dt.UTC))]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
HOME = "198.51.100.10"
ATTACKER = "203.0.113.66"
TOKEN_URL = "/api/v1/auth/token/"
SETUP = "/account/two-factor/setup/"
VERIFY = "/login/verify/"
#: Past any throttling delay of django-otp after up to four wrong codes in a row (1, 2, 4, 8 seconds).
PAST_THROTTLE = 20


@pytest.fixture
def clinic(db):
    return ClinicFactory()


@pytest.fixture
def admin(clinic):
    return staff_user(ADMIN, clinic, username="boss", is_staff=True)


@pytest.fixture
def desk(clinic):
    return staff_user(FRONT_DESK, clinic, username="desk")


@pytest.fixture
def enrolled(admin):
    """The admin, with an authenticator app and ten recovery codes."""
    device = totp_device(admin)
    return admin, device, two_factor.recovery_codes_replace(user=admin)


def password_step(client, username, *, next_to="", address=HOME):
    data = {"username": username, "password": PASSWORD}
    if next_to:
        data["next"] = next_to
    return client.post("/login/", data, REMOTE_ADDR=address)


def code_step(client, code, *, next_to="", address=HOME):
    return client.post(VERIFY, {"code": code, "next": next_to}, REMOTE_ADDR=address)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def failures(username, address=HOME) -> int:
    return sum(AccessAttempt.objects.filter(username=username, ip_address=address).values_list("failures_since_start", flat=True))


# --- Who must use it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "superuser", "clinic_requires", "required"),
    [
        (ADMIN, False, False, True),
        (None, True, False, True),
        (FRONT_DESK, False, False, False),
        (CLINICIAN, False, False, False),
        (None, False, False, False),
        (FRONT_DESK, False, True, True),
        (CLINICIAN, False, True, True),
        (None, False, True, True),
    ],
)
def test_who_must_use_a_second_factor(role, superuser, clinic_requires, required):
    calm, strict = ClinicFactory(), ClinicFactory(require_two_factor=clinic_requires)
    user = staff_user(role, calm, strict, is_superuser=superuser)
    assert second_factor_status(user) == two_factor.SecondFactor(has_device=False, required=required)


def test_any_one_clinic_that_requires_it_is_enough(desk, clinic):
    assert not second_factor_status(desk).required
    ClinicFactory(require_two_factor=True).staff.add(desk)
    assert second_factor_status(desk).required
    assert not second_factor_status(UserFactory()).required


def test_an_unconfirmed_app_is_no_second_factor(desk):
    TOTPDevice.objects.create(user=desk, name="half set up", confirmed=False)
    assert not second_factor_status(desk).has_device
    totp_device(desk)
    assert second_factor_status(desk).has_device


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("123456", (CodeKind.APP, "123456")),
        (" 123 456 ", (CodeKind.APP, "123456")),
        ("abcd-efgh", (CodeKind.RECOVERY, "abcdefgh")),
        ("ABCD EFGH", (CodeKind.RECOVERY, "abcdefgh")),
        ("a2c4e6g7", (CodeKind.RECOVERY, "a2c4e6g7")),
        ("12345", None),
        ("1234567", None),
        ("abcdefg1", None),  # 1 is not base32
        ("١٢٣٤٥٦", None),  # digits, but not ASCII ones
        ("12345\x00", None),
        ("", None),
        ("1" * 1_000_000, None),
    ],
)
def test_what_counts_as_a_code(typed, expected):
    assert two_factor.code_parse(typed) == expected


# --- Setting it up on the staff pages ------------------------------------------------------------------------


def test_an_admin_without_an_app_is_sent_to_set_one_up_and_reaches_nothing_else(client, admin, frozen):
    response = password_step(client, "boss", next_to="/patients/")
    assert response.status_code == 302 and response["Location"] == f"{SETUP}?next=%2Fpatients%2F"
    assert signed_in_as(client) == str(admin.pk) and not verified(client)

    for page in ("/", "/patients/", "/worklists/", "/account/two-factor/", "/admin/"):
        refused = client.get(page)
        assert refused.status_code == 302 and refused["Location"].startswith(f"{SETUP}?next="), page
    api = client.get("/api/v1/patients/")
    assert_error(api, 403, codes.TWO_FACTOR_REQUIRED)
    assert client.get(VERIFY).status_code == 302  # nothing to verify yet

    page = client.get(f"{SETUP}?next=/patients/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main")[1] and " style=" not in html
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert client.get(SETUP).context["secret"] == page.context["secret"]  # a reload shows the same key

    wrong = client.post(SETUP, {"code": "000000", "next": "/patients/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    assert not second_factor_status(admin).has_device
    waiting = client.post(SETUP, {"code": totp_code(device), "next": "/patients/"})  # within the second after
    assert "wait" in waiting.context["form"].errors["code"][0]

    frozen.shift(PAST_THROTTLE)
    done = client.post(SETUP, {"code": totp_code(device), "next": "/patients/"})
    assert done.status_code == 200
    recovery = done.context["codes"]
    assert len(recovery) == len(set(recovery)) == 10
    assert all(f"{code[:4]}-{code[4:]}" in done.content.decode() for code in recovery)
    assert 'href="/patients/"' in done.content.decode()
    assert sorted(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)) == sorted(recovery)
    assert verified(client)
    assert client.get("/patients/").status_code == 200
    assert client.get("/api/v1/patients/").status_code == 200

    entries = LogEntry.objects.filter(object_pk=str(admin.pk), content_type__model="user")
    assert [(e.changes, e.additional_data["clinic"], e.actor_id) for e in entries] == [
        ({"authenticator": [None, device.pk]}, admin.clinics.get().pk, admin.pk)
    ]
    assert all(code not in str(e.changes) for e in entries for code in recovery)


def test_a_clinic_that_requires_it_sends_its_desk_to_set_it_up(client, desk, clinic):
    clinic.require_two_factor = True
    clinic.save()
    response = password_step(client, "desk")
    assert response.status_code == 302 and response["Location"] == SETUP


def test_it_is_optional_for_the_desk_who_may_turn_it_on_and_off(client, desk, frozen):
    response = password_step(client, "desk")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/patients/").status_code == 200
    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and not page.context["enabled"] and not page.context["required"]

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=desk)
    recovery = client.post(SETUP, {"code": totp_code(device)}).context["codes"]
    assert second_factor_status(desk).has_device
    page = client.get("/account/two-factor/")
    assert page.context["enabled"] and page.context["codes_left"] == 10

    # Turning it off asks for a current code: a wrong one, or none of either shape, changes nothing.
    for typed in ("000000", "no-such-code", "\x00", "9" * 1_000_000):
        refused = client.post("/account/two-factor/disable/", {"code": typed})
        assert refused.status_code == 200 and refused.context["disable_form"].errors, typed
    assert second_factor_status(desk).has_device
    assert failures("desk") == 0  # a signed-in user's check, not a sign-in

    frozen.shift(PAST_THROTTLE)
    off = client.post("/account/two-factor/disable/", {"code": recovery[0]})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=desk).exists() and not StaticDevice.objects.filter(user=desk).exists()
    entries = LogEntry.objects.filter(object_pk=str(desk.pk), content_type__model="user").order_by("pk")
    changes = list(entries.values_list("changes", flat=True))
    assert changes == [{"authenticator": [None, device.pk]}, {"authenticator": [device.pk, None]}]

    client.post("/logout/")
    assert password_step(client, "desk")["Location"] == "/"  # the password alone again


def test_an_admin_cannot_turn_it_off(client, enrolled):
    admin, device, recovery = enrolled
    signed_in(client, admin)
    page = client.get("/account/two-factor/")
    assert page.context["required"] and b"Turn off two-factor sign-in" not in page.content
    response = client.post("/account/two-factor/disable/", {"code": recovery[0]}, follow=True)
    assert codes.TWO_FACTOR_MANDATORY_MESSAGE in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin).exists()
    assert StaticToken.objects.filter(device__user=admin, token=recovery[0]).exists()  # not used up for nothing
    with pytest.raises(two_factor.TwoFactorMandatory):
        two_factor.two_factor_disable(user=admin)


def test_new_recovery_codes_replace_the_old_ones(client, enrolled, frozen):
    admin, device, old = enrolled
    signed_in(client, admin)
    StaticToken.objects.filter(token=old[0]).delete()  # one used
    page = client.post("/account/two-factor/recovery-codes/")
    assert page.status_code == 200
    new = page.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor.recovery_codes_left(user=admin) == 10
    assert not two_factor.second_factor_verify(user=admin, code=old[1]).device
    frozen.shift(PAST_THROTTLE)
    assert two_factor.second_factor_verify(user=admin, code=new[1]).device
    entry = LogEntry.objects.get(object_pk=str(admin.pk), content_type__model="user")
    assert entry.changes == {"recovery_codes_left": [9, 10]}
    assert client.get("/account/two-factor/recovery-codes/").status_code == 405


def test_moving_to_a_new_phone_replaces_the_old_app(client, enrolled, frozen):
    admin, old, _ = enrolled
    signed_in(client, admin)
    page = client.get(SETUP)
    assert page.status_code == 200 and page.context["replacing"]
    new = TOTPDevice.objects.get(user=admin, confirmed=False)
    client.post(SETUP, {"code": totp_code(new)})
    assert list(TOTPDevice.objects.filter(user=admin).values_list("pk", flat=True)) == [new.pk]
    assert two_factor.recovery_codes_left(user=admin) == 10


def test_an_unverified_session_cannot_set_up_a_new_app_to_skip_the_code(client, enrolled):
    admin, _, _ = enrolled
    client.force_login(admin)  # a password-only session of a user who has an app
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=admin, confirmed=False).exists()


# --- Signing in with a code ----------------------------------------------------------------------------------


def test_with_an_app_the_password_leads_to_the_code_and_next_is_kept(client, enrolled):
    admin, device, _ = enrolled
    response = password_step(client, "boss", next_to="/worklists/")
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2Fworklists%2F"
    assert signed_in_as(client) is None  # not signed in until the code is right
    assert client.get("/worklists/").status_code == 302
    assert client.get(response["Location"]).status_code == 200

    done = code_step(client, totp_code(device), next_to="/worklists/")
    assert done.status_code == 302 and done["Location"] == "/worklists/"
    assert signed_in_as(client) == str(admin.pk) and verified(client)
    assert PENDING not in client.session
    assert client.get("/worklists/").status_code == 200
    admin.refresh_from_db()
    assert admin.last_login is not None


def test_a_foreign_next_is_dropped(client, enrolled):
    admin, device, _ = enrolled
    password_step(client, "boss", next_to="https://elsewhere.example/")
    done = code_step(client, totp_code(device), next_to="https://elsewhere.example/")
    assert done["Location"] == "/"


def test_an_app_code_works_once(client, enrolled, frozen):
    admin, device, _ = enrolled
    code = totp_code(device)
    password_step(client, "boss")
    assert code_step(client, code).status_code == 302
    client.post("/logout/")
    password_step(client, "boss")
    again = code_step(client, code)
    assert again.status_code == 200 and again.context["form"].errors["code"]
    frozen.shift(30)
    assert code_step(client, totp_code(device)).status_code == 302


def test_a_recovery_code_works_once(client, enrolled, frozen):
    admin, _, recovery = enrolled
    password_step(client, "boss")
    first = code_step(client, recovery[3].upper()[:4] + "-" + recovery[3][4:], next_to="/patients/")
    assert first.status_code == 302 and first["Location"] == "/patients/"
    assert verified(client)
    shown = client.get("/patients/")
    assert "9 left" in shown.content.decode()
    client.post("/logout/")

    frozen.shift(PAST_THROTTLE)
    password_step(client, "boss")
    again = code_step(client, recovery[3])
    assert again.status_code == 200 and signed_in_as(client) is None
    assert two_factor.recovery_codes_left(user=admin) == 9


@pytest.mark.parametrize("typed", ["", "12345", "abcdef", "12345\x00", "\x00" * 6, "8" * 1_000_000, "' OR 1=1 --"])
def test_hostile_codes_are_a_form_error_and_no_guess(client, enrolled, typed):
    password_step(client, "boss")
    response = code_step(client, typed)
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert signed_in_as(client) is None
    assert failures("boss") == 0


def test_the_half_way_sign_in_expires(client, enrolled, frozen):
    admin, device, _ = enrolled
    password_step(client, "boss")
    frozen.shift(11 * 60)
    response = code_step(client, totp_code(device))
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert signed_in_as(client) is None and PENDING not in client.session


def test_a_password_changed_meanwhile_ends_the_half_way_sign_in(client, enrolled):
    admin, device, _ = enrolled
    password_step(client, "boss")
    admin.set_password("another-one-entirely")
    admin.save()
    code_step(client, totp_code(device))
    assert signed_in_as(client) is None


def test_cancel_signs_out_of_the_half_way_sign_in(client, enrolled):
    password_step(client, "boss")
    client.post("/logout/")
    assert PENDING not in client.session
    assert client.get(VERIFY)["Location"] == "/login/"


def test_a_password_only_session_of_a_user_with_an_app_owes_the_code(client, enrolled):
    admin, device, _ = enrolled
    client.force_login(admin)  # e.g. a session from before two-factor was set up elsewhere
    refused = client.get("/patients/")
    assert refused.status_code == 302 and refused["Location"] == f"{VERIFY}?next=%2Fpatients%2F"
    assert client.get("/api/v1/patients/").status_code == 403
    done = code_step(client, totp_code(device), next_to="/patients/")
    assert done["Location"] == "/patients/" and verified(client)
    assert client.get("/patients/").status_code == 200


def test_an_htmx_request_owing_a_step_is_told_to_load_the_step_whole(client, admin):
    client.force_login(admin)
    response = client.get("/patients/", {"q": "ro"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].startswith(SETUP)


# --- The lockout on the code step ----------------------------------------------------------------------------


def test_wrong_codes_lock_the_pair_out_even_with_the_right_code_then(client, enrolled, frozen, settings):
    admin, device, recovery = enrolled
    password_step(client, "boss", address=ATTACKER)
    for wrong in ["000000", "zzzz-zzzz", "111111", "yyyyyyyy"][: settings.AXES_FAILURE_LIMIT - 1]:
        frozen.shift(PAST_THROTTLE)
        response = code_step(client, wrong, address=ATTACKER)
        assert response.status_code == 200 and response.context["form"].errors["code"], wrong
    assert failures("boss", ATTACKER) == settings.AXES_FAILURE_LIMIT - 1

    frozen.shift(PAST_THROTTLE)
    last = code_step(client, "999999", address=ATTACKER)
    assert last.status_code == 429 and codes.LOCKED_OUT_MESSAGE in last.content.decode()

    frozen.shift(PAST_THROTTLE)
    for code in (totp_code(device), recovery[0]):
        locked = code_step(client, code, address=ATTACKER)
        assert locked.status_code == 429 and signed_in_as(client) is None
    assert two_factor.recovery_codes_left(user=admin) == 10  # not even checked
    assert password_step(Client(), "boss", address=ATTACKER).status_code == 429

    # The real user, at home, is not locked out.
    home = Client()
    password_step(home, "boss")
    assert code_step(home, recovery[0]).status_code == 302


def test_a_right_password_again_does_not_clear_the_wrong_codes(client, enrolled, frozen, settings):
    """Otherwise a known password would buy four more guesses each time."""
    admin, device, _ = enrolled
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        frozen.shift(PAST_THROTTLE)
        assert password_step(client, "boss", address=ATTACKER).status_code == 302
        code_step(client, "000000", address=ATTACKER)
    frozen.shift(PAST_THROTTLE)
    password_step(client, "boss", address=ATTACKER)
    assert code_step(client, "000000", address=ATTACKER).status_code == 429


def test_a_right_code_clears_the_pairs_failures(client, enrolled, frozen, settings):
    admin, device, _ = enrolled
    password_step(client, "boss")
    for _ in range(3):
        frozen.shift(PAST_THROTTLE)
        code_step(client, "000000")
    assert failures("boss") == 3
    frozen.shift(PAST_THROTTLE)
    assert code_step(client, totp_code(device)).status_code == 302
    assert failures("boss") == 0


def test_the_app_waits_after_wrong_codes_in_a_row_whatever_the_address(client, enrolled, frozen):
    admin, device, _ = enrolled
    password_step(client, "boss")
    code_step(client, "000000")
    code_step(client, "111111")  # within the second: not even checked
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    elsewhere = Client()
    password_step(elsewhere, "boss", address=ATTACKER)
    waiting = code_step(elsewhere, totp_code(device), address=ATTACKER)
    assert "wait" in waiting.context["form"].errors["code"][0] and signed_in_as(elsewhere) is None
    assert failures("boss", ATTACKER) == 0  # a code not checked is no guess
    frozen.shift(2)
    assert code_step(elsewhere, totp_code(device), address=ATTACKER).status_code == 302


# --- The admin site --------------------------------------------------------------------------------------------


def test_the_admin_signs_in_through_the_staff_pages(client, enrolled):
    admin, device, _ = enrolled
    to_admin_login = client.get("/admin/")
    assert to_admin_login["Location"] == "/admin/login/?next=/admin/"
    to_staff_login = client.get(to_admin_login["Location"])
    assert to_staff_login.status_code == 302 and to_staff_login["Location"] == "/login/?next=/admin/"
    password_step(client, "boss", next_to="/admin/")
    done = code_step(client, totp_code(device), next_to="/admin/")
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/?next=/admin/scheduler/chair/")["Location"] == "/admin/scheduler/chair/"


def test_the_admins_own_form_signs_no_one_in(client, admin):
    response = client.post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert signed_in_as(client) is None


def test_the_admin_site_needs_a_verified_session(client, enrolled, rf):
    admin, _, _ = enrolled
    from django.contrib import admin as django_admin

    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith(VERIFY)  # the middleware sends to the code
    request = rf.get("/admin/")
    request.user = admin
    request.user.is_verified = lambda: False
    assert not django_admin.site.has_permission(request)
    request.user.is_verified = lambda: True
    assert django_admin.site.has_permission(request)


def test_a_signed_in_user_the_admin_is_not_for_gets_a_403_not_a_loop(client, desk):
    signed_in(client, desk)  # no is_staff
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_staff_without_a_second_factor_who_need_none_keep_the_admin(client, desk):
    desk.is_staff = True
    desk.save()
    password_step(client, "desk")
    assert client.get("/admin/").status_code == 200


# --- The API ---------------------------------------------------------------------------------------------------


def token(body, address=HOME):
    return APIClient().post(TOKEN_URL, body, format="json", REMOTE_ADDR=address)


def test_the_token_endpoint_asks_for_the_second_factor(enrolled, frozen):
    admin, device, recovery = enrolled
    assert_error(token({"username": "boss", "password": PASSWORD}), 400, codes.OTP_REQUIRED)
    assert_error(token({"username": "boss", "password": PASSWORD, "otp": ""}), 400, codes.OTP_REQUIRED)
    assert failures("boss") == 0
    assert_error(token({"username": "boss", "password": PASSWORD, "otp": "000000"}), 400, codes.OTP_INVALID)
    assert failures("boss") == 1
    frozen.shift(PAST_THROTTLE)
    ok = token({"username": "boss", "password": PASSWORD, "otp": totp_code(device)})
    assert ok.status_code == 200 and ok.json()["token"]
    assert failures("boss") == 0
    assert token({"username": "boss", "password": PASSWORD, "otp": recovery[0]}).status_code == 200
    assert_error(token({"username": "boss", "password": PASSWORD, "otp": recovery[0]}), 400, codes.OTP_INVALID)
    # A wrong password is the same generic refusal whatever the otp.
    assert_error(token({"username": "boss", "password": "nope", "otp": recovery[1]}), 400, codes.INVALID_CREDENTIALS)


def test_an_admin_without_a_second_factor_gets_no_token(admin):
    body = assert_error(token({"username": "boss", "password": PASSWORD}), 403, codes.TWO_FACTOR_SETUP_REQUIRED)
    assert "staff pages" in body["message"]


def test_a_user_who_needs_none_gets_a_token_without_otp(desk):
    assert token({"username": "desk", "password": PASSWORD}).status_code == 200
    assert token({"username": "desk", "password": PASSWORD, "otp": "123456"}).status_code == 200


def test_wrong_otps_lock_the_pair_out(enrolled, frozen, settings):
    admin, device, _ = enrolled
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        frozen.shift(PAST_THROTTLE)
        assert_error(token({"username": "boss", "password": PASSWORD, "otp": "000000"}, ATTACKER), 400, codes.OTP_INVALID)
    frozen.shift(PAST_THROTTLE)
    locked = token({"username": "boss", "password": PASSWORD, "otp": "000000"}, ATTACKER)
    assert_error(locked, 429, codes.LOCKED_OUT)
    assert locked["Retry-After"]
    frozen.shift(PAST_THROTTLE)
    assert_error(token({"username": "boss", "password": PASSWORD, "otp": totp_code(device)}, ATTACKER), 429, codes.LOCKED_OUT)
    assert token({"username": "boss", "password": PASSWORD, "otp": totp_code(device)}).status_code == 200


def test_a_throttled_otp_says_how_long_to_wait(enrolled):
    admin, device, _ = enrolled
    token({"username": "boss", "password": PASSWORD, "otp": "000000"})
    body = assert_error(token({"username": "boss", "password": PASSWORD, "otp": totp_code(device)}), 400, codes.OTP_INVALID)
    assert body["details"] == {"retry_after_seconds": 1}
    assert failures("boss") == 1


@pytest.mark.parametrize(
    ("otp", "code"),
    [("12\x0034", "validation_error"), ("7" * 1_000_000, "validation_error"), ("abcdef", codes.OTP_INVALID), (["1"], "validation_error")],
)
def test_hostile_otps_are_400s(enrolled, otp, code):
    assert_error(token({"username": "boss", "password": PASSWORD, "otp": otp}), 400, code)
    assert failures("boss") == 0


def test_a_session_owing_a_step_may_not_use_the_api_but_a_token_may(client, enrolled, desk):
    admin, device, _ = enrolled
    client.force_login(admin)
    assert_error(client.get("/api/v1/patients/"), 403, codes.TWO_FACTOR_REQUIRED)
    assert_error(client.post("/api/v1/patients/", {}, content_type="application/json"), 403, codes.TWO_FACTOR_REQUIRED)

    desk_token = token({"username": "desk", "password": PASSWORD}).json()["token"]
    # With its own credentials, a request is judged by them alone: the session does not count.
    assert client.get("/api/v1/patients/", HTTP_AUTHORIZATION=f"Token {desk_token}").status_code == 200
    assert client.get("/api/v1/audit/", HTTP_AUTHORIZATION=f"Token {desk_token}").status_code == 403  # desk's role
    assert client.get("/api/v1/patients/", HTTP_AUTHORIZATION="Basic Ym9zczpub3BlCg==").status_code == 401
    # The token endpoint itself stays open to the half-signed-in browser.
    assert client.post(TOKEN_URL, {"username": "desk", "password": PASSWORD}, content_type="application/json").status_code == 200


def test_the_token_endpoint_documents_the_second_factor():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert {"200", "400", "403", "429"} <= set(operation["responses"])
    examples = operation["responses"]["400"]["content"]["application/json"]["examples"]
    assert {e["value"]["code"] for e in examples.values()} >= {codes.OTP_REQUIRED, codes.OTP_INVALID}
    forbidden = operation["responses"]["403"]["content"]["application/json"]["examples"]
    assert [e["value"]["code"] for e in forbidden.values()] == [codes.TWO_FACTOR_SETUP_REQUIRED]
    request = schema["components"]["schemas"]["TokenRequestRequest"]
    assert "otp" in request["properties"] and "otp" not in request["required"]


def test_the_app_shows_a_neutral_issuer(admin, settings):
    device = two_factor.totp_device_start(user=admin)
    assert device.config_url.startswith("otpauth://totp/Clinic%20scheduler%3Aboss?")
    assert settings.OTP_TOTP_ISSUER == "Clinic scheduler"


def test_a_set_up_page_left_open_gets_a_fresh_key_after_an_hour(admin, frozen):
    first = two_factor.totp_device_start(user=admin)
    assert two_factor.totp_device_start(user=admin) == first
    code = totp_code(first)
    frozen.shift(61 * 60)
    later = two_factor.totp_device_start(user=admin)
    assert later != first and not TOTPDevice.objects.filter(pk=first.pk).exists()
    assert two_factor.totp_device_confirm(user=admin, device_id=first.pk, code=code) is None
    assert not second_factor_status(admin).has_device
