from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.session_checks import SessionChecks
from ...types import Response


def _get_kwargs(
    id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/sessions/{id}/checks/".format(
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | SessionChecks | None:
    if response.status_code == 200:
        response_200 = SessionChecks.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 406:
        response_406 = Error.from_dict(response.json())

        return response_406

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | SessionChecks]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
) -> Response[Error | SessionChecks]:
    """Get a session's safety checks

     Each check the session's protocol asks for (blood pressure, heart rate, oxygen saturation, weight
    for dosing, pregnancy attestation, fasting, escort home) with its latest entry and status: `passed`,
    `flagged` (outside the clinic's thresholds, e.g. blood pressure above 140/90), `missing`, or `stale`
    (a weight or pregnancy attestation older than the clinic's limit); the overrides and the recovery
    check. Clinicians and admins see values; the front desk sees `state` and `recovery_state` alone
    (`pending` until they pass), the other fields null. Every read is in the audit trail.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SessionChecks]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
) -> Error | SessionChecks | None:
    """Get a session's safety checks

     Each check the session's protocol asks for (blood pressure, heart rate, oxygen saturation, weight
    for dosing, pregnancy attestation, fasting, escort home) with its latest entry and status: `passed`,
    `flagged` (outside the clinic's thresholds, e.g. blood pressure above 140/90), `missing`, or `stale`
    (a weight or pregnancy attestation older than the clinic's limit); the overrides and the recovery
    check. Clinicians and admins see values; the front desk sees `state` and `recovery_state` alone
    (`pending` until they pass), the other fields null. Every read is in the audit trail.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SessionChecks
    """

    return sync_detailed(
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
) -> Response[Error | SessionChecks]:
    """Get a session's safety checks

     Each check the session's protocol asks for (blood pressure, heart rate, oxygen saturation, weight
    for dosing, pregnancy attestation, fasting, escort home) with its latest entry and status: `passed`,
    `flagged` (outside the clinic's thresholds, e.g. blood pressure above 140/90), `missing`, or `stale`
    (a weight or pregnancy attestation older than the clinic's limit); the overrides and the recovery
    check. Clinicians and admins see values; the front desk sees `state` and `recovery_state` alone
    (`pending` until they pass), the other fields null. Every read is in the audit trail.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SessionChecks]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
) -> Error | SessionChecks | None:
    """Get a session's safety checks

     Each check the session's protocol asks for (blood pressure, heart rate, oxygen saturation, weight
    for dosing, pregnancy attestation, fasting, escort home) with its latest entry and status: `passed`,
    `flagged` (outside the clinic's thresholds, e.g. blood pressure above 140/90), `missing`, or `stale`
    (a weight or pregnancy attestation older than the clinic's limit); the overrides and the recovery
    check. Clinicians and admins see values; the front desk sees `state` and `recovery_state` alone
    (`pending` until they pass), the other fields null. Every read is in the audit trail.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SessionChecks
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
        )
    ).parsed
