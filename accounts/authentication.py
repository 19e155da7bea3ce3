"""API token authentication: django-rest-knox's, refusing a malformed token before any query.

`Authorization: Token <token>`. An unknown, expired or revoked token, and the token of a deactivated
account, are all 401 `authentication_failed` (common.api's error shape).
"""

from __future__ import annotations

import re

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth
from knox.settings import knox_settings
from rest_framework import exceptions

INVALID_TOKEN = "Invalid token."  # noqa: S105 (a message, knox's own wording)


def _token_pattern() -> re.Pattern[bytes]:
    prefix = re.escape(knox_settings.TOKEN_PREFIX.encode())
    return re.compile(prefix + rb"[0-9a-f]{%d}" % knox_settings.AUTH_TOKEN_CHARACTER_LENGTH)


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        # knox decodes the header as UTF-8 and queries with it: bytes that are not UTF-8 would be a 500, a NUL
        # a database error. Anything but the shape knox issues cannot be a token, so it is refused unread.
        if not _token_pattern().fullmatch(token):
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        """Delete this token if it has expired (then it does not authenticate).

        knox also loads and deletes every other expired token of the user here, on every request; signing in
        does that once instead (accounts.services.api_token_create).
        """
        if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme: the name (`tokenAuth`) and header DRF's token authentication had."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=knox_settings.AUTH_HEADER_PREFIX)

