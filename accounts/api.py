"""The API's way in and out under /api/v1/auth/: sign in for a token, list your signed-in devices, sign out.

Signing in is open to anyone; the rest is for any signed-in user, whatever their role, and concerns only
their own tokens. Called with a session cookie (the API docs in a browser) they need the CSRF token, as
every session-authenticated write does.
"""

from __future__ import annotations

import unicodedata

from django.contrib.auth import logout
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import error_codes as codes
from accounts.models import DEVICE_LABEL_LENGTH
from accounts.selectors import api_token_list
from accounts.services import (
    api_token_revoke,
    api_token_revoke_current,
    device_label,
    token_obtain,
    user_sign_out_everywhere,
)
from common.api import ErrorSerializer
from common.openapi import error_example, error_response
from common.serializers import StrictCharField, StrictSerializer

TOKEN_EXAMPLE = "0f3c9a1b2d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4"  # noqa: S105 (made up, for the docs)
EXPIRES_EXAMPLE = "2027-03-01T19:00:00Z"

CSRF_REFUSED = error_response(
    "Signed in with a session cookie but without the CSRF token.",
    error_example("permission_denied", "CSRF Failed: CSRF token missing."),
)
BAD_TOKEN = error_example(
    "authentication_failed", "Invalid token.", name="Expired or revoked token"
)
UNAUTHENTICATED_OR_BAD_TOKEN = error_response(
    "Not signed in, or the token has expired or was revoked (sign in again).",
    error_example("not_authenticated", "Authentication credentials were not provided."),
    BAD_TOKEN,
)


def _no_control_characters(value: str) -> None:
    if any(unicodedata.category(ch)[0] == "C" for ch in value):
        raise serializers.ValidationError("The device name may not contain control characters.")


