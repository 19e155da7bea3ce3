from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.paginated_pump_list import PaginatedPumpList
from ...models.pumps_list_status_item import PumpsListStatusItem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: list[PumpsListStatusItem] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["clinic"] = clinic

    params["page"] = page

    params["page_size"] = page_size

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item = status_item_data.value
            json_status.append(status_item)

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/pumps/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedPumpList | None:
    if response.status_code == 200:
        response_200 = PaginatedPumpList.from_dict(response.json())

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
) -> Response[Error | PaginatedPumpList]:
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
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: list[PumpsListStatusItem] | Unset = UNSET,
) -> Response[Error | PaginatedPumpList]:
    """List pumps

     Your clinics' pumps by clinic and label, with their status (in service, in maintenance, retired).

    Args:
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (list[PumpsListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedPumpList]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        page=page,
        page_size=page_size,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: list[PumpsListStatusItem] | Unset = UNSET,
) -> Error | PaginatedPumpList | None:
    """List pumps

     Your clinics' pumps by clinic and label, with their status (in service, in maintenance, retired).

    Args:
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (list[PumpsListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedPumpList
    """

    return sync_detailed(
        client=client,
        clinic=clinic,
        page=page,
        page_size=page_size,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: list[PumpsListStatusItem] | Unset = UNSET,
) -> Response[Error | PaginatedPumpList]:
    """List pumps

     Your clinics' pumps by clinic and label, with their status (in service, in maintenance, retired).

    Args:
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (list[PumpsListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedPumpList]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        page=page,
        page_size=page_size,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: list[PumpsListStatusItem] | Unset = UNSET,
) -> Error | PaginatedPumpList | None:
    """List pumps

     Your clinics' pumps by clinic and label, with their status (in service, in maintenance, retired).

    Args:
        clinic (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (list[PumpsListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedPumpList
    """

    return (
        await asyncio_detailed(
            client=client,
            clinic=clinic,
            page=page,
            page_size=page_size,
            status=status,
        )
    ).parsed
