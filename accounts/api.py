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
            "another address is not affected."
        ),
        tags=["auth"],
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Bad input or wrong credentials."),
            429: OpenApiResponse(ErrorSerializer, description="Too many failed attempts from this address."),
        },
        examples=[
            OpenApiExample(
                "Sign in", value={"username": "frontdesk", "password": "correct-horse-battery"}, request_only=True
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
