from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dry_run_delete import DryRunDelete
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: int,
    *,
    dry_run: bool | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/chairs/{id}/".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | DryRunDelete | Error | None:
    if response.status_code == 200:
        response_200 = DryRunDelete.from_dict(response.json())

        return response_200

    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | DryRunDelete | Error]:
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
    dry_run: bool | Unset = UNSET,
) -> Response[Any | DryRunDelete | Error]:
    """Delete a chair

     An infusion chair: one session holds it for the whole visit. Admins only. A chair still referred to
    by bookings is kept: 409 `in_use`. A change that leaves booked sessions where they can no longer
    happen lists them in `stranded_sessions` (each with its reasons) and marks them as needing a move
    (the desk's Needs moving list); `?dry_run=true` shows them first and writes nothing.

    Args:
        id (int):
        dry_run (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DryRunDelete | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        dry_run=dry_run,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = UNSET,
) -> Any | DryRunDelete | Error | None:
    """Delete a chair

     An infusion chair: one session holds it for the whole visit. Admins only. A chair still referred to
    by bookings is kept: 409 `in_use`. A change that leaves booked sessions where they can no longer
    happen lists them in `stranded_sessions` (each with its reasons) and marks them as needing a move
    (the desk's Needs moving list); `?dry_run=true` shows them first and writes nothing.

    Args:
        id (int):
        dry_run (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DryRunDelete | Error
    """

    return sync_detailed(
        id=id,
        client=client,
        dry_run=dry_run,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = UNSET,
) -> Response[Any | DryRunDelete | Error]:
    """Delete a chair

     An infusion chair: one session holds it for the whole visit. Admins only. A chair still referred to
    by bookings is kept: 409 `in_use`. A change that leaves booked sessions where they can no longer
    happen lists them in `stranded_sessions` (each with its reasons) and marks them as needing a move
    (the desk's Needs moving list); `?dry_run=true` shows them first and writes nothing.

    Args:
        id (int):
        dry_run (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DryRunDelete | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        dry_run=dry_run,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = UNSET,
) -> Any | DryRunDelete | Error | None:
    """Delete a chair

     An infusion chair: one session holds it for the whole visit. Admins only. A chair still referred to
    by bookings is kept: 409 `in_use`. A change that leaves booked sessions where they can no longer
    happen lists them in `stranded_sessions` (each with its reasons) and marks them as needing a move
    (the desk's Needs moving list); `?dry_run=true` shows them first and writes nothing.

    Args:
        id (int):
        dry_run (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DryRunDelete | Error
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            dry_run=dry_run,
        )
    ).parsed
