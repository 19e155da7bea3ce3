import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.paginated_reminder_list import PaginatedReminderList
from ...models.reminders_list_status_item import RemindersListStatusItem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    clinic: int | Unset = UNSET,
    cycle: int | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    kind: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    session: int | Unset = UNSET,
    status: list[RemindersListStatusItem] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["clinic"] = clinic

    params["cycle"] = cycle

    json_due_after: str | Unset = UNSET
    if not isinstance(due_after, Unset):
        json_due_after = due_after.isoformat()
    params["due_after"] = json_due_after

    json_due_before: str | Unset = UNSET
    if not isinstance(due_before, Unset):
        json_due_before = due_before.isoformat()
    params["due_before"] = json_due_before

    params["kind"] = kind

    params["page"] = page

    params["page_size"] = page_size

    params["patient"] = patient

    params["session"] = session

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
        "url": "/api/v1/reminders/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedReminderList | None:
    if response.status_code == 200:
        response_200 = PaginatedReminderList.from_dict(response.json())

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
) -> Response[Error | PaginatedReminderList]:
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
    cycle: int | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    kind: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    session: int | Unset = UNSET,
    status: list[RemindersListStatusItem] | Unset = UNSET,
) -> Response[Error | PaginatedReminderList]:
    """List patient emails

     The outbox of your clinics' patient emails (confirmations, change notices, reminders, booster
    recalls), by due time, newest first. `?status=failed` lists those that could not be sent after every
    retry: call the patient, or fix the address and resend. Each listed row is recorded in the audit
    trail as a read of the patient's data.

    Args:
        clinic (int | Unset):
        cycle (int | Unset):
        due_after (datetime.datetime | Unset):
        due_before (datetime.datetime | Unset):
        kind (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        session (int | Unset):
        status (list[RemindersListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedReminderList]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        cycle=cycle,
        due_after=due_after,
        due_before=due_before,
        kind=kind,
        page=page,
        page_size=page_size,
        patient=patient,
        session=session,
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
    cycle: int | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    kind: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    session: int | Unset = UNSET,
    status: list[RemindersListStatusItem] | Unset = UNSET,
) -> Error | PaginatedReminderList | None:
    """List patient emails

     The outbox of your clinics' patient emails (confirmations, change notices, reminders, booster
    recalls), by due time, newest first. `?status=failed` lists those that could not be sent after every
    retry: call the patient, or fix the address and resend. Each listed row is recorded in the audit
    trail as a read of the patient's data.

    Args:
        clinic (int | Unset):
        cycle (int | Unset):
        due_after (datetime.datetime | Unset):
        due_before (datetime.datetime | Unset):
        kind (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        session (int | Unset):
        status (list[RemindersListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedReminderList
    """

    return sync_detailed(
        client=client,
        clinic=clinic,
        cycle=cycle,
        due_after=due_after,
        due_before=due_before,
        kind=kind,
        page=page,
        page_size=page_size,
        patient=patient,
        session=session,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    cycle: int | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    kind: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    session: int | Unset = UNSET,
    status: list[RemindersListStatusItem] | Unset = UNSET,
) -> Response[Error | PaginatedReminderList]:
    """List patient emails

     The outbox of your clinics' patient emails (confirmations, change notices, reminders, booster
    recalls), by due time, newest first. `?status=failed` lists those that could not be sent after every
    retry: call the patient, or fix the address and resend. Each listed row is recorded in the audit
    trail as a read of the patient's data.

    Args:
        clinic (int | Unset):
        cycle (int | Unset):
        due_after (datetime.datetime | Unset):
        due_before (datetime.datetime | Unset):
        kind (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        session (int | Unset):
        status (list[RemindersListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedReminderList]
    """

    kwargs = _get_kwargs(
        clinic=clinic,
        cycle=cycle,
        due_after=due_after,
        due_before=due_before,
        kind=kind,
        page=page,
        page_size=page_size,
        patient=patient,
        session=session,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    clinic: int | Unset = UNSET,
    cycle: int | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    kind: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    session: int | Unset = UNSET,
    status: list[RemindersListStatusItem] | Unset = UNSET,
) -> Error | PaginatedReminderList | None:
    """List patient emails

     The outbox of your clinics' patient emails (confirmations, change notices, reminders, booster
    recalls), by due time, newest first. `?status=failed` lists those that could not be sent after every
    retry: call the patient, or fix the address and resend. Each listed row is recorded in the audit
    trail as a read of the patient's data.

    Args:
        clinic (int | Unset):
        cycle (int | Unset):
        due_after (datetime.datetime | Unset):
        due_before (datetime.datetime | Unset):
        kind (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        session (int | Unset):
        status (list[RemindersListStatusItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedReminderList
    """

    return (
        await asyncio_detailed(
            client=client,
            clinic=clinic,
            cycle=cycle,
            due_after=due_after,
            due_before=due_before,
            kind=kind,
            page=page,
            page_size=page_size,
            patient=patient,
            session=session,
            status=status,
        )
    ).parsed
