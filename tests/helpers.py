"""Helpers the tests share: staff users with roles, API tokens, clients (signed in with a second factor where
needed), the authenticator app's codes, and the error-shape assertion."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient

from accounts.authentication import TokenAuthentication
from accounts.services import api_token_create
from accounts.two_factor import second_factor_status
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from tests.factories import UserFactory

#: Every role a staff user can hold, and None: a member of the clinic holding no role at all.
ROLES: tuple[str | None, ...] = (ADMIN, FRONT_DESK, CLINICIAN, None)


def staff_user(role: str | None, *clinics, **kwargs):
    """A staff user holding `role` (a group name; None for none) in the given clinics."""
    user = UserFactory(**kwargs)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    for clinic in clinics:
        clinic.staff.add(user)
    return user


def staff_of_every_role(clinic, prefix: str, **kwargs) -> dict:
    """A staff user of the clinic for each of ROLES, named `<prefix>-<role>` (`<prefix>-norole` for None)."""
    return {role: staff_user(role, clinic, username=f"{prefix}-{role or 'norole'}", **kwargs) for role in ROLES}


def api_token_for(user, device: str = "tests") -> str:
    """A new API token of `user` (django-rest-knox, as a sign-in makes it), for `Authorization: Token <token>`.

    It expires API_TOKEN_TTL_HOURS after the current (possibly travelled) time: make it at the time the
    requests are sent.
    """
    return api_token_create(user=user, device=device).secret


def api_token_user(token: str):
    """The user a token authenticates as (raises AuthenticationFailed if it does not), as a request would see it."""
    user, _ = TokenAuthentication().authenticate_credentials(token.encode())
    return user


def api_token_works(token: str) -> bool:
    """Whether a request with this token would be let in."""
    try:
        api_token_user(token)
    except AuthenticationFailed:
        return False
    return True


def client_for(user=None) -> APIClient:
    """An API client signed in as `user` (a fresh copy, so no role or clinic cache carries over)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return client


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    """The API's one error shape, with this status and code (and `field` among the details)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert set(body) == {"code", "message", "details"} and body["message"], body
    if field:
        assert field in body["details"], body
    return body


# --- Two-factor sign-in ------------------------------------------------------------------------------


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator app (made if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def totp_code(device: TOTPDevice, *, at: float | None = None, steps: int = 0) -> str:
    """The code the app shows at `at` (now by default), `steps` time steps later: what a phone would compute."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = (time.time() if at is None else at) + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def signed_in(client, user):
    """`client` (Django's test client) signed in as `user`, with the second factor given when they have or need one.

    The one place the tests skip the code step: a session verified by the user's app, as the code step leaves it.
    """
    client.force_login(user)
    status = second_factor_status(user)
    if status.has_device or status.required:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client
