from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.make_up_request import MakeUpRequest
from ...models.session import Session
from ...types import Response


def _get_kwargs(
    id: int,
    *,
    body: MakeUpRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/cycles/{id}/make-up/".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Session | None:
    if response.status_code == 201:
        response_201 = Session.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Session]:
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
    body: MakeUpRequest,
) -> Response[Error | Session]:
    """Add a make-up session

     Adds a session to this course in place of one it lost (`replaces`: a cancelled, late-cancelled or
    no-show session of it), when the course is short of its target. The whole course must stay valid, as
    in a booking: spacing and window (`spacing_too_close`, `window_exceeded`), opening hours, chairs,
    nurses and the patient's other sessions; chair and nurse left out are chosen. The patient is sent
    the course's upcoming sessions again with a calendar file, and the new session's reminders.

    **Numbering.** The make-up takes the number of its place in time among the sessions the course
    keeps; the kept sessions after it move up to close the gap, so `session k of n` stays the patient's
    k-th visit and n the course's target. The missed session keeps its number, status and history (the
    numbers are unique among sessions that hold their time). A renumbered session keeps its time, chair,
    nurse and version.

    Args:
        id (int):
        body (MakeUpRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with that
            class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Session]
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
    body: MakeUpRequest,
) -> Error | Session | None:
    """Add a make-up session

     Adds a session to this course in place of one it lost (`replaces`: a cancelled, late-cancelled or
    no-show session of it), when the course is short of its target. The whole course must stay valid, as
    in a booking: spacing and window (`spacing_too_close`, `window_exceeded`), opening hours, chairs,
    nurses and the patient's other sessions; chair and nurse left out are chosen. The patient is sent
    the course's upcoming sessions again with a calendar file, and the new session's reminders.

    **Numbering.** The make-up takes the number of its place in time among the sessions the course
    keeps; the kept sessions after it move up to close the gap, so `session k of n` stays the patient's
    k-th visit and n the course's target. The missed session keeps its number, status and history (the
    numbers are unique among sessions that hold their time). A renumbered session keeps its time, chair,
    nurse and version.

    Args:
        id (int):
        body (MakeUpRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with that
            class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Session
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
    body: MakeUpRequest,
) -> Response[Error | Session]:
    """Add a make-up session

     Adds a session to this course in place of one it lost (`replaces`: a cancelled, late-cancelled or
    no-show session of it), when the course is short of its target. The whole course must stay valid, as
    in a booking: spacing and window (`spacing_too_close`, `window_exceeded`), opening hours, chairs,
    nurses and the patient's other sessions; chair and nurse left out are chosen. The patient is sent
    the course's upcoming sessions again with a calendar file, and the new session's reminders.

    **Numbering.** The make-up takes the number of its place in time among the sessions the course
    keeps; the kept sessions after it move up to close the gap, so `session k of n` stays the patient's
    k-th visit and n the course's target. The missed session keeps its number, status and history (the
    numbers are unique among sessions that hold their time). A renumbered session keeps its time, chair,
    nurse and version.

    Args:
        id (int):
        body (MakeUpRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with that
            class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Session]
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
    body: MakeUpRequest,
) -> Error | Session | None:
    """Add a make-up session

     Adds a session to this course in place of one it lost (`replaces`: a cancelled, late-cancelled or
    no-show session of it), when the course is short of its target. The whole course must stay valid, as
    in a booking: spacing and window (`spacing_too_close`, `window_exceeded`), opening hours, chairs,
    nurses and the patient's other sessions; chair and nurse left out are chosen. The patient is sent
    the course's upcoming sessions again with a calendar file, and the new session's reminders.

    **Numbering.** The make-up takes the number of its place in time among the sessions the course
    keeps; the kept sessions after it move up to close the gap, so `session k of n` stays the patient's
    k-th visit and n the course's target. The missed session keeps its number, status and history (the
    numbers are unique among sessions that hold their time). A renumbered session keeps its time, chair,
    nurse and version.

    Args:
        id (int):
        body (MakeUpRequest): `many=True` makes a StrictListSerializer (DRF's many_init, with that
            class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Session
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
