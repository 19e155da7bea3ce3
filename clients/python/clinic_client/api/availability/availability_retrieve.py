import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.availability import Availability
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    clinic: int,
    date: datetime.date,
    first_visit: bool | Unset = False,
    patient: int | Unset = UNSET,
    protocol: int,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["clinic"] = clinic

    json_date = date.isoformat()
    params["date"] = json_date

    params["first_visit"] = first_visit

    params["patient"] = patient

    params["protocol"] = protocol

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/availability/",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Availability | Error | None:
    if response.status_code == 200:
        response_200 = Availability.from_dict(response.json())

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
) -> Response[Availability | Error]:
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
    date: datetime.date,
    first_visit: bool | Unset = False,
    patient: int | Unset = UNSET,
    protocol: int,
) -> Response[Availability | Error]:
    """A day's free start times

     Every start time (15-minute grid from the opening hours) at which a session of the protocol could
    begin on the clinic date, with the chairs free for its whole block and the nurses who could take it
    (on shift, under capacity, not starting another infusion within the stagger).

    Args:
        clinic (int):
        date (datetime.date):
        first_visit (bool | Unset):  Default: False.
        patient (int | Unset):
        protocol (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Availability | Error]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        date=date,
        first_visit=first_visit,
        patient=patient,
        protocol=protocol,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    clinic: int,
    date: datetime.date,
    first_visit: bool | Unset = False,
    patient: int | Unset = UNSET,
    protocol: int,
) -> Availability | Error | None:
    """A day's free start times

     Every start time (15-minute grid from the opening hours) at which a session of the protocol could
    begin on the clinic date, with the chairs free for its whole block and the nurses who could take it
    (on shift, under capacity, not starting another infusion within the stagger).

    Args:
        clinic (int):
        date (datetime.date):
        first_visit (bool | Unset):  Default: False.
        patient (int | Unset):
        protocol (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Availability | Error
    """

    return sync_detailed(
        client=client,
        clinic=clinic,
        date=date,
        first_visit=first_visit,
        patient=patient,
        protocol=protocol,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int,
    date: datetime.date,
    first_visit: bool | Unset = False,
    patient: int | Unset = UNSET,
    protocol: int,
) -> Response[Availability | Error]:
    """A day's free start times

     Every start time (15-minute grid from the opening hours) at which a session of the protocol could
    begin on the clinic date, with the chairs free for its whole block and the nurses who could take it
    (on shift, under capacity, not starting another infusion within the stagger).

    Args:
        clinic (int):
        date (datetime.date):
        first_visit (bool | Unset):  Default: False.
        patient (int | Unset):
        protocol (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Availability | Error]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        date=date,
        first_visit=first_visit,
        patient=patient,
        protocol=protocol,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    clinic: int,
    date: datetime.date,
    first_visit: bool | Unset = False,
    patient: int | Unset = UNSET,
    protocol: int,
) -> Availability | Error | None:
    """A day's free start times

     Every start time (15-minute grid from the opening hours) at which a session of the protocol could
    begin on the clinic date, with the chairs free for its whole block and the nurses who could take it
    (on shift, under capacity, not starting another infusion within the stagger).

    Args:
        clinic (int):
        date (datetime.date):
        first_visit (bool | Unset):  Default: False.
        patient (int | Unset):
        protocol (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Availability | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            clinic=clinic,
            date=date,
            first_visit=first_visit,
            patient=patient,
            protocol=protocol,
        )
    ).parsed
