"""The OpenAPI declarations of a configuration resource: its six CRUD operations with every error each can give."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view

from common import error_codes as codes
from common.api import ErrorSerializer
from scheduler.api.views.base import CONFIG_ROLES


def _example(code: str, message: str, details: dict | None = None, name: str = "") -> OpenApiExample:
    return OpenApiExample(name or code, value={"code": code, "message": message, "details": details or {}})


def _error(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description, examples=list(examples))


def _validation(field: str, error: str) -> OpenApiExample:
    return _example("validation_error", f"The request is not valid: {field}: {error}", {field: [error]})


_UNAUTHENTICATED = _error(
    "No or bad credentials: `not_authenticated` or `authentication_failed`.",
    _example("not_authenticated", "Authentication credentials were not provided."),
)


def _forbidden(roles: frozenset[str], *more: OpenApiExample) -> OpenApiResponse:
    return _error(
        "The user's role does not allow this: `permission_denied`.",
        _example("permission_denied", f"This needs one of the roles: {', '.join(sorted(roles))}."),
        *more,
    )


def config_schema(
    *,
    serializer,
    noun: str,
    plural: str,
    tag: str,
    about: str,
    request_example: dict,
    response_example: dict,
    field: str,
    field_error: str,
    filter_error: tuple[str, str] | None = ("clinic", "Enter a whole number."),
    extra: dict[str, str] | None = None,
    forbidden_create: tuple[OpenApiExample, ...] = (),
    forbidden_change: tuple[OpenApiExample, ...] = (),
    impact: bool = False,
):
    """extend_schema_view for the six CRUD operations of a config resource, with every error each can give.

    `field`/`field_error` make the 400 example of writes, `filter_error` that of the list; `extra` adds
    sentences to the descriptions of "list", "create", "update" and "destroy". `impact`: the writes take
    `?dry_run=true` and answer `stranded_sessions` (scheduler/api/views/impact.py).
    """
    extra = extra or {}
    written = serializer
    parameters: list[OpenApiParameter] = []
    dry: dict = {}
    dry_note = ""
    if impact:
        from scheduler.api.impact import DryRunDeleteSerializer, with_impact

        written = with_impact(serializer)
        parameters = [OpenApiParameter(
            "dry_run", OpenApiTypes.BOOL, OpenApiParameter.QUERY, required=False,
            description="true: write nothing; answer 200 with the row as the write would leave it and the booked "
            "sessions it would strand (`stranded_sessions`).",
        )]
        dry = {200: OpenApiResponse(written, description="A dry run (`?dry_run=true`): nothing was written.")}
        dry_note = (
            " A change that leaves booked sessions where they can no longer happen lists them in `stranded_sessions` "
            "(each with its reasons) and marks them as needing a move (the desk's Needs moving list); "
            "`?dry_run=true` shows them first and writes nothing."
        )
    bad_input = _error(
        "Bad input: `validation_error`, with the errors of each field in `details`.", _validation(field, field_error)
    )
    list_errors = {401: _UNAUTHENTICATED}
    if filter_error:
        list_errors[400] = _error("A query parameter is not valid: `validation_error`.", _validation(*filter_error))
    not_found = _error(
        f"No such {noun} among your clinics' (another clinic's is not found either): `not_found`.",
        _example("not_found", "Not found."),
    )
    conflict = _error(
        "`conflict`: the write collided with a change stored meanwhile (e.g. a name just taken); reload and retry.",
        _example(codes.CONFLICT, codes.CONFLICT_MESSAGE),
    )
    in_use = _error(
        f"`in_use`: the {noun} is still referred to by bookings and cannot be deleted.",
        _example(codes.IN_USE, codes.IN_USE_MESSAGE),
    )
    no_page = _error("`not_found`: no such page.", _example("not_found", "Invalid page."))
    read_forbidden = _forbidden(CONFIG_ROLES["list"])
    create_forbidden = _forbidden(CONFIG_ROLES["create"], *forbidden_create)
    change_forbidden = _forbidden(CONFIG_ROLES["update"], *forbidden_change)
    request = [OpenApiExample(f"A {noun}", value=request_example, request_only=True)]
    response = [OpenApiExample(f"A {noun}", value=response_example, response_only=True)]
    admin_only = " Admins only."
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=f"{about} Lists the {plural} of your clinics, paginated (`page`, `page_size`). "
            "Every role may read." + extra.get("list", ""),
            responses={200: serializer, **list_errors, 403: read_forbidden, 404: no_page},
            examples=response,
            tags=[tag],
        ),
        retrieve=extend_schema(
            summary=f"Get one {noun}",
            description=f"{about} Every role may read.",
            responses={200: serializer, 401: _UNAUTHENTICATED, 403: read_forbidden, 404: not_found},
            examples=response,
            tags=[tag],
        ),
        create=extend_schema(
            summary=f"Create a {noun}",
            description=f"{about}{admin_only}" + extra.get("create", "") + dry_note,
            request=serializer,
            parameters=parameters,
            responses={201: written, **dry, 400: bad_input, 401: _UNAUTHENTICATED, 403: create_forbidden, 409: conflict},
            examples=request + response,
            tags=[tag],
        ),
        update=extend_schema(
            summary=f"Replace a {noun}",
            description=f"{about}{admin_only} Required fields must be given; optional ones left out keep their "
            "stored values." + extra.get("update", "") + dry_note,
            request=serializer,
            parameters=parameters,
            responses={
                200: written, 400: bad_input, 401: _UNAUTHENTICATED, 403: change_forbidden, 404: not_found,
                409: conflict,
            },
            examples=request + response,
            tags=[tag],
        ),
        partial_update=extend_schema(
            summary=f"Change some fields of a {noun}",
            description=f"{about}{admin_only} Only the fields given change." + extra.get("update", "") + dry_note,
            request=serializer,
            parameters=parameters,
            responses={
                200: written, 400: bad_input, 401: _UNAUTHENTICATED, 403: change_forbidden, 404: not_found,
                409: conflict,
            },
            examples=request + response,
            tags=[tag],
        ),
        destroy=extend_schema(
            summary=f"Delete a {noun}",
            description=f"{about}{admin_only} A {noun} still referred to by bookings is kept: 409 `in_use`."
            + extra.get("destroy", "") + dry_note,
            parameters=parameters,
            responses={204: OpenApiResponse(description="Deleted."),
                       **({200: OpenApiResponse(DryRunDeleteSerializer, description="A dry run: nothing was deleted.")}
                          if impact else {}),
                       401: _UNAUTHENTICATED, 403: change_forbidden,
                       404: not_found, 409: in_use},
            tags=[tag],
        ),
    )
