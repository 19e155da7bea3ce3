from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.proposal import Proposal
from ...models.proposal_request_request import ProposalRequestRequest
from ...types import Response


def _get_kwargs(
    *,
    body: ProposalRequestRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/cycles/proposals/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Proposal | None:
    if response.status_code == 200:
        response_200 = Proposal.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Proposal]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ProposalRequestRequest,
) -> Response[Error | Proposal]:
    """Propose a course's dates

     The earliest series of the protocol's sessions that fits the spacing rules, free chairs, nurse
    capacity and stagger, opening hours, closures and the patient's other sessions and wishes; up to 3
    alternatives. Nothing is stored: book the chosen series with `POST /api/v1/cycles/`. When nothing
    fits within four weeks of `earliest_date`, a 409 `no_feasible_series` names the binding rule, the
    dates where it bound, and the earliest date from which a series would fit.

    Args:
        body (ProposalRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Proposal]
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
    body: ProposalRequestRequest,
) -> Error | Proposal | None:
    """Propose a course's dates

     The earliest series of the protocol's sessions that fits the spacing rules, free chairs, nurse
    capacity and stagger, opening hours, closures and the patient's other sessions and wishes; up to 3
    alternatives. Nothing is stored: book the chosen series with `POST /api/v1/cycles/`. When nothing
    fits within four weeks of `earliest_date`, a 409 `no_feasible_series` names the binding rule, the
    dates where it bound, and the earliest date from which a series would fit.

    Args:
        body (ProposalRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Proposal
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ProposalRequestRequest,
) -> Response[Error | Proposal]:
    """Propose a course's dates

     The earliest series of the protocol's sessions that fits the spacing rules, free chairs, nurse
    capacity and stagger, opening hours, closures and the patient's other sessions and wishes; up to 3
    alternatives. Nothing is stored: book the chosen series with `POST /api/v1/cycles/`. When nothing
    fits within four weeks of `earliest_date`, a 409 `no_feasible_series` names the binding rule, the
    dates where it bound, and the earliest date from which a series would fit.

    Args:
        body (ProposalRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Proposal]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ProposalRequestRequest,
) -> Error | Proposal | None:
    """Propose a course's dates

     The earliest series of the protocol's sessions that fits the spacing rules, free chairs, nurse
    capacity and stagger, opening hours, closures and the patient's other sessions and wishes; up to 3
    alternatives. Nothing is stored: book the chosen series with `POST /api/v1/cycles/`. When nothing
    fits within four weeks of `earliest_date`, a 409 `no_feasible_series` names the binding rule, the
    dates where it bound, and the earliest date from which a series would fit.

    Args:
        body (ProposalRequestRequest): `many=True` makes a StrictListSerializer (DRF's many_init,
            with that class as the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Proposal
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
