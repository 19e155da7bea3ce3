"""The one family of domain errors. An API exception handler turns them into HTTP answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError

from common import error_codes as codes


class ApplicationError(Exception):
    """A refusal the caller can act on: a machine-readable code, a human message, details."""

    #: HTTP status an API answers with; 409 for conflicts with stored state, 400 for bad input.
    status: int = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        if status is not None:
            self.status = status
        #: HTTP headers the answer carries (e.g. Retry-After on a lockout).
        self.headers = headers or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


@contextmanager
def integrity_as_conflict() -> Iterator[None]:
    """A write that lost a race to a uniqueness rule checked just before: 409 `conflict`, never a 500."""
    try:
        yield
    except IntegrityError:
        raise ApplicationError(codes.CONFLICT, codes.CONFLICT_MESSAGE, status=409) from None
