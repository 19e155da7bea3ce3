from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.replan_outcome import ReplanOutcome
from ...models.replan_request_request import ReplanRequestRequest
from ...types import Response


def _get_kwargs(
    *,
    body: ReplanRequestRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/sessions/replan/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ReplanOutcome | None:
    if response.status_code == 200:
        response_200 = ReplanOutcome.from_dict(response.json())

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
) -> Response[Error | ReplanOutcome]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ReplanRequestRequest,
) -> Response[Error | ReplanOutcome]:
    """Re-plan stranded sessions

     Plans the given sessions (or, with `all: true`, the clinic's whole Needs moving worklist) as the GET
    does, then applies each proposal in its own transaction, through the same checks and locks as moving
    a session: a `move` sends the patient the 'moved' email (with an updated calendar file) and new
    reminders; a `reassign` (same time, another chair or nurse) changes nothing the patient sees, so it
    keeps the session's status and links and sends nothing. Each session's Needs moving mark is cleared
    when it moves. A refusal is reported per session with its code (`no_time_found`,
    `invalid_transition`, a rule's code such as `chair_conflict` when something was booked there
    meanwhile) and leaves the other sessions' moves standing: the answer is 200 whatever each outcome.

    **How a proposal is made.** First the same start with another chair or nurse (a chair out of
    service, a nurse absent: `reassign`, nothing changes for the patient); else `move` to the nearest
    date, before or after, on which the session keeps its course valid (spacing, window, opening hours,
    closures, chairs, nurse capacity, stagger, the patient's other sessions), at the time of day nearest
    its own. Sessions are planned earliest first, each against the proposals before it, so two proposals
    never collide and sessions of one course stay spaced from each other's new times. At most 200
    sessions at once, earliest first.

    Args:
        body (ReplanRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReplanOutcome]
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
    body: ReplanRequestRequest,
) -> Error | ReplanOutcome | None:
    """Re-plan stranded sessions

     Plans the given sessions (or, with `all: true`, the clinic's whole Needs moving worklist) as the GET
    does, then applies each proposal in its own transaction, through the same checks and locks as moving
    a session: a `move` sends the patient the 'moved' email (with an updated calendar file) and new
    reminders; a `reassign` (same time, another chair or nurse) changes nothing the patient sees, so it
    keeps the session's status and links and sends nothing. Each session's Needs moving mark is cleared
    when it moves. A refusal is reported per session with its code (`no_time_found`,
    `invalid_transition`, a rule's code such as `chair_conflict` when something was booked there
    meanwhile) and leaves the other sessions' moves standing: the answer is 200 whatever each outcome.

    **How a proposal is made.** First the same start with another chair or nurse (a chair out of
    service, a nurse absent: `reassign`, nothing changes for the patient); else `move` to the nearest
    date, before or after, on which the session keeps its course valid (spacing, window, opening hours,
    closures, chairs, nurse capacity, stagger, the patient's other sessions), at the time of day nearest
    its own. Sessions are planned earliest first, each against the proposals before it, so two proposals
    never collide and sessions of one course stay spaced from each other's new times. At most 200
    sessions at once, earliest first.

    Args:
        body (ReplanRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReplanOutcome
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ReplanRequestRequest,
) -> Response[Error | ReplanOutcome]:
    """Re-plan stranded sessions

     Plans the given sessions (or, with `all: true`, the clinic's whole Needs moving worklist) as the GET
    does, then applies each proposal in its own transaction, through the same checks and locks as moving
    a session: a `move` sends the patient the 'moved' email (with an updated calendar file) and new
    reminders; a `reassign` (same time, another chair or nurse) changes nothing the patient sees, so it
    keeps the session's status and links and sends nothing. Each session's Needs moving mark is cleared
    when it moves. A refusal is reported per session with its code (`no_time_found`,
    `invalid_transition`, a rule's code such as `chair_conflict` when something was booked there
    meanwhile) and leaves the other sessions' moves standing: the answer is 200 whatever each outcome.

    **How a proposal is made.** First the same start with another chair or nurse (a chair out of
    service, a nurse absent: `reassign`, nothing changes for the patient); else `move` to the nearest
    date, before or after, on which the session keeps its course valid (spacing, window, opening hours,
    closures, chairs, nurse capacity, stagger, the patient's other sessions), at the time of day nearest
    its own. Sessions are planned earliest first, each against the proposals before it, so two proposals
    never collide and sessions of one course stay spaced from each other's new times. At most 200
    sessions at once, earliest first.

    Args:
        body (ReplanRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReplanOutcome]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ReplanRequestRequest,
) -> Error | ReplanOutcome | None:
    """Re-plan stranded sessions

     Plans the given sessions (or, with `all: true`, the clinic's whole Needs moving worklist) as the GET
    does, then applies each proposal in its own transaction, through the same checks and locks as moving
    a session: a `move` sends the patient the 'moved' email (with an updated calendar file) and new
    reminders; a `reassign` (same time, another chair or nurse) changes nothing the patient sees, so it
    keeps the session's status and links and sends nothing. Each session's Needs moving mark is cleared
    when it moves. A refusal is reported per session with its code (`no_time_found`,
    `invalid_transition`, a rule's code such as `chair_conflict` when something was booked there
    meanwhile) and leaves the other sessions' moves standing: the answer is 200 whatever each outcome.

    **How a proposal is made.** First the same start with another chair or nurse (a chair out of
    service, a nurse absent: `reassign`, nothing changes for the patient); else `move` to the nearest
    date, before or after, on which the session keeps its course valid (spacing, window, opening hours,
    closures, chairs, nurse capacity, stagger, the patient's other sessions), at the time of day nearest
    its own. Sessions are planned earliest first, each against the proposals before it, so two proposals
    never collide and sessions of one course stay spaced from each other's new times. At most 200
    sessions at once, earliest first.

    Args:
        body (ReplanRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReplanOutcome
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
