import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.paginated_time_off_list import PaginatedTimeOffList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    clinic: int | Unset = UNSET,
    ends_after: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    staff: int | Unset = UNSET,
    starts_before: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["clinic"] = clinic

    json_ends_after: str | Unset = UNSET
    if not isinstance(ends_after, Unset):
        json_ends_after = ends_after.isoformat()
    params["ends_after"] = json_ends_after

    params["page"] = page

    params["page_size"] = page_size

    params["staff"] = staff

    json_starts_before: str | Unset = UNSET
    if not isinstance(starts_before, Unset):
        json_starts_before = starts_before.isoformat()
    params["starts_before"] = json_starts_before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/time-off/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedTimeOffList | None:
    if response.status_code == 200:
        response_200 = PaginatedTimeOffList.from_dict(response.json())

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
) -> Response[Error | PaginatedTimeOffList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    ends_after: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    staff: int | Unset = UNSET,
    starts_before: datetime.datetime | Unset = UNSET,
) -> Response[Error | PaginatedTimeOffList]:
    """List time off entries

     A span when a staff member is away; the scheduler assigns them no sessions then. Lists the time off
    entries of your clinics, paginated (`page`, `page_size`). Every role may read. Filter by `clinic`,
    `staff`, `ends_after` and `starts_before`. Instants are ISO 8601 with their UTC offset.

    Args:
        clinic (int | Unset):
        ends_after (datetime.datetime | Unset):
        page (int | Unset):
        page_size (int | Unset):
        staff (int | Unset):
        starts_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedTimeOffList]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        ends_after=ends_after,
        page=page,
        page_size=page_size,
        staff=staff,
        starts_before=starts_before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    ends_after: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    staff: int | Unset = UNSET,
    starts_before: datetime.datetime | Unset = UNSET,
) -> Error | PaginatedTimeOffList | None:
    """List time off entries

     A span when a staff member is away; the scheduler assigns them no sessions then. Lists the time off
    entries of your clinics, paginated (`page`, `page_size`). Every role may read. Filter by `clinic`,
    `staff`, `ends_after` and `starts_before`. Instants are ISO 8601 with their UTC offset.

    Args:
        clinic (int | Unset):
        ends_after (datetime.datetime | Unset):
        page (int | Unset):
        page_size (int | Unset):
        staff (int | Unset):
        starts_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedTimeOffList
    """

    return sync_detailed(
        client=client,
        clinic=clinic,
        ends_after=ends_after,
        page=page,
        page_size=page_size,
        staff=staff,
        starts_before=starts_before,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    ends_after: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    staff: int | Unset = UNSET,
    starts_before: datetime.datetime | Unset = UNSET,
) -> Response[Error | PaginatedTimeOffList]:
    """List time off entries

     A span when a staff member is away; the scheduler assigns them no sessions then. Lists the time off
    entries of your clinics, paginated (`page`, `page_size`). Every role may read. Filter by `clinic`,
    `staff`, `ends_after` and `starts_before`. Instants are ISO 8601 with their UTC offset.

    Args:
        clinic (int | Unset):
        ends_after (datetime.datetime | Unset):
        page (int | Unset):
        page_size (int | Unset):
        staff (int | Unset):
        starts_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedTimeOffList]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        ends_after=ends_after,
        page=page,
        page_size=page_size,
        staff=staff,
        starts_before=starts_before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    ends_after: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    staff: int | Unset = UNSET,
    starts_before: datetime.datetime | Unset = UNSET,
) -> Error | PaginatedTimeOffList | None:
    """List time off entries

     A span when a staff member is away; the scheduler assigns them no sessions then. Lists the time off
    entries of your clinics, paginated (`page`, `page_size`). Every role may read. Filter by `clinic`,
    `staff`, `ends_after` and `starts_before`. Instants are ISO 8601 with their UTC offset.

    Args:
        clinic (int | Unset):
        ends_after (datetime.datetime | Unset):
        page (int | Unset):
        page_size (int | Unset):
        staff (int | Unset):
        starts_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedTimeOffList
    """

    return (
        await asyncio_detailed(
            client=client,
            clinic=clinic,
            ends_after=ends_after,
            page=page,
            page_size=page_size,
            staff=staff,
            starts_before=starts_before,
        )
    ).parsed
