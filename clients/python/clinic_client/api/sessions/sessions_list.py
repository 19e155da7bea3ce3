import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.paginated_session_list import PaginatedSessionList
from ...models.sessions_list_status_item import SessionsListStatusItem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    chair: int | Unset = UNSET,
    clinic: int | Unset = UNSET,
    cycle: int | Unset = UNSET,
    date: datetime.date | Unset = UNSET,
    from_: str | Unset = UNSET,
    nurse: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    reschedule_requested: bool | Unset = UNSET,
    status: list[SessionsListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["chair"] = chair

    params["clinic"] = clinic

    params["cycle"] = cycle

    json_date: str | Unset = UNSET
    if not isinstance(date, Unset):
        json_date = date.isoformat()
    params["date"] = json_date

    params["from"] = from_

    params["nurse"] = nurse

    params["page"] = page

    params["page_size"] = page_size

    params["patient"] = patient

    params["reschedule_requested"] = reschedule_requested

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
        "url": "/api/v1/sessions/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedSessionList | None:
    if response.status_code == 200:
        response_200 = PaginatedSessionList.from_dict(response.json())

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
) -> Response[Error | PaginatedSessionList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    chair: int | Unset = UNSET,
    clinic: int | Unset = UNSET,
    cycle: int | Unset = UNSET,
    date: datetime.date | Unset = UNSET,
    from_: str | Unset = UNSET,
    nurse: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    reschedule_requested: bool | Unset = UNSET,
    status: list[SessionsListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Response[Error | PaginatedSessionList]:
    """List sessions

     Sessions of your clinics by start time. `date` is a day in each session's clinic time zone;
    `from`/`to` take an instant, a wall-clock time (clinic time) or a date; `status` takes several
    values separated by commas.

    Args:
        chair (int | Unset):
        clinic (int | Unset):
        cycle (int | Unset):
        date (datetime.date | Unset):
        from_ (str | Unset):
        nurse (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        reschedule_requested (bool | Unset):
        status (list[SessionsListStatusItem] | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedSessionList]
    """

    kwargs = _get_kwargs(
        chair=chair,
        clinic=clinic,
        cycle=cycle,
        date=date,
        from_=from_,
        nurse=nurse,
        page=page,
        page_size=page_size,
        patient=patient,
        reschedule_requested=reschedule_requested,
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
    chair: int | Unset = UNSET,
    clinic: int | Unset = UNSET,
    cycle: int | Unset = UNSET,
    date: datetime.date | Unset = UNSET,
    from_: str | Unset = UNSET,
    nurse: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    reschedule_requested: bool | Unset = UNSET,
    status: list[SessionsListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Error | PaginatedSessionList | None:
    """List sessions

     Sessions of your clinics by start time. `date` is a day in each session's clinic time zone;
    `from`/`to` take an instant, a wall-clock time (clinic time) or a date; `status` takes several
    values separated by commas.

    Args:
        chair (int | Unset):
        clinic (int | Unset):
        cycle (int | Unset):
        date (datetime.date | Unset):
        from_ (str | Unset):
        nurse (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        reschedule_requested (bool | Unset):
        status (list[SessionsListStatusItem] | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedSessionList
    """

    return sync_detailed(
        client=client,
        chair=chair,
        clinic=clinic,
        cycle=cycle,
        date=date,
        from_=from_,
        nurse=nurse,
        page=page,
        page_size=page_size,
        patient=patient,
        reschedule_requested=reschedule_requested,
        status=status,
        to=to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    chair: int | Unset = UNSET,
    clinic: int | Unset = UNSET,
    cycle: int | Unset = UNSET,
    date: datetime.date | Unset = UNSET,
    from_: str | Unset = UNSET,
    nurse: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    reschedule_requested: bool | Unset = UNSET,
    status: list[SessionsListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Response[Error | PaginatedSessionList]:
    """List sessions

     Sessions of your clinics by start time. `date` is a day in each session's clinic time zone;
    `from`/`to` take an instant, a wall-clock time (clinic time) or a date; `status` takes several
    values separated by commas.

    Args:
        chair (int | Unset):
        clinic (int | Unset):
        cycle (int | Unset):
        date (datetime.date | Unset):
        from_ (str | Unset):
        nurse (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        reschedule_requested (bool | Unset):
        status (list[SessionsListStatusItem] | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedSessionList]
    """

    kwargs = _get_kwargs(
        chair=chair,
        clinic=clinic,
        cycle=cycle,
        date=date,
        from_=from_,
        nurse=nurse,
        page=page,
        page_size=page_size,
        patient=patient,
        reschedule_requested=reschedule_requested,
        status=status,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    chair: int | Unset = UNSET,
    clinic: int | Unset = UNSET,
    cycle: int | Unset = UNSET,
    date: datetime.date | Unset = UNSET,
    from_: str | Unset = UNSET,
    nurse: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    reschedule_requested: bool | Unset = UNSET,
    status: list[SessionsListStatusItem] | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Error | PaginatedSessionList | None:
    """List sessions

     Sessions of your clinics by start time. `date` is a day in each session's clinic time zone;
    `from`/`to` take an instant, a wall-clock time (clinic time) or a date; `status` takes several
    values separated by commas.

    Args:
        chair (int | Unset):
        clinic (int | Unset):
        cycle (int | Unset):
        date (datetime.date | Unset):
        from_ (str | Unset):
        nurse (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        reschedule_requested (bool | Unset):
        status (list[SessionsListStatusItem] | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedSessionList
    """

    return (
        await asyncio_detailed(
            client=client,
            chair=chair,
            clinic=clinic,
            cycle=cycle,
            date=date,
            from_=from_,
            nurse=nurse,
            page=page,
            page_size=page_size,
            patient=patient,
            reschedule_requested=reschedule_requested,
            status=status,
            to=to,
        )
    ).parsed
