"""Signing in for API clients, and ending sign-ins: API tokens (django-rest-knox) and web sessions.

A sign-in through the API makes a new token for that device; it expires after settings.API_TOKEN_TTL_HOURS.
A token ends early when its device signs out, when its user signs out everywhere, and when the account
is deactivated (accounts.receivers). Ending "everywhere" ends the user's web sessions as well.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import CONSTANTS

from accounts import error_codes as codes
from accounts.lockout import retry_after_seconds
from accounts.models import DEVICE_LABEL_LENGTH, TokenDevice, UserSession
from accounts.two_factor import second_factor_check
from audit import records as audit
from common.errors import ApplicationError


class SignInRefused(ApplicationError):
    """Wrong credentials, an inactive account or an unknown user: one answer for all three."""


class SignInLockedOut(ApplicationError):
    """Too many failures for this username from this address (django-axes)."""


class TokenNotFound(ApplicationError):
    """No live token of this user has that id (another user's token included)."""

    status = 404


@dataclass(frozen=True)
class IssuedToken:
    secret: str  # the token itself: handed to the client once, stored only as a hash
    key: str  # its public id (knox's token_key: its first characters)
    expires_at: dt.datetime


@dataclass(frozen=True)
class SignInsEnded:
    """What was ended: live API tokens and live web sessions."""

    api_tokens: int
    web_sessions: int


def token_obtain(*, request, username: str, password: str, device: str = "", otp: str | None = None) -> IssuedToken:
    """A new API token for a correct username and password, for the device named `device`.

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
    return api_token_create(user=user, device=device)


def device_label(text: str) -> str:
    """A device name fit to list: control characters dropped, spaces collapsed, cut to the column's length."""
    kept = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(kept.split())[:DEVICE_LABEL_LENGTH]


@transaction.atomic
def api_token_create(*, user, device: str = "") -> IssuedToken:
    """A new token for `user` (knox: random, stored as its SHA-512 hash), valid for API_TOKEN_TTL_HOURS."""
    # knox deletes an expired token only when it is presented; signing in sweeps them all, so the table
    # holds little more than the tokens of the last TTL.
    AuthToken.objects.filter(expiry__lte=timezone.now()).delete()
    token, secret = AuthToken.objects.create(user=user)
    TokenDevice.objects.create(token=token, label=device_label(device))
    return IssuedToken(secret=secret, key=token.token_key, expires_at=token.expiry)


_TOKEN_KEY = re.compile(rf"[0-9a-f]{{{CONSTANTS.TOKEN_KEY_LENGTH}}}")


def api_token_revoke(*, user, key: str) -> None:
    """End one of the user's own tokens, by its id; another user's token is not found."""
    if not _TOKEN_KEY.fullmatch(key):  # not an id knox makes (nor a string the database can take, e.g. a NUL)
        raise TokenNotFound(codes.TOKEN_NOT_FOUND, codes.TOKEN_NOT_FOUND_MESSAGE)
    deleted, _ = AuthToken.objects.filter(user=user, token_key=key, expiry__gt=timezone.now()).delete()
    if not deleted:
        raise TokenNotFound(codes.TOKEN_NOT_FOUND, codes.TOKEN_NOT_FOUND_MESSAGE)


def api_token_revoke_current(*, token: AuthToken) -> None:
    """End the token a request came with (signing out of that device)."""
    token.delete()


def _sign_ins_end(*, user) -> SignInsEnded:
    """Delete every API token and every web session of `user`; count the ones still live."""
    now = timezone.now()
    tokens = AuthToken.objects.filter(user=user)
    sessions = UserSession.objects.filter(user=user)
    live_tokens = tokens.filter(expiry__gt=now).delete()[1].get(AuthToken._meta.label, 0)
    tokens.delete()
    live_sessions, _ = sessions.filter(expire_date__gt=now).delete()
    sessions.delete()
    return SignInsEnded(api_tokens=live_tokens, web_sessions=live_sessions)


def _audit(user, changes: dict, *, actor=None) -> None:
    """An entry on the user's account; it names no clinic, so superusers read it (the admin's audit log)."""
    audit.record((get_user_model(), user.pk), audit.UPDATE, changes=changes, actor=actor)


@transaction.atomic
def user_sign_out_everywhere(*, user) -> SignInsEnded:
    """The user ends all their sign-ins: every API token, every web session (the caller's own included).

    A view answering a browser must also `django.contrib.auth.logout()` its request: its session row is gone,
    and the request must not save it again.
    """
    ended = _sign_ins_end(user=user)
    _audit(user, {"api_tokens": [ended.api_tokens, 0], "web_sessions": [ended.web_sessions, 0]}, actor=user)
    return ended


@transaction.atomic
def user_deactivated(*, user, was_active: bool) -> SignInsEnded:
    """A deactivated account keeps no sign-in: called on every save of an inactive user (accounts.receivers).

    Inside the save's transaction where there is one (the admin's); the user's row is saved before, so an
    interruption in between leaves an inactive user whose token and sessions are refused all the same.
    The audit entry is written on the change from active to inactive; its actor is whoever made the request
    (an admin), or none from a shell.
    """
    ended = _sign_ins_end(user=user)
    if was_active:
        _audit(user, {
            "is_active": [True, False],
            "api_tokens": [ended.api_tokens, 0],
            "web_sessions": [ended.web_sessions, 0],
        })
    return ended
