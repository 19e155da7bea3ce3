from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.token import Token
from ...models.token_request_request import TokenRequestRequest
from ...types import Response


def _get_kwargs(
    *,
    body: TokenRequestRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/token/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Token | None:
    if response.status_code == 200:
        response_200 = Token.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 406:
        response_406 = Error.from_dict(response.json())

        return response_406

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Token]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequestRequest,
) -> Response[Error | Token]:
    """Sign in: exchange a username and password for an API token

     Returns a new API token for this device, and when it expires (a fixed lifetime from sign-in,
    `API_TOKEN_TTL_HOURS`, 12 hours unless configured; using the token does not extend it). Each sign-in
    makes a token of its own: sign out with `POST /api/v1/auth/logout/`, or everywhere with `POST
    /api/v1/auth/logout-all/`. Send it as `Authorization: Token <token>`; an expired or revoked token is
    a 401 `authentication_failed`. The token is shown only here: the server keeps only its hash. Wrong
    credentials, an unknown user and an inactive account all get the same 400 `invalid_credentials`.
    After 5 failures for one username from one address, that pair is locked out for 30 minutes (429
    `locked_out`), even with the right password; the same user from another address is not affected.

    Two-factor: an account with an authenticator app must also send `otp` (the app's 6-digit code or a
    recovery code): without it 400 `otp_required`, a wrong one 400 `otp_invalid` (counted as a failed
    sign-in for the lockout). An account that must use two-factor (admins, and the staff of a clinic
    that requires it) and has not set it up gets 403 `two_factor_setup_required`: it is set up in the
    staff pages.

    Args:
        body (TokenRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Token]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequestRequest,
) -> Error | Token | None:
    """Sign in: exchange a username and password for an API token

     Returns a new API token for this device, and when it expires (a fixed lifetime from sign-in,
    `API_TOKEN_TTL_HOURS`, 12 hours unless configured; using the token does not extend it). Each sign-in
    makes a token of its own: sign out with `POST /api/v1/auth/logout/`, or everywhere with `POST
    /api/v1/auth/logout-all/`. Send it as `Authorization: Token <token>`; an expired or revoked token is
    a 401 `authentication_failed`. The token is shown only here: the server keeps only its hash. Wrong
    credentials, an unknown user and an inactive account all get the same 400 `invalid_credentials`.
    After 5 failures for one username from one address, that pair is locked out for 30 minutes (429
    `locked_out`), even with the right password; the same user from another address is not affected.

    Two-factor: an account with an authenticator app must also send `otp` (the app's 6-digit code or a
    recovery code): without it 400 `otp_required`, a wrong one 400 `otp_invalid` (counted as a failed
    sign-in for the lockout). An account that must use two-factor (admins, and the staff of a clinic
    that requires it) and has not set it up gets 403 `two_factor_setup_required`: it is set up in the
    staff pages.

    Args:
        body (TokenRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Token
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequestRequest,
) -> Response[Error | Token]:
    """Sign in: exchange a username and password for an API token

     Returns a new API token for this device, and when it expires (a fixed lifetime from sign-in,
    `API_TOKEN_TTL_HOURS`, 12 hours unless configured; using the token does not extend it). Each sign-in
    makes a token of its own: sign out with `POST /api/v1/auth/logout/`, or everywhere with `POST
    /api/v1/auth/logout-all/`. Send it as `Authorization: Token <token>`; an expired or revoked token is
    a 401 `authentication_failed`. The token is shown only here: the server keeps only its hash. Wrong
    credentials, an unknown user and an inactive account all get the same 400 `invalid_credentials`.
    After 5 failures for one username from one address, that pair is locked out for 30 minutes (429
    `locked_out`), even with the right password; the same user from another address is not affected.

    Two-factor: an account with an authenticator app must also send `otp` (the app's 6-digit code or a
    recovery code): without it 400 `otp_required`, a wrong one 400 `otp_invalid` (counted as a failed
    sign-in for the lockout). An account that must use two-factor (admins, and the staff of a clinic
    that requires it) and has not set it up gets 403 `two_factor_setup_required`: it is set up in the
    staff pages.

    Args:
        body (TokenRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Token]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequestRequest,
) -> Error | Token | None:
    """Sign in: exchange a username and password for an API token

     Returns a new API token for this device, and when it expires (a fixed lifetime from sign-in,
    `API_TOKEN_TTL_HOURS`, 12 hours unless configured; using the token does not extend it). Each sign-in
    makes a token of its own: sign out with `POST /api/v1/auth/logout/`, or everywhere with `POST
    /api/v1/auth/logout-all/`. Send it as `Authorization: Token <token>`; an expired or revoked token is
    a 401 `authentication_failed`. The token is shown only here: the server keeps only its hash. Wrong
    credentials, an unknown user and an inactive account all get the same 400 `invalid_credentials`.
    After 5 failures for one username from one address, that pair is locked out for 30 minutes (429
    `locked_out`), even with the right password; the same user from another address is not affected.

    Two-factor: an account with an authenticator app must also send `otp` (the app's 6-digit code or a
    recovery code): without it 400 `otp_required`, a wrong one 400 `otp_invalid` (counted as a failed
    sign-in for the lockout). An account that must use two-factor (admins, and the staff of a clinic
    that requires it) and has not set it up gets 403 `two_factor_setup_required`: it is set up in the
    staff pages.

    Args:
        body (TokenRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Token
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
