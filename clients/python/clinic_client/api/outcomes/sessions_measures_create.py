from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.measure_create_request import MeasureCreateRequest
from ...models.measure_score import MeasureScore
from ...types import Response


def _get_kwargs(
    id: int,
    *,
    body: MeasureCreateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/sessions/{id}/measures/".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | MeasureScore | None:
    if response.status_code == 201:
        response_201 = MeasureScore.from_dict(response.json())

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
) -> Response[Error | MeasureScore]:
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
    body: MeasureCreateRequest,
) -> Response[Error | MeasureScore]:
    """Record a session's answers

     A clinician enters the patient's answers to one instrument the course asks for. Answered again, the
    new answers are the next version (the old ones are kept). The answer holds the total, its band, the
    change from the course's baseline (its first session's score), response (a drop of at least 50 %)
    and remission (PHQ-9 or GAD-7 below 5). An answer above 0 on PHQ-9 item 9 raises an urgent flag at
    once: the session does not start (409 `urgent_flag_unacknowledged`) until a clinician acknowledges
    it.

    Args:
        id (int):
        body (MeasureCreateRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MeasureScore]
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
    body: MeasureCreateRequest,
) -> Error | MeasureScore | None:
    """Record a session's answers

     A clinician enters the patient's answers to one instrument the course asks for. Answered again, the
    new answers are the next version (the old ones are kept). The answer holds the total, its band, the
    change from the course's baseline (its first session's score), response (a drop of at least 50 %)
    and remission (PHQ-9 or GAD-7 below 5). An answer above 0 on PHQ-9 item 9 raises an urgent flag at
    once: the session does not start (409 `urgent_flag_unacknowledged`) until a clinician acknowledges
    it.

    Args:
        id (int):
        body (MeasureCreateRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MeasureScore
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
    body: MeasureCreateRequest,
) -> Response[Error | MeasureScore]:
    """Record a session's answers

     A clinician enters the patient's answers to one instrument the course asks for. Answered again, the
    new answers are the next version (the old ones are kept). The answer holds the total, its band, the
    change from the course's baseline (its first session's score), response (a drop of at least 50 %)
    and remission (PHQ-9 or GAD-7 below 5). An answer above 0 on PHQ-9 item 9 raises an urgent flag at
    once: the session does not start (409 `urgent_flag_unacknowledged`) until a clinician acknowledges
    it.

    Args:
        id (int):
        body (MeasureCreateRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MeasureScore]
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
    body: MeasureCreateRequest,
) -> Error | MeasureScore | None:
    """Record a session's answers

     A clinician enters the patient's answers to one instrument the course asks for. Answered again, the
    new answers are the next version (the old ones are kept). The answer holds the total, its band, the
    change from the course's baseline (its first session's score), response (a drop of at least 50 %)
    and remission (PHQ-9 or GAD-7 below 5). An answer above 0 on PHQ-9 item 9 raises an urgent flag at
    once: the session does not start (409 `urgent_flag_unacknowledged`) until a clinician acknowledges
    it.

    Args:
        id (int):
        body (MeasureCreateRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MeasureScore
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
