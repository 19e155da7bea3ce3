import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.episode_proposals import EpisodeProposals
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    clinic: int,
    course: int | Unset = UNSET,
    earliest: datetime.date | Unset = UNSET,
    patient: int,
    protocol: int,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["clinic"] = clinic

    params["course"] = course

    json_earliest: str | Unset = UNSET
    if not isinstance(earliest, Unset):
        json_earliest = earliest.isoformat()
    params["earliest"] = json_earliest

    params["patient"] = patient

    params["protocol"] = protocol

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/episodes/proposals/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EpisodeProposals | Error | None:
    if response.status_code == 200:
        response_200 = EpisodeProposals.from_dict(response.json())

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
) -> Response[EpisodeProposals | Error]:
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
    course: int | Unset = UNSET,
    earliest: datetime.date | Unset = UNSET,
    patient: int,
    protocol: int,
) -> Response[EpisodeProposals | Error]:
    """Propose a pump episode

     The earliest episode of the pump protocol for the patient: a pump in service free from the fitting
    to the turnaround's end, the fitting, a review a day and the removal each at the fitting's clinic
    time (whatever daylight-saving change lies between), inside opening hours with a nurse on shift and
    under capacity, the patient free throughout; a review on a day the clinic is closed is a phone
    review where the protocol allows it. Up to 3 alternatives. Nothing is stored: book with `POST
    /api/v1/episodes/`. When nothing fits within six weeks, `episodes` is empty and `code`/`message` say
    why.

    Args:
        clinic (int):
        course (int | Unset):
        earliest (datetime.date | Unset):
        patient (int):
        protocol (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EpisodeProposals | Error]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        course=course,
        earliest=earliest,
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
    course: int | Unset = UNSET,
    earliest: datetime.date | Unset = UNSET,
    patient: int,
    protocol: int,
) -> EpisodeProposals | Error | None:
    """Propose a pump episode

     The earliest episode of the pump protocol for the patient: a pump in service free from the fitting
    to the turnaround's end, the fitting, a review a day and the removal each at the fitting's clinic
    time (whatever daylight-saving change lies between), inside opening hours with a nurse on shift and
    under capacity, the patient free throughout; a review on a day the clinic is closed is a phone
    review where the protocol allows it. Up to 3 alternatives. Nothing is stored: book with `POST
    /api/v1/episodes/`. When nothing fits within six weeks, `episodes` is empty and `code`/`message` say
    why.

    Args:
        clinic (int):
        course (int | Unset):
        earliest (datetime.date | Unset):
        patient (int):
        protocol (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EpisodeProposals | Error
    """

    return sync_detailed(
        client=client,
        clinic=clinic,
        course=course,
        earliest=earliest,
        patient=patient,
        protocol=protocol,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int,
    course: int | Unset = UNSET,
    earliest: datetime.date | Unset = UNSET,
    patient: int,
    protocol: int,
) -> Response[EpisodeProposals | Error]:
    """Propose a pump episode

     The earliest episode of the pump protocol for the patient: a pump in service free from the fitting
    to the turnaround's end, the fitting, a review a day and the removal each at the fitting's clinic
    time (whatever daylight-saving change lies between), inside opening hours with a nurse on shift and
    under capacity, the patient free throughout; a review on a day the clinic is closed is a phone
    review where the protocol allows it. Up to 3 alternatives. Nothing is stored: book with `POST
    /api/v1/episodes/`. When nothing fits within six weeks, `episodes` is empty and `code`/`message` say
    why.

    Args:
        clinic (int):
        course (int | Unset):
        earliest (datetime.date | Unset):
        patient (int):
        protocol (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EpisodeProposals | Error]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        course=course,
        earliest=earliest,
        patient=patient,
        protocol=protocol,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    clinic: int,
    course: int | Unset = UNSET,
    earliest: datetime.date | Unset = UNSET,
    patient: int,
    protocol: int,
) -> EpisodeProposals | Error | None:
    """Propose a pump episode

     The earliest episode of the pump protocol for the patient: a pump in service free from the fitting
    to the turnaround's end, the fitting, a review a day and the removal each at the fitting's clinic
    time (whatever daylight-saving change lies between), inside opening hours with a nurse on shift and
    under capacity, the patient free throughout; a review on a day the clinic is closed is a phone
    review where the protocol allows it. Up to 3 alternatives. Nothing is stored: book with `POST
    /api/v1/episodes/`. When nothing fits within six weeks, `episodes` is empty and `code`/`message` say
    why.

    Args:
        clinic (int):
        course (int | Unset):
        earliest (datetime.date | Unset):
        patient (int):
        protocol (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EpisodeProposals | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            clinic=clinic,
            course=course,
            earliest=earliest,
            patient=patient,
            protocol=protocol,
        )
    ).parsed
