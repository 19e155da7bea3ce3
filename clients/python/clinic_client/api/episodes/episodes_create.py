from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.episode import Episode
from ...models.episode_book_request import EpisodeBookRequest
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: EpisodeBookRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/episodes/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Episode | Error | None:
    if response.status_code == 201:
        response_201 = Episode.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Episode | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: EpisodeBookRequest,
) -> Response[Episode | Error]:
    """Book a pump episode

     Books one episode at once: the pump from the fitting to the turnaround's end, the fitting, a review
    a day and the removal, each at the fitting's clinic time. `fitting_start` with an offset is an
    instant; without one a wall-clock time in the clinic's zone. Pump, chairs and nurses left out are
    chosen by the system. A rule broken by the request is a 400 (`review_on_closed_day`,
    `visit_outside_hours`, `episode_in_past`, `episode_too_soon`…); a clash with what is booked is a 409
    (`pump_unavailable`, `pump_in_maintenance`, `patient_in_episode`, `chair_conflict`,
    `nurse_capacity`, `course_full`…).

    Args:
        body (EpisodeBookRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Episode | Error]
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
    body: EpisodeBookRequest,
) -> Episode | Error | None:
    """Book a pump episode

     Books one episode at once: the pump from the fitting to the turnaround's end, the fitting, a review
    a day and the removal, each at the fitting's clinic time. `fitting_start` with an offset is an
    instant; without one a wall-clock time in the clinic's zone. Pump, chairs and nurses left out are
    chosen by the system. A rule broken by the request is a 400 (`review_on_closed_day`,
    `visit_outside_hours`, `episode_in_past`, `episode_too_soon`…); a clash with what is booked is a 409
    (`pump_unavailable`, `pump_in_maintenance`, `patient_in_episode`, `chair_conflict`,
    `nurse_capacity`, `course_full`…).

    Args:
        body (EpisodeBookRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Episode | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: EpisodeBookRequest,
) -> Response[Episode | Error]:
    """Book a pump episode

     Books one episode at once: the pump from the fitting to the turnaround's end, the fitting, a review
    a day and the removal, each at the fitting's clinic time. `fitting_start` with an offset is an
    instant; without one a wall-clock time in the clinic's zone. Pump, chairs and nurses left out are
    chosen by the system. A rule broken by the request is a 400 (`review_on_closed_day`,
    `visit_outside_hours`, `episode_in_past`, `episode_too_soon`…); a clash with what is booked is a 409
    (`pump_unavailable`, `pump_in_maintenance`, `patient_in_episode`, `chair_conflict`,
    `nurse_capacity`, `course_full`…).

    Args:
        body (EpisodeBookRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Episode | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: EpisodeBookRequest,
) -> Episode | Error | None:
    """Book a pump episode

     Books one episode at once: the pump from the fitting to the turnaround's end, the fitting, a review
    a day and the removal, each at the fitting's clinic time. `fitting_start` with an offset is an
    instant; without one a wall-clock time in the clinic's zone. Pump, chairs and nurses left out are
    chosen by the system. A rule broken by the request is a 400 (`review_on_closed_day`,
    `visit_outside_hours`, `episode_in_past`, `episode_too_soon`…); a clash with what is booked is a 409
    (`pump_unavailable`, `pump_in_maintenance`, `patient_in_episode`, `chair_conflict`,
    `nurse_capacity`, `course_full`…).

    Args:
        body (EpisodeBookRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Episode | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
