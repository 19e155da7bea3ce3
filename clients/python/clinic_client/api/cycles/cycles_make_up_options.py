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
        "url": "/api/v1/cycles/{id}/make-up/options/".format(
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
    """Next free times for a make-up session

     Up to `count` (default 5, at most 20) next start times at which a make-up session could be added to
    this course (it must be short: `sessions_short` > 0) while the whole course stays valid (spacing,
    window, chairs, nurses, the patient's other sessions), earliest first, each numbered as it would be
    and with the chair and nurse it would take. Every time offered is one `POST
    /api/v1/cycles/{id}/make-up/` accepts, until something else is booked there. A time may fall in the
    gap a missed session left, or after the course's last session. The search covers at most 92 days
    from today or `from`.

    **Numbering.** The make-up takes the number of its place in time among the sessions the course
    keeps; the kept sessions after it move up to close the gap, so `session k of n` stays the patient's
    k-th visit and n the course's target. The missed session keeps its number, status and history (the
    numbers are unique among sessions that hold their time). A renumbered session keeps its time, chair,
    nurse and version.

    **Refusals.** 409 when the course cannot have one (`course_not_short`, `course_ended`,
    `first_visit_missed`), or `make_up_window_closed` when the protocol's spacing and window leave no
    date from today on. `[]`: no free time in the dates left.

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
    """Next free times for a make-up session

     Up to `count` (default 5, at most 20) next start times at which a make-up session could be added to
    this course (it must be short: `sessions_short` > 0) while the whole course stays valid (spacing,
    window, chairs, nurses, the patient's other sessions), earliest first, each numbered as it would be
    and with the chair and nurse it would take. Every time offered is one `POST
    /api/v1/cycles/{id}/make-up/` accepts, until something else is booked there. A time may fall in the
    gap a missed session left, or after the course's last session. The search covers at most 92 days
    from today or `from`.

    **Numbering.** The make-up takes the number of its place in time among the sessions the course
    keeps; the kept sessions after it move up to close the gap, so `session k of n` stays the patient's
    k-th visit and n the course's target. The missed session keeps its number, status and history (the
    numbers are unique among sessions that hold their time). A renumbered session keeps its time, chair,
    nurse and version.

    **Refusals.** 409 when the course cannot have one (`course_not_short`, `course_ended`,
    `first_visit_missed`), or `make_up_window_closed` when the protocol's spacing and window leave no
    date from today on. `[]`: no free time in the dates left.

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
    """Next free times for a make-up session

     Up to `count` (default 5, at most 20) next start times at which a make-up session could be added to
    this course (it must be short: `sessions_short` > 0) while the whole course stays valid (spacing,
    window, chairs, nurses, the patient's other sessions), earliest first, each numbered as it would be
    and with the chair and nurse it would take. Every time offered is one `POST
    /api/v1/cycles/{id}/make-up/` accepts, until something else is booked there. A time may fall in the
    gap a missed session left, or after the course's last session. The search covers at most 92 days
    from today or `from`.

    **Numbering.** The make-up takes the number of its place in time among the sessions the course
    keeps; the kept sessions after it move up to close the gap, so `session k of n` stays the patient's
    k-th visit and n the course's target. The missed session keeps its number, status and history (the
    numbers are unique among sessions that hold their time). A renumbered session keeps its time, chair,
    nurse and version.

    **Refusals.** 409 when the course cannot have one (`course_not_short`, `course_ended`,
    `first_visit_missed`), or `make_up_window_closed` when the protocol's spacing and window leave no
    date from today on. `[]`: no free time in the dates left.

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
    """Next free times for a make-up session

     Up to `count` (default 5, at most 20) next start times at which a make-up session could be added to
    this course (it must be short: `sessions_short` > 0) while the whole course stays valid (spacing,
    window, chairs, nurses, the patient's other sessions), earliest first, each numbered as it would be
    and with the chair and nurse it would take. Every time offered is one `POST
    /api/v1/cycles/{id}/make-up/` accepts, until something else is booked there. A time may fall in the
    gap a missed session left, or after the course's last session. The search covers at most 92 days
    from today or `from`.

    **Numbering.** The make-up takes the number of its place in time among the sessions the course
    keeps; the kept sessions after it move up to close the gap, so `session k of n` stays the patient's
    k-th visit and n the course's target. The missed session keeps its number, status and history (the
    numbers are unique among sessions that hold their time). A renumbered session keeps its time, chair,
    nurse and version.

    **Refusals.** 409 when the course cannot have one (`course_not_short`, `course_ended`,
    `first_visit_missed`), or `make_up_window_closed` when the protocol's spacing and window leave no
    date from today on. `[]`: no free time in the dates left.

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
