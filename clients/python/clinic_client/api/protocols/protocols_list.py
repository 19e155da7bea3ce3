from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.paginated_protocol_list import PaginatedProtocolList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    active: bool | Unset = UNSET,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["active"] = active

    params["clinic"] = clinic

    params["page"] = page

    params["page_size"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/protocols/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedProtocolList | None:
    if response.status_code == 200:
        response_200 = PaginatedProtocolList.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | PaginatedProtocolList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    active: bool | Unset = UNSET,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Response[Error | PaginatedProtocolList]:
    """List protocols

     A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a
    chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.
    Lists the protocols of your clinics, paginated (`page`, `page_size`). Every role may read. The list
    holds your clinics' own protocols and the shared templates; `clinic` narrows it to what one clinic
    may book.

    Args:
        active (bool | Unset):
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedProtocolList]
    """

    kwargs = _get_kwargs(
        active=active,
        clinic=clinic,
        page=page,
        page_size=page_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    active: bool | Unset = UNSET,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Error | PaginatedProtocolList | None:
    """List protocols

     A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a
    chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.
    Lists the protocols of your clinics, paginated (`page`, `page_size`). Every role may read. The list
    holds your clinics' own protocols and the shared templates; `clinic` narrows it to what one clinic
    may book.

    Args:
        active (bool | Unset):
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedProtocolList
    """

    return sync_detailed(
        client=client,
        active=active,
        clinic=clinic,
        page=page,
        page_size=page_size,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    active: bool | Unset = UNSET,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Response[Error | PaginatedProtocolList]:
    """List protocols

     A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a
    chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.
    Lists the protocols of your clinics, paginated (`page`, `page_size`). Every role may read. The list
    holds your clinics' own protocols and the shared templates; `clinic` narrows it to what one clinic
    may book.

    Args:
        active (bool | Unset):
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedProtocolList]
    """

    kwargs = _get_kwargs(
        active=active,
        clinic=clinic,
        page=page,
        page_size=page_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    active: bool | Unset = UNSET,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Error | PaginatedProtocolList | None:
    """List protocols

     A treatment protocol: how many sessions a course has, how they are spaced, how long each holds a
    chair. A protocol with no clinic is a template shared by every clinic; only superusers change those.
    Lists the protocols of your clinics, paginated (`page`, `page_size`). Every role may read. The list
    holds your clinics' own protocols and the shared templates; `clinic` narrows it to what one clinic
    may book.

    Args:
        active (bool | Unset):
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedProtocolList
    """

    return (
        await asyncio_detailed(
            client=client,
            active=active,
            clinic=clinic,
            page=page,
            page_size=page_size,
        )
    ).parsed
