from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.episodes_list_status_item import EpisodesListStatusItem
from ...models.error import Error
from ...models.paginated_episode_list import PaginatedEpisodeList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    clinic: int | Unset = UNSET,
    course: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    pump: int | Unset = UNSET,
    status: list[EpisodesListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["clinic"] = clinic

    params["course"] = course

    params["from"] = from_

    params["page"] = page

    params["page_size"] = page_size

    params["patient"] = patient

    params["pump"] = pump

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item = status_item_data.value
            json_status.append(status_item)

    params["status"] = json_status

    params["to"] = to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/episodes/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedEpisodeList | None:
    if response.status_code == 200:
        response_200 = PaginatedEpisodeList.from_dict(response.json())

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
) -> Response[Error | PaginatedEpisodeList]:
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
    course: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    pump: int | Unset = UNSET,
    status: list[EpisodesListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Response[Error | PaginatedEpisodeList]:
    """List pump episodes

     Your clinics' pump episodes by fitting time, each with its visits. `from`/`to` keep the episodes
    whose span (fitting to removal) meets that interval; `status` takes several values separated by
    commas.

    Args:
        clinic (int | Unset):
        course (int | Unset):
        from_ (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        pump (int | Unset):
        status (list[EpisodesListStatusItem] | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedEpisodeList]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        course=course,
        from_=from_,
        page=page,
        page_size=page_size,
        patient=patient,
        pump=pump,
        status=status,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    course: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    pump: int | Unset = UNSET,
    status: list[EpisodesListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Error | PaginatedEpisodeList | None:
    """List pump episodes

     Your clinics' pump episodes by fitting time, each with its visits. `from`/`to` keep the episodes
    whose span (fitting to removal) meets that interval; `status` takes several values separated by
    commas.

    Args:
        clinic (int | Unset):
        course (int | Unset):
        from_ (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        pump (int | Unset):
        status (list[EpisodesListStatusItem] | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedEpisodeList
    """

    return sync_detailed(
        client=client,
        clinic=clinic,
        course=course,
        from_=from_,
        page=page,
        page_size=page_size,
        patient=patient,
        pump=pump,
        status=status,
        to=to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    course: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    pump: int | Unset = UNSET,
    status: list[EpisodesListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Response[Error | PaginatedEpisodeList]:
    """List pump episodes

     Your clinics' pump episodes by fitting time, each with its visits. `from`/`to` keep the episodes
    whose span (fitting to removal) meets that interval; `status` takes several values separated by
    commas.

    Args:
        clinic (int | Unset):
        course (int | Unset):
        from_ (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        pump (int | Unset):
        status (list[EpisodesListStatusItem] | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedEpisodeList]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        course=course,
        from_=from_,
        page=page,
        page_size=page_size,
        patient=patient,
        pump=pump,
        status=status,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    course: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    pump: int | Unset = UNSET,
    status: list[EpisodesListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Error | PaginatedEpisodeList | None:
    """List pump episodes

     Your clinics' pump episodes by fitting time, each with its visits. `from`/`to` keep the episodes
    whose span (fitting to removal) meets that interval; `status` takes several values separated by
    commas.

    Args:
        clinic (int | Unset):
        course (int | Unset):
        from_ (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        pump (int | Unset):
        status (list[EpisodesListStatusItem] | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedEpisodeList
    """

    return (
        await asyncio_detailed(
            client=client,
            clinic=clinic,
            course=course,
            from_=from_,
            page=page,
            page_size=page_size,
            patient=patient,
            pump=pump,
            status=status,
            to=to,
        )
    ).parsed
