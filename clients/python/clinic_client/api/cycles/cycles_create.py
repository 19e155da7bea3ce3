from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cycle import Cycle
from ...models.cycle_book_request import CycleBookRequest
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: CycleBookRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/cycles/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Cycle | Error | None:
    if response.status_code == 201:
        response_201 = Cycle.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Cycle | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CycleBookRequest,
) -> Response[Cycle | Error]:
    """Book a course

     Books every session of the protocol at once: all or nothing. Give one entry per session (in any
    order; they are numbered by time). `starts_at` with an offset is an instant; without one it is a
    wall-clock time in the clinic's zone. Chairs and nurses left out are chosen by the system. The
    answer is the course with its sessions and any warnings (e.g. `window_warning`). A rule broken by
    the request itself is a 400; a clash with what is already booked is a 409 naming the session or
    resource in the way (`details.session`, `details.chair`, `details.nurse`) and the sequence number of
    the session asked for.

    Args:
        body (CycleBookRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Cycle | Error]
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
    client: AuthenticatedClient,
    body: CycleBookRequest,
) -> Cycle | Error | None:
    """Book a course

     Books every session of the protocol at once: all or nothing. Give one entry per session (in any
    order; they are numbered by time). `starts_at` with an offset is an instant; without one it is a
    wall-clock time in the clinic's zone. Chairs and nurses left out are chosen by the system. The
    answer is the course with its sessions and any warnings (e.g. `window_warning`). A rule broken by
    the request itself is a 400; a clash with what is already booked is a 409 naming the session or
    resource in the way (`details.session`, `details.chair`, `details.nurse`) and the sequence number of
    the session asked for.

    Args:
        body (CycleBookRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Cycle | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CycleBookRequest,
) -> Response[Cycle | Error]:
    """Book a course

     Books every session of the protocol at once: all or nothing. Give one entry per session (in any
    order; they are numbered by time). `starts_at` with an offset is an instant; without one it is a
    wall-clock time in the clinic's zone. Chairs and nurses left out are chosen by the system. The
    answer is the course with its sessions and any warnings (e.g. `window_warning`). A rule broken by
    the request itself is a 400; a clash with what is already booked is a 409 naming the session or
    resource in the way (`details.session`, `details.chair`, `details.nurse`) and the sequence number of
    the session asked for.

    Args:
        body (CycleBookRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Cycle | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CycleBookRequest,
) -> Cycle | Error | None:
    """Book a course

     Books every session of the protocol at once: all or nothing. Give one entry per session (in any
    order; they are numbered by time). `starts_at` with an offset is an instant; without one it is a
    wall-clock time in the clinic's zone. Chairs and nurses left out are chosen by the system. The
    answer is the course with its sessions and any warnings (e.g. `window_warning`). A rule broken by
    the request itself is a 400; a clash with what is already booked is a 409 naming the session or
    resource in the way (`details.session`, `details.chair`, `details.nurse`) and the sequence number of
    the session asked for.

    Args:
        body (CycleBookRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Cycle | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
