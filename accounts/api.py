"""POST /api/v1/auth/token/: a username and password in, an API token out."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import error_codes as codes
from accounts.services import token_obtain
from common.api import ErrorSerializer
from common.parsers import JSONParser


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=1024, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text=(
            "The second factor, for an account that has one: the 6-digit code from the authenticator app, or one "
            "of the recovery codes (each works once)."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it on every request as `Authorization: Token <token>`.")


class TokenObtainView(APIView):
    """Open to anyone (it is the way in); no session, so no CSRF token is needed."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Sign in: exchange a username and password for an API token",
        description=(
            "Returns the user's API token (created on first sign-in; the same token afterwards). Send it as "
            "`Authorization: Token <token>`. Wrong credentials, an unknown user and an inactive account all get "
            "the same 400 `invalid_credentials`. After 5 failures for one username from one address, that pair "
            "is locked out for 30 minutes (429 `locked_out`), even with the right password; the same user from "
            "another address is not affected.\n\n"
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
                "Sign in", value={"username": "frontdesk", "password": "correct-horse-battery"}, request_only=True
            ),
            OpenApiExample(
                "Sign in with a second factor",
                value={"username": "admin", "password": "correct-horse-battery", "otp": "492039"},
                request_only=True,
            ),
            OpenApiExample(
                "Token", value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"}, response_only=True, status_codes=["200"]
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
        token = token_obtain(request=request, **data.validated_data)
        return Response(TokenSerializer({"token": token.key}).data)
