"""Patient data kept out of what staff and logs see: email addresses in mail servers' error messages."""

from __future__ import annotations

import re

# A mail server's refusal quotes the recipient ("{'jane@example.org': (550, …)}"): staff see the error,
# not the address.
_EMAIL_ADDRESS = re.compile(r"[^\s<>()\[\]'\",;:]+@[^\s<>()\[\]'\",;:]+")
REDACTED_ADDRESS = "[address]"


def redact_addresses(text: str) -> str:
    return _EMAIL_ADDRESS.sub(REDACTED_ADDRESS, text or "")
