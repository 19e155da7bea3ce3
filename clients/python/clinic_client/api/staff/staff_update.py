from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.staff_member_impact import StaffMemberImpact
from ...models.staff_member_request import StaffMemberRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: int,
    *,
    body: StaffMemberRequest,
    dry_run: bool | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/staff/{id}/".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | StaffMemberImpact | None:
    if response.status_code == 200:
        response_200 = StaffMemberImpact.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | StaffMemberImpact]:
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
    body: StaffMemberRequest,
    dry_run: bool | Unset = UNSET,
) -> Response[Error | StaffMemberImpact]:
    """Replace a staff member

     A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in. Admins
    only. Required fields must be given; optional ones left out keep their stored values. `shifts`, when
    given, replaces the whole weekly pattern at once. A change that leaves booked sessions where they
    can no longer happen lists them in `stranded_sessions` (each with its reasons) and marks them as
    needing a move (the desk's Needs moving list); `?dry_run=true` shows them first and writes nothing.

    Args:
        id (int):
        dry_run (bool | Unset):
        body (StaffMemberRequest): A nurse or provider of a clinic, with the weekly shifts
            sessions are assigned in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | StaffMemberImpact]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
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
    body: StaffMemberRequest,
    dry_run: bool | Unset = UNSET,
) -> Error | StaffMemberImpact | None:
    """Replace a staff member

     A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in. Admins
    only. Required fields must be given; optional ones left out keep their stored values. `shifts`, when
    given, replaces the whole weekly pattern at once. A change that leaves booked sessions where they
    can no longer happen lists them in `stranded_sessions` (each with its reasons) and marks them as
    needing a move (the desk's Needs moving list); `?dry_run=true` shows them first and writes nothing.

    Args:
        id (int):
        dry_run (bool | Unset):
        body (StaffMemberRequest): A nurse or provider of a clinic, with the weekly shifts
            sessions are assigned in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | StaffMemberImpact
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
        dry_run=dry_run,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    body: StaffMemberRequest,
    dry_run: bool | Unset = UNSET,
) -> Response[Error | StaffMemberImpact]:
    """Replace a staff member

     A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in. Admins
    only. Required fields must be given; optional ones left out keep their stored values. `shifts`, when
    given, replaces the whole weekly pattern at once. A change that leaves booked sessions where they
    can no longer happen lists them in `stranded_sessions` (each with its reasons) and marks them as
    needing a move (the desk's Needs moving list); `?dry_run=true` shows them first and writes nothing.

    Args:
        id (int):
        dry_run (bool | Unset):
        body (StaffMemberRequest): A nurse or provider of a clinic, with the weekly shifts
            sessions are assigned in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | StaffMemberImpact]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        dry_run=dry_run,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
    body: StaffMemberRequest,
    dry_run: bool | Unset = UNSET,
) -> Error | StaffMemberImpact | None:
    """Replace a staff member

     A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in. Admins
    only. Required fields must be given; optional ones left out keep their stored values. `shifts`, when
    given, replaces the whole weekly pattern at once. A change that leaves booked sessions where they
    can no longer happen lists them in `stranded_sessions` (each with its reasons) and marks them as
    needing a move (the desk's Needs moving list); `?dry_run=true` shows them first and writes nothing.

    Args:
        id (int):
        dry_run (bool | Unset):
        body (StaffMemberRequest): A nurse or provider of a clinic, with the weekly shifts
            sessions are assigned in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | StaffMemberImpact
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            dry_run=dry_run,
        )
    ).parsed
