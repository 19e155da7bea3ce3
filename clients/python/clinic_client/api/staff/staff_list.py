from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.paginated_staff_member_list import PaginatedStaffMemberList
from ...models.staff_list_role import StaffListRole
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    active: bool | Unset = UNSET,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    role: StaffListRole | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["active"] = active

    params["clinic"] = clinic

    params["page"] = page

    params["page_size"] = page_size

    json_role: str | Unset = UNSET
    if not isinstance(role, Unset):
        json_role = role.value

    params["role"] = json_role

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/staff/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedStaffMemberList | None:
    if response.status_code == 200:
        response_200 = PaginatedStaffMemberList.from_dict(response.json())

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
) -> Response[Error | PaginatedStaffMemberList]:
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
    role: StaffListRole | Unset = UNSET,
) -> Response[Error | PaginatedStaffMemberList]:
    """List staff members

     A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in. Lists the
    staff members of your clinics, paginated (`page`, `page_size`). Every role may read. Filter by
    `clinic`, `role` and `active`.

    Args:
        active (bool | Unset):
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        role (StaffListRole | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedStaffMemberList]
    """

    kwargs = _get_kwargs(
        active=active,
        clinic=clinic,
        page=page,
        page_size=page_size,
        role=role,
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
    role: StaffListRole | Unset = UNSET,
) -> Error | PaginatedStaffMemberList | None:
    """List staff members

     A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in. Lists the
    staff members of your clinics, paginated (`page`, `page_size`). Every role may read. Filter by
    `clinic`, `role` and `active`.

    Args:
        active (bool | Unset):
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        role (StaffListRole | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedStaffMemberList
    """

    return sync_detailed(
        client=client,
        active=active,
        clinic=clinic,
        page=page,
        page_size=page_size,
        role=role,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    active: bool | Unset = UNSET,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    role: StaffListRole | Unset = UNSET,
) -> Response[Error | PaginatedStaffMemberList]:
    """List staff members

     A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in. Lists the
    staff members of your clinics, paginated (`page`, `page_size`). Every role may read. Filter by
    `clinic`, `role` and `active`.

    Args:
        active (bool | Unset):
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        role (StaffListRole | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedStaffMemberList]
    """

    kwargs = _get_kwargs(
        active=active,
        clinic=clinic,
        page=page,
        page_size=page_size,
        role=role,
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
    role: StaffListRole | Unset = UNSET,
) -> Error | PaginatedStaffMemberList | None:
    """List staff members

     A nurse or provider of a clinic, with the weekly shifts the scheduler assigns sessions in. Lists the
    staff members of your clinics, paginated (`page`, `page_size`). Every role may read. Filter by
    `clinic`, `role` and `active`.

    Args:
        active (bool | Unset):
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        role (StaffListRole | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedStaffMemberList
    """

    return (
        await asyncio_detailed(
            client=client,
            active=active,
            clinic=clinic,
            page=page,
            page_size=page_size,
            role=role,
        )
    ).parsed
