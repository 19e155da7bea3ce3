from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.entry import Entry
from ...models.entry_create_request import EntryCreateRequest
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: EntryCreateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/waitlist/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Entry | Error | None:
    if response.status_code == 201:
        response_201 = Entry.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Entry | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: EntryCreateRequest,
) -> Response[Entry | Error]:
    """Put a patient on the waitlist

     For a new course (`protocol`) or an earlier time for a booked session (`session`), with the
    weekdays, times of day (clinic time) and dates that suit. When a slot frees that suits the entry
    (and no earlier entry), the patient is offered it by email, held for the clinic's
    `waitlist_hold_minutes`.

    Args:
        body (EntryCreateRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Entry | Error]
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
    body: EntryCreateRequest,
) -> Entry | Error | None:
    """Put a patient on the waitlist

     For a new course (`protocol`) or an earlier time for a booked session (`session`), with the
    weekdays, times of day (clinic time) and dates that suit. When a slot frees that suits the entry
    (and no earlier entry), the patient is offered it by email, held for the clinic's
    `waitlist_hold_minutes`.

    Args:
        body (EntryCreateRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Entry | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: EntryCreateRequest,
) -> Response[Entry | Error]:
    """Put a patient on the waitlist

     For a new course (`protocol`) or an earlier time for a booked session (`session`), with the
    weekdays, times of day (clinic time) and dates that suit. When a slot frees that suits the entry
    (and no earlier entry), the patient is offered it by email, held for the clinic's
    `waitlist_hold_minutes`.

    Args:
        body (EntryCreateRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Entry | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: EntryCreateRequest,
) -> Entry | Error | None:
    """Put a patient on the waitlist

     For a new course (`protocol`) or an earlier time for a booked session (`session`), with the
    weekdays, times of day (clinic time) and dates that suit. When a slot frees that suits the entry
    (and no earlier entry), the patient is offered it by email, held for the clinic's
    `waitlist_hold_minutes`.

    Args:
        body (EntryCreateRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with
            that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Entry | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
