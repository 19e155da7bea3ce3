import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.planned_session import PlannedSession
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: int,
    *,
    count: int | Unset = 5,
    from_: datetime.date | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["count"] = count

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/sessions/{id}/options/".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | list[PlannedSession] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = PlannedSession.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | list[PlannedSession]]:
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
    count: int | Unset = 5,
    from_: datetime.date | Unset = UNSET,
) -> Response[Error | list[PlannedSession]]:
    """Next free times for a session

     Up to `count` (default 5, at most 20) next start times at which this session could be moved while
    its course stays valid, earliest first, each with the chair and nurse it would take. Its own present
    time counts as free. Move it with `POST /api/v1/sessions/{id}/reschedule/` (`scope: this`): every
    time offered is one the reschedule accepts, until something else is booked there.

    **The window.** The search covers the clinic dates the course's spacing leaves this session: after
    the session before it has ended and at least the protocol's smallest gap later, at most its largest
    gap after it, the same around the session after it, consecutive weekdays where the protocol says so,
    and within the protocol's window (e.g. 14 days for the whole course); however far ahead the course
    lies. It starts today, or at `from` if later, and covers at most 92 days from there: that bound only
    binds where the rules leave the window open (a last session without a largest gap or a window, a
    one-session course) or very long; pass a later `from` to look further.

    **Empty list.** `[]` means no time from `from` (or today) to the window's end keeps the course
    valid: every time is taken, or `from` is past the window's end. Only a `booked` or `confirmed`
    session can move: any other status answers 409 `invalid_transition`, as the reschedule does.

    Args:
        id (int):
        count (int | Unset):  Default: 5.
        from_ (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[PlannedSession]]
    """

    kwargs = _get_kwargs(
        id=id,
        count=count,
        from_=from_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
    count: int | Unset = 5,
    from_: datetime.date | Unset = UNSET,
) -> Error | list[PlannedSession] | None:
    """Next free times for a session

     Up to `count` (default 5, at most 20) next start times at which this session could be moved while
    its course stays valid, earliest first, each with the chair and nurse it would take. Its own present
    time counts as free. Move it with `POST /api/v1/sessions/{id}/reschedule/` (`scope: this`): every
    time offered is one the reschedule accepts, until something else is booked there.

    **The window.** The search covers the clinic dates the course's spacing leaves this session: after
    the session before it has ended and at least the protocol's smallest gap later, at most its largest
    gap after it, the same around the session after it, consecutive weekdays where the protocol says so,
    and within the protocol's window (e.g. 14 days for the whole course); however far ahead the course
    lies. It starts today, or at `from` if later, and covers at most 92 days from there: that bound only
    binds where the rules leave the window open (a last session without a largest gap or a window, a
    one-session course) or very long; pass a later `from` to look further.

    **Empty list.** `[]` means no time from `from` (or today) to the window's end keeps the course
    valid: every time is taken, or `from` is past the window's end. Only a `booked` or `confirmed`
    session can move: any other status answers 409 `invalid_transition`, as the reschedule does.

    Args:
        id (int):
        count (int | Unset):  Default: 5.
        from_ (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[PlannedSession]
    """

    return sync_detailed(
        id=id,
        client=client,
        count=count,
        from_=from_,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    count: int | Unset = 5,
    from_: datetime.date | Unset = UNSET,
) -> Response[Error | list[PlannedSession]]:
    """Next free times for a session

     Up to `count` (default 5, at most 20) next start times at which this session could be moved while
    its course stays valid, earliest first, each with the chair and nurse it would take. Its own present
    time counts as free. Move it with `POST /api/v1/sessions/{id}/reschedule/` (`scope: this`): every
    time offered is one the reschedule accepts, until something else is booked there.

    **The window.** The search covers the clinic dates the course's spacing leaves this session: after
    the session before it has ended and at least the protocol's smallest gap later, at most its largest
    gap after it, the same around the session after it, consecutive weekdays where the protocol says so,
    and within the protocol's window (e.g. 14 days for the whole course); however far ahead the course
    lies. It starts today, or at `from` if later, and covers at most 92 days from there: that bound only
    binds where the rules leave the window open (a last session without a largest gap or a window, a
    one-session course) or very long; pass a later `from` to look further.

    **Empty list.** `[]` means no time from `from` (or today) to the window's end keeps the course
    valid: every time is taken, or `from` is past the window's end. Only a `booked` or `confirmed`
    session can move: any other status answers 409 `invalid_transition`, as the reschedule does.

    Args:
        id (int):
        count (int | Unset):  Default: 5.
        from_ (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[PlannedSession]]
    """

    kwargs = _get_kwargs(
        id=id,
        count=count,
        from_=from_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
    count: int | Unset = 5,
    from_: datetime.date | Unset = UNSET,
) -> Error | list[PlannedSession] | None:
    """Next free times for a session

     Up to `count` (default 5, at most 20) next start times at which this session could be moved while
    its course stays valid, earliest first, each with the chair and nurse it would take. Its own present
    time counts as free. Move it with `POST /api/v1/sessions/{id}/reschedule/` (`scope: this`): every
    time offered is one the reschedule accepts, until something else is booked there.

    **The window.** The search covers the clinic dates the course's spacing leaves this session: after
    the session before it has ended and at least the protocol's smallest gap later, at most its largest
    gap after it, the same around the session after it, consecutive weekdays where the protocol says so,
    and within the protocol's window (e.g. 14 days for the whole course); however far ahead the course
    lies. It starts today, or at `from` if later, and covers at most 92 days from there: that bound only
    binds where the rules leave the window open (a last session without a largest gap or a window, a
    one-session course) or very long; pass a later `from` to look further.

    **Empty list.** `[]` means no time from `from` (or today) to the window's end keeps the course
    valid: every time is taken, or `from` is past the window's end. Only a `booked` or `confirmed`
    session can move: any other status answers 409 `invalid_transition`, as the reschedule does.

    Args:
        id (int):
        count (int | Unset):  Default: 5.
        from_ (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[PlannedSession]
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            count=count,
            from_=from_,
        )
    ).parsed
