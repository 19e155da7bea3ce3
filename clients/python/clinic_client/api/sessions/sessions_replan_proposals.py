from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.replan_proposal import ReplanProposal
from ...types import UNSET, Response


def _get_kwargs(
    *,
    clinic: int,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["clinic"] = clinic

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/sessions/replan/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | list[ReplanProposal] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = ReplanProposal.from_dict(response_200_item_data)

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

    if response.status_code == 406:
        response_406 = Error.from_dict(response.json())

        return response_406

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | list[ReplanProposal]]:
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
) -> Response[Error | list[ReplanProposal]]:
    """Proposals for the stranded sessions

     The clinic's Needs moving worklist (upcoming sessions a closure, a chair out of service or a nurse's
    absence stranded), each with the place the planner proposes for it. Nothing is stored.

    **How a proposal is made.** First the same start with another chair or nurse (a chair out of
    service, a nurse absent: `reassign`, nothing changes for the patient); else `move` to the nearest
    date, before or after, on which the session keeps its course valid (spacing, window, opening hours,
    closures, chairs, nurse capacity, stagger, the patient's other sessions), at the time of day nearest
    its own. Sessions are planned earliest first, each against the proposals before it, so two proposals
    never collide and sessions of one course stay spaced from each other's new times. At most 200
    sessions at once, earliest first.

    Args:
        clinic (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[ReplanProposal]]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    clinic: int,
) -> Error | list[ReplanProposal] | None:
    """Proposals for the stranded sessions

     The clinic's Needs moving worklist (upcoming sessions a closure, a chair out of service or a nurse's
    absence stranded), each with the place the planner proposes for it. Nothing is stored.

    **How a proposal is made.** First the same start with another chair or nurse (a chair out of
    service, a nurse absent: `reassign`, nothing changes for the patient); else `move` to the nearest
    date, before or after, on which the session keeps its course valid (spacing, window, opening hours,
    closures, chairs, nurse capacity, stagger, the patient's other sessions), at the time of day nearest
    its own. Sessions are planned earliest first, each against the proposals before it, so two proposals
    never collide and sessions of one course stay spaced from each other's new times. At most 200
    sessions at once, earliest first.

    Args:
        clinic (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[ReplanProposal]
    """

    return sync_detailed(
        client=client,
        clinic=clinic,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int,
) -> Response[Error | list[ReplanProposal]]:
    """Proposals for the stranded sessions

     The clinic's Needs moving worklist (upcoming sessions a closure, a chair out of service or a nurse's
    absence stranded), each with the place the planner proposes for it. Nothing is stored.

    **How a proposal is made.** First the same start with another chair or nurse (a chair out of
    service, a nurse absent: `reassign`, nothing changes for the patient); else `move` to the nearest
    date, before or after, on which the session keeps its course valid (spacing, window, opening hours,
    closures, chairs, nurse capacity, stagger, the patient's other sessions), at the time of day nearest
    its own. Sessions are planned earliest first, each against the proposals before it, so two proposals
    never collide and sessions of one course stay spaced from each other's new times. At most 200
    sessions at once, earliest first.

    Args:
        clinic (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[ReplanProposal]]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    clinic: int,
) -> Error | list[ReplanProposal] | None:
    """Proposals for the stranded sessions

     The clinic's Needs moving worklist (upcoming sessions a closure, a chair out of service or a nurse's
    absence stranded), each with the place the planner proposes for it. Nothing is stored.

    **How a proposal is made.** First the same start with another chair or nurse (a chair out of
    service, a nurse absent: `reassign`, nothing changes for the patient); else `move` to the nearest
    date, before or after, on which the session keeps its course valid (spacing, window, opening hours,
    closures, chairs, nurse capacity, stagger, the patient's other sessions), at the time of day nearest
    its own. Sessions are planned earliest first, each against the proposals before it, so two proposals
    never collide and sessions of one course stay spaced from each other's new times. At most 200
    sessions at once, earliest first.

    Args:
        clinic (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[ReplanProposal]
    """

    return (
        await asyncio_detailed(
            client=client,
            clinic=clinic,
        )
    ).parsed
