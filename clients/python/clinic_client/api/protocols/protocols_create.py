from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.protocol import Protocol
from ...models.protocol_request import ProtocolRequest
from ...types import Response


def _get_kwargs(
    *,
    body: ProtocolRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/protocols/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Protocol | None:
    if response.status_code == 201:
        response_201 = Protocol.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Protocol]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ProtocolRequest,
) -> Response[Error | Protocol]:
    """Create a protocol

     A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a
    chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.
    Admins only. Give `clinic`: creating a shared template (no clinic) is refused with 403 unless you
    are a superuser.

    Args:
        body (ProtocolRequest): A treatment protocol: sessions per course, their spacing and chair
            time. No clinic: a shared template.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Protocol]
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
    body: ProtocolRequest,
) -> Error | Protocol | None:
    """Create a protocol

     A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a
    chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.
    Admins only. Give `clinic`: creating a shared template (no clinic) is refused with 403 unless you
    are a superuser.

    Args:
        body (ProtocolRequest): A treatment protocol: sessions per course, their spacing and chair
            time. No clinic: a shared template.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Protocol
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ProtocolRequest,
) -> Response[Error | Protocol]:
    """Create a protocol

     A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a
    chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.
    Admins only. Give `clinic`: creating a shared template (no clinic) is refused with 403 unless you
    are a superuser.

    Args:
        body (ProtocolRequest): A treatment protocol: sessions per course, their spacing and chair
            time. No clinic: a shared template.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Protocol]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ProtocolRequest,
) -> Error | Protocol | None:
    """Create a protocol

     A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a
    chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.
    Admins only. Give `clinic`: creating a shared template (no clinic) is refused with 403 unless you
    are a superuser.

    Args:
        body (ProtocolRequest): A treatment protocol: sessions per course, their spacing and chair
            time. No clinic: a shared template.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Protocol
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
