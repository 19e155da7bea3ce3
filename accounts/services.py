"""Signing in for API clients: credentials in, a token out, through the same guard as every login path."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from rest_framework.authtoken.models import Token

from accounts import error_codes as codes
from accounts.lockout import retry_after_seconds
from accounts.two_factor import second_factor_check
from common.errors import ApplicationError


class SignInRefused(ApplicationError):
    """Wrong credentials, an inactive account or an unknown user: one answer for all three."""


class SignInLockedOut(ApplicationError):
    """Too many failures for this username from this address (django-axes)."""


def token_obtain(*, request, username: str, password: str, otp: str | None = None) -> Token:
    """The user's API token for a correct username and password (created on first sign-in).

    `request` is the DRF request: django-axes reads the client address from it and flags it when the
    (username, address) pair is locked out. A success clears that pair's failures, as a session login does
    (AXES_RESET_ON_SUCCESS), without creating a session. A user with a second factor also sends `otp`
    (accounts.two_factor.second_factor_check); the pair's failures are cleared only once that passed.
    """
    user = authenticate(request=request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        seconds = retry_after_seconds(request)
        # The answer axes gives every login path (accounts.lockout), with Retry-After.
        raise SignInLockedOut(
            codes.LOCKED_OUT, codes.LOCKED_OUT_MESSAGE, status=429, headers={"Retry-After": str(seconds)} if seconds else None
        )
    if user is None:
        raise SignInRefused(codes.INVALID_CREDENTIALS, codes.INVALID_CREDENTIALS_MESSAGE, status=400)
    second_factor_check(request=request, user=user, otp=otp)
    address = getattr(request, "axes_ip_address", None)
    if settings.AXES_RESET_ON_SUCCESS and address:
        # This pair only: a lockout of the same name from another address stays.
        axes_reset(ip=address, username=user.get_username())
    update_last_login(type(user), user)  # a signal receiver called directly; it ignores its sender
    token, _ = Token.objects.get_or_create(user=user)
    return token
