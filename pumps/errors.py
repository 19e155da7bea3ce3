"""How the pump services refuse: a PumpError with a code from pumps.error_codes."""

from __future__ import annotations

from common.errors import ApplicationError
from pumps import error_codes as codes


class PumpError(ApplicationError):
    def __init__(self, code: str, message: str, *, details: dict | None = None):
        super().__init__(code, message, details=details, status=codes.http_status(code))
