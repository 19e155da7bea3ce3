from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.chair_impact import ChairImpact
from ...models.chair_request import ChairRequest
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ChairRequest,
    dry_run: bool | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/chairs/",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ChairImpact | Error | None:
    if response.status_code == 200:
        response_200 = ChairImpact.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = ChairImpact.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ChairImpact | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ChairRequest,
    dry_run: bool | Unset = UNSET,
) -> Response[ChairImpact | Error]:
    """Create a chair

     An infusion chair: one session holds it for the whole visit. Admins only. A change that leaves
    booked sessions where they can no longer happen lists them in `stranded_sessions` (each with its
    reasons) and marks them as needing a move (the desk's Needs moving list); `?dry_run=true` shows them
    first and writes nothing.

    Args:
        dry_run (bool | Unset):
        body (ChairRequest): An infusion chair of a clinic; names are unique within the clinic.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChairImpact | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        dry_run=dry_run,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ChairRequest,
    dry_run: bool | Unset = UNSET,
) -> ChairImpact | Error | None:
    """Create a chair

     An infusion chair: one session holds it for the whole visit. Admins only. A change that leaves
    booked sessions where they can no longer happen lists them in `stranded_sessions` (each with its
    reasons) and marks them as needing a move (the desk's Needs moving list); `?dry_run=true` shows them
    first and writes nothing.

    Args:
        dry_run (bool | Unset):
        body (ChairRequest): An infusion chair of a clinic; names are unique within the clinic.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChairImpact | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        dry_run=dry_run,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ChairRequest,
    dry_run: bool | Unset = UNSET,
) -> Response[ChairImpact | Error]:
    """Create a chair

     An infusion chair: one session holds it for the whole visit. Admins only. A change that leaves
    booked sessions where they can no longer happen lists them in `stranded_sessions` (each with its
    reasons) and marks them as needing a move (the desk's Needs moving list); `?dry_run=true` shows them
    first and writes nothing.

    Args:
        dry_run (bool | Unset):
        body (ChairRequest): An infusion chair of a clinic; names are unique within the clinic.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChairImpact | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        dry_run=dry_run,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ChairRequest,
    dry_run: bool | Unset = UNSET,
) -> ChairImpact | Error | None:
    """Create a chair

     An infusion chair: one session holds it for the whole visit. Admins only. A change that leaves
    booked sessions where they can no longer happen lists them in `stranded_sessions` (each with its
    reasons) and marks them as needing a move (the desk's Needs moving list); `?dry_run=true` shows them
    first and writes nothing.

    Args:
        dry_run (bool | Unset):
        body (ChairRequest): An infusion chair of a clinic; names are unique within the clinic.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChairImpact | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            dry_run=dry_run,
        )
    ).parsed
