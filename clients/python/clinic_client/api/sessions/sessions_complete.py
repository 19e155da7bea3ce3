from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.complete_request import CompleteRequest
from ...models.error import Error
from ...models.session import Session
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: int,
    *,
    body: CompleteRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/sessions/{id}/complete/".format(
            id=quote(str(id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Session | None:
    if response.status_code == 200:
        response_200 = Session.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

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

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Session]:
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
    body: CompleteRequest | Unset = UNSET,
) -> Response[Error | Session]:
    """Complete a session

     The infusion and recovery are done. The course becomes active, is flagged for review after its
    review session, or completes with its last session. Before the protocol's chair time for the session
    (its `chair_minutes`, the first visit's longer) has passed since `chair_started_at`, a `reason` is
    needed: it is kept as `early_completion_reason` and in the session's history; without one the answer
    is 409 `too_early_to_complete`, whose details give `earliest_at`. The body may be empty otherwise.
    For clinicians and admins.

    Args:
        id (int):
        body (CompleteRequest | Unset): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Session]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
    body: CompleteRequest | Unset = UNSET,
) -> Error | Session | None:
    """Complete a session

     The infusion and recovery are done. The course becomes active, is flagged for review after its
    review session, or completes with its last session. Before the protocol's chair time for the session
    (its `chair_minutes`, the first visit's longer) has passed since `chair_started_at`, a `reason` is
    needed: it is kept as `early_completion_reason` and in the session's history; without one the answer
    is 409 `too_early_to_complete`, whose details give `earliest_at`. The body may be empty otherwise.
    For clinicians and admins.

    Args:
        id (int):
        body (CompleteRequest | Unset): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Session
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    body: CompleteRequest | Unset = UNSET,
) -> Response[Error | Session]:
    """Complete a session

     The infusion and recovery are done. The course becomes active, is flagged for review after its
    review session, or completes with its last session. Before the protocol's chair time for the session
    (its `chair_minutes`, the first visit's longer) has passed since `chair_started_at`, a `reason` is
    needed: it is kept as `early_completion_reason` and in the session's history; without one the answer
    is 409 `too_early_to_complete`, whose details give `earliest_at`. The body may be empty otherwise.
    For clinicians and admins.

    Args:
        id (int):
        body (CompleteRequest | Unset): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Session]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
    body: CompleteRequest | Unset = UNSET,
) -> Error | Session | None:
    """Complete a session

     The infusion and recovery are done. The course becomes active, is flagged for review after its
    review session, or completes with its last session. Before the protocol's chair time for the session
    (its `chair_minutes`, the first visit's longer) has passed since `chair_started_at`, a `reason` is
    needed: it is kept as `early_completion_reason` and in the session's history; without one the answer
    is 409 `too_early_to_complete`, whose details give `earliest_at`. The body may be empty otherwise.
    For clinicians and admins.

    Args:
        id (int):
        body (CompleteRequest | Unset): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Session
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
