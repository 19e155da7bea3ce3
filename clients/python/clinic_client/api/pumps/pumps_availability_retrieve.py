import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.pump_availability import PumpAvailability
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    clinic: int,
    days: int | Unset = 14,
    start: datetime.date | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["clinic"] = clinic

    params["days"] = days

    json_start: str | Unset = UNSET
    if not isinstance(start, Unset):
        json_start = start.isoformat()
    params["start"] = json_start

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/pumps/availability/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PumpAvailability | None:
    if response.status_code == 200:
        response_200 = PumpAvailability.from_dict(response.json())

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

    if response.status_code == 406:
        response_406 = Error.from_dict(response.json())

        return response_406

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | PumpAvailability]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int,
    days: int | Unset = 14,
    start: datetime.date | Unset = UNSET,
) -> Response[Error | PumpAvailability]:
    """Pumps' availability, day by day

     Each pump of the clinic with its state on each clinic-local day from `start`: free, held by an
    episode (from its fitting to its removal), in its turnaround, in maintenance, or retired. A day
    counts as held when anything holds the pump for any part of it. A pump not returned after its
    episode (fitted or removed) once it was due back is `overdue`: out on every day from its fitting
    until it is returned. Book with the proposals (`GET /api/v1/episodes/proposals/`), which look at
    instants, not days.

    Args:
        clinic (int):
        days (int | Unset):  Default: 14.
        start (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PumpAvailability]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        days=days,
        start=start,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    clinic: int,
    days: int | Unset = 14,
    start: datetime.date | Unset = UNSET,
) -> Error | PumpAvailability | None:
    """Pumps' availability, day by day

     Each pump of the clinic with its state on each clinic-local day from `start`: free, held by an
    episode (from its fitting to its removal), in its turnaround, in maintenance, or retired. A day
    counts as held when anything holds the pump for any part of it. A pump not returned after its
    episode (fitted or removed) once it was due back is `overdue`: out on every day from its fitting
    until it is returned. Book with the proposals (`GET /api/v1/episodes/proposals/`), which look at
    instants, not days.

    Args:
        clinic (int):
        days (int | Unset):  Default: 14.
        start (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PumpAvailability
    """

    return sync_detailed(
        client=client,
        clinic=clinic,
        days=days,
        start=start,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int,
    days: int | Unset = 14,
    start: datetime.date | Unset = UNSET,
) -> Response[Error | PumpAvailability]:
    """Pumps' availability, day by day

     Each pump of the clinic with its state on each clinic-local day from `start`: free, held by an
    episode (from its fitting to its removal), in its turnaround, in maintenance, or retired. A day
    counts as held when anything holds the pump for any part of it. A pump not returned after its
    episode (fitted or removed) once it was due back is `overdue`: out on every day from its fitting
    until it is returned. Book with the proposals (`GET /api/v1/episodes/proposals/`), which look at
    instants, not days.

    Args:
        clinic (int):
        days (int | Unset):  Default: 14.
        start (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PumpAvailability]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        days=days,
        start=start,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    clinic: int,
    days: int | Unset = 14,
    start: datetime.date | Unset = UNSET,
) -> Error | PumpAvailability | None:
    """Pumps' availability, day by day

     Each pump of the clinic with its state on each clinic-local day from `start`: free, held by an
    episode (from its fitting to its removal), in its turnaround, in maintenance, or retired. A day
    counts as held when anything holds the pump for any part of it. A pump not returned after its
    episode (fitted or removed) once it was due back is `overdue`: out on every day from its fitting
    until it is returned. Book with the proposals (`GET /api/v1/episodes/proposals/`), which look at
    instants, not days.

    Args:
        clinic (int):
        days (int | Unset):  Default: 14.
        start (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PumpAvailability
    """

    return (
        await asyncio_detailed(
            client=client,
            clinic=clinic,
            days=days,
            start=start,
        )
    ).parsed
