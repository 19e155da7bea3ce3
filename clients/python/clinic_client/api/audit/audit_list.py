from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_list_action import AuditListAction
from ...models.error import Error
from ...models.paginated_audit_entry_list import PaginatedAuditEntryList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    action: AuditListAction | Unset = UNSET,
    actor: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    to: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_action: str | Unset = UNSET
    if not isinstance(action, Unset):
        json_action = action.value

    params["action"] = json_action

    params["actor"] = actor

    params["from"] = from_

    params["page"] = page

    params["page_size"] = page_size

    params["patient"] = patient

    params["to"] = to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedAuditEntryList | None:
    if response.status_code == 200:
        response_200 = PaginatedAuditEntryList.from_dict(response.json())

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
) -> Response[Error | PaginatedAuditEntryList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    action: AuditListAction | Unset = UNSET,
    actor: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Response[Error | PaginatedAuditEntryList]:
    """List the audit trail of your clinics (admins)

     Every create, update and delete of patients, cycles and sessions, and every read of a patient record
    through the API: who (`actor`), what (`action`, `object_type`, `object_id`, `changes`), when
    (`timestamp`) and from where (`remote_addr`). Newest first. Admins see the entries of their clinics
    (and of their clinics' patients). The trail is append-only: there is no way to change or delete it.

    Args:
        action (AuditListAction | Unset):
        actor (int | Unset):
        from_ (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedAuditEntryList]
    """

    kwargs = _get_kwargs(
        action=action,
        actor=actor,
        from_=from_,
        page=page,
        page_size=page_size,
        patient=patient,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    action: AuditListAction | Unset = UNSET,
    actor: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Error | PaginatedAuditEntryList | None:
    """List the audit trail of your clinics (admins)

     Every create, update and delete of patients, cycles and sessions, and every read of a patient record
    through the API: who (`actor`), what (`action`, `object_type`, `object_id`, `changes`), when
    (`timestamp`) and from where (`remote_addr`). Newest first. Admins see the entries of their clinics
    (and of their clinics' patients). The trail is append-only: there is no way to change or delete it.

    Args:
        action (AuditListAction | Unset):
        actor (int | Unset):
        from_ (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedAuditEntryList
    """

    return sync_detailed(
        client=client,
        action=action,
        actor=actor,
        from_=from_,
        page=page,
        page_size=page_size,
        patient=patient,
        to=to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    action: AuditListAction | Unset = UNSET,
    actor: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Response[Error | PaginatedAuditEntryList]:
    """List the audit trail of your clinics (admins)

     Every create, update and delete of patients, cycles and sessions, and every read of a patient record
    through the API: who (`actor`), what (`action`, `object_type`, `object_id`, `changes`), when
    (`timestamp`) and from where (`remote_addr`). Newest first. Admins see the entries of their clinics
    (and of their clinics' patients). The trail is append-only: there is no way to change or delete it.

    Args:
        action (AuditListAction | Unset):
        actor (int | Unset):
        from_ (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedAuditEntryList]
    """

    kwargs = _get_kwargs(
        action=action,
        actor=actor,
        from_=from_,
        page=page,
        page_size=page_size,
        patient=patient,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    action: AuditListAction | Unset = UNSET,
    actor: int | Unset = UNSET,
    from_: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    patient: int | Unset = UNSET,
    to: str | Unset = UNSET,
) -> Error | PaginatedAuditEntryList | None:
    """List the audit trail of your clinics (admins)

     Every create, update and delete of patients, cycles and sessions, and every read of a patient record
    through the API: who (`actor`), what (`action`, `object_type`, `object_id`, `changes`), when
    (`timestamp`) and from where (`remote_addr`). Newest first. Admins see the entries of their clinics
    (and of their clinics' patients). The trail is append-only: there is no way to change or delete it.

    Args:
        action (AuditListAction | Unset):
        actor (int | Unset):
        from_ (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        patient (int | Unset):
        to (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedAuditEntryList
    """

    return (
        await asyncio_detailed(
            client=client,
            action=action,
            actor=actor,
            from_=from_,
            page=page,
            page_size=page_size,
            patient=patient,
            to=to,
        )
    ).parsed
