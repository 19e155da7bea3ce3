from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.patched_pump_request import PatchedPumpRequest
from ...models.pump import Pump
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: int,
    *,
    body: PatchedPumpRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/pumps/{id}/".format(
            id=quote(str(id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Pump | None:
    if response.status_code == 200:
        response_200 = Pump.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Pump]:
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
    body: PatchedPumpRequest | Unset = UNSET,
) -> Response[Error | Pump]:
    """Change a pump

     Its label, serial number, status or notes (admins). A pump stays in the clinic it was added to.
    Taking it out of service offers it for no new episode; an episode already booked keeps it.

    Args:
        id (int):
        body (PatchedPumpRequest | Unset): A pump of a clinic; its label and its serial number are
            each unique within the clinic.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Pump]
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
    body: PatchedPumpRequest | Unset = UNSET,
) -> Error | Pump | None:
    """Change a pump

     Its label, serial number, status or notes (admins). A pump stays in the clinic it was added to.
    Taking it out of service offers it for no new episode; an episode already booked keeps it.

    Args:
        id (int):
        body (PatchedPumpRequest | Unset): A pump of a clinic; its label and its serial number are
            each unique within the clinic.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Pump
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
    body: PatchedPumpRequest | Unset = UNSET,
) -> Response[Error | Pump]:
    """Change a pump

     Its label, serial number, status or notes (admins). A pump stays in the clinic it was added to.
    Taking it out of service offers it for no new episode; an episode already booked keeps it.

    Args:
        id (int):
        body (PatchedPumpRequest | Unset): A pump of a clinic; its label and its serial number are
            each unique within the clinic.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Pump]
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
    body: PatchedPumpRequest | Unset = UNSET,
) -> Error | Pump | None:
    """Change a pump

     Its label, serial number, status or notes (admins). A pump stays in the clinic it was added to.
    Taking it out of service offers it for no new episode; an episode already booked keeps it.

    Args:
        id (int):
        body (PatchedPumpRequest | Unset): A pump of a clinic; its label and its serial number are
            each unique within the clinic.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Pump
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