class TokenRequestSerializer(StrictSerializer):
    username = StrictCharField(max_length=150, trim_whitespace=False)
    password = StrictCharField(max_length=1024, trim_whitespace=False, style={"input_type": "password"})
    device = StrictCharField(
        max_length=DEVICE_LABEL_LENGTH, required=False, allow_blank=True, default="",
        validators=[_no_control_characters],
        help_text="A name for this device in your list of signed-in devices (e.g. \"Ward tablet 3\"); "
        "left out, the client's User-Agent is used.",
    )
    otp = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text=(
            "The second factor, for an account that has one: the 6-digit code from the authenticator app, or one "
            "of the recovery codes (each works once)."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it on every request as `Authorization: Token <token>`. Shown once.")
    expires_at = serializers.DateTimeField(help_text="When it stops working (UTC); then sign in again.")


class SignedInDeviceSerializer(serializers.Serializer):
    id = serializers.CharField(source="token_key", help_text="The token's public id: its first characters, never the whole token.")
    device = serializers.SerializerMethodField(help_text="The name given at sign-in, else the client's User-Agent.")
    created_at = serializers.DateTimeField(source="created", help_text="When the device signed in.")
    expires_at = serializers.DateTimeField(source="expiry", help_text="When its token stops working.")
    current = serializers.SerializerMethodField(help_text="Whether this request came with this token.")

    def get_device(self, token: AuthToken) -> str:
        device = getattr(token, "device", None)
        return device.label if device is not None else ""

    def get_current(self, token: AuthToken) -> bool:
        return token.digest == self.context.get("current_digest")


def _current_token(request) -> AuthToken | None:
    """The token the request authenticated with; None for a session-authenticated request."""
    return request.auth if isinstance(request.auth, AuthToken) else None


class TokenObtainView(APIView):
    """Open to anyone (it is the way in); no session, so no CSRF token is needed."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Sign in: exchange a username and password for an API token",
        description=(
            "Returns a new API token for this device, and when it expires (a fixed lifetime from sign-in, "
            "`API_TOKEN_TTL_HOURS`, 12 hours unless configured; using the token does not extend it). Each sign-in "
            "makes a token of its own: sign out with `POST /api/v1/auth/logout/`, or everywhere with "
            "`POST /api/v1/auth/logout-all/`. Send it as `Authorization: Token <token>`; an expired or revoked "
            "token is a 401 `authentication_failed`. The token is shown only here: the server keeps only its hash. "
            "Wrong credentials, an unknown user and an inactive account all get the same 400 `invalid_credentials`. "
            "After 5 failures for one username from one address, that pair is locked out for 30 minutes (429 "
            "`locked_out`), even with the right password; the same user from another address is not affected.\n\n"
            "Two-factor: an account with an authenticator app must also send `otp` (the app's 6-digit code or a "
            "recovery code): without it 400 `otp_required`, a wrong one 400 `otp_invalid` (counted as a failed "
            "sign-in for the lockout). An account that must use two-factor (admins, and the staff of a clinic that "
            "requires it) and has not set it up gets 403 `two_factor_setup_required`: it is set up in the staff pages."
        ),
        tags=["auth"],
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Bad input, wrong credentials, or a missing or wrong `otp`."),
            403: OpenApiResponse(ErrorSerializer, description="Two-factor sign-in is required and not set up yet."),
            429: OpenApiResponse(ErrorSerializer, description="Too many failed attempts from this address."),
        },
        examples=[
            OpenApiExample(
                "Sign in",
                value={"username": "frontdesk", "password": "correct-horse-battery", "device": "Ward tablet 3"},
                request_only=True,
            ),
            OpenApiExample(
                "Token",
                value={"token": TOKEN_EXAMPLE, "expires_at": EXPIRES_EXAMPLE},
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Sign in with a second factor",
                value={"username": "admin", "password": "correct-horse-battery", "otp": "492039"},
                request_only=True,
            ),
            OpenApiExample(
                "Wrong credentials",
                value={"code": codes.INVALID_CREDENTIALS, "message": codes.INVALID_CREDENTIALS_MESSAGE, "details": {}},
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "Missing field",
                value={
                    "code": "validation_error",
                    "message": "The request is not valid: password: This field is required.",
                    "details": {"password": ["This field is required."]},
                },
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "Second factor missing",
                value={"code": codes.OTP_REQUIRED, "message": codes.OTP_REQUIRED_MESSAGE, "details": {}},
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "Second factor wrong",
                value={"code": codes.OTP_INVALID, "message": codes.OTP_INVALID_MESSAGE, "details": {}},
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "Two-factor not set up",
                value={
                    "code": codes.TWO_FACTOR_SETUP_REQUIRED,
                    "message": codes.TWO_FACTOR_SETUP_REQUIRED_MESSAGE,
                    "details": {},
                },
                response_only=True,
                status_codes=["403"],
            ),
            OpenApiExample(
                "Locked out",
                value={"code": codes.LOCKED_OUT, "message": codes.LOCKED_OUT_MESSAGE, "details": {}},
                response_only=True,
                status_codes=["429"],
            ),
        ],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        # No name given: the client's User-Agent tells one device from another well enough.
        fields["device"] = fields.get("device") or device_label(request.META.get("HTTP_USER_AGENT", ""))
        issued = token_obtain(request=request, **fields)
        return Response(TokenSerializer({"token": issued.secret, "expires_at": issued.expires_at}).data)


class TokenListView(generics.ListAPIView):
    serializer_class = SignedInDeviceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return AuthToken.objects.none()
        return api_token_list(user=self.request.user)

    def get_serializer_context(self):
        current = _current_token(self.request)
        return {**super().get_serializer_context(), "current_digest": current.digest if current else None}

    @extend_schema(
        operation_id="auth_tokens_list",
        summary="List your signed-in devices (your live API tokens)",
        description=(
            "Your own tokens that still work, newest first: each one's id (the token's first characters), device "
            "name, when it signed in and when it expires, and whether this request came with it. The tokens "
            "themselves are never shown again. Any signed-in user, whatever their role."
        ),
        tags=["auth"],
        responses={
            200: SignedInDeviceSerializer(many=True),
            400: error_response(
                "`page` or `page_size` is not a whole number in its range.",
                error_example("validation_error", "The request is not valid: page: Ensure this value is greater than "
                              "or equal to 1.", {"page": ["Ensure this value is greater than or equal to 1."]}),
            ),
            401: UNAUTHENTICATED_OR_BAD_TOKEN,
            404: error_response("A page past the end.", error_example("not_found", "Invalid page.")),
        },
        examples=[
            OpenApiExample(
                "Two devices",
                value={
                    "id": TOKEN_EXAMPLE[:15],
                    "device": "Ward tablet 3",
                    "created_at": "2027-03-01T07:00:00Z",
                    "expires_at": EXPIRES_EXAMPLE,
                    "current": True,
                },
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TokenRevokeView(APIView):
    @extend_schema(
        operation_id="auth_tokens_revoke",
        summary="Sign out one of your devices (revoke one of your tokens)",
        description=(
            "Ends the token with this id (from `GET /api/v1/auth/tokens/`): requests with it get 401 from now on. "
            "Only your own tokens: any other id, another user's token included, is a 404."
        ),
        tags=["auth"],
        parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH, description="The token's id, as listed.")],
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked."),
            401: UNAUTHENTICATED_OR_BAD_TOKEN,
            403: CSRF_REFUSED,
            404: error_response(
                "You have no live token with this id.", error_example(codes.TOKEN_NOT_FOUND, codes.TOKEN_NOT_FOUND_MESSAGE)
            ),
        },
    )
    def delete(self, request, id: str):  # noqa: A002 (the path's parameter is named as every API id is)
        api_token_revoke(user=request.user, key=id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    @extend_schema(
        operation_id="auth_logout",
        summary="Sign out this device",
        description=(
            "Revokes the token the request came with; the device's other requests with it get 401 from now on. "
            "Your other devices stay signed in. Called from a signed-in browser (session cookie, with the CSRF "
            "token), it ends that browser's session instead. Takes no body."
        ),
        tags=["auth"],
        request=None,
        responses={204: OpenApiResponse(description="Signed out."), 401: UNAUTHENTICATED_OR_BAD_TOKEN, 403: CSRF_REFUSED},
    )
    def post(self, request):
        token = _current_token(request)
        if token is not None:
            api_token_revoke_current(token=token)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    @extend_schema(
        operation_id="auth_logout_all",
        summary="Sign out everywhere",
        description=(
            "Revokes every API token of yours, this one included, and ends every web session of yours (the staff "
            "pages in any browser). Use it when a device is lost or a password may be known to someone else "
            "(then change the password too). Recorded in the audit trail. Takes no body."
        ),
        tags=["auth"],
        request=None,
        responses={
            204: OpenApiResponse(description="Every sign-in ended."), 401: UNAUTHENTICATED_OR_BAD_TOKEN, 403: CSRF_REFUSED,
        },
    )
    def post(self, request):
        user_sign_out_everywhere(user=request.user)
        if _current_token(request) is None:
            # A browser: its own session row is gone; it must not be saved again at the end of the request.
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
