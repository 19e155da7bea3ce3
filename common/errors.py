"""The one family of domain errors. An API exception handler turns them into HTTP answers."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refusal the caller can act on: a machine-readable code, a human message, details."""

    #: HTTP status an API answers with; 409 for conflicts with stored state, 400 for bad input.
    status: int = 400

    def __init__(self, code: str, message: str, *, details: dict[str, Any] | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"
