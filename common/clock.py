"""Times of day as a person reads them, in the clinic's clock format ("24h": "14:30", "12h": "2:30 PM").

One function for every page, email and message (`format_clock`), and the format in force while a page renders
(`clock_override`), set beside the clinic's time zone, which the `clock` template filter reads. Pure Python
(no Django): the planner's messages use it too.

The 12-hour style is what US clinics print on appointment cards: "9:00 AM", "12:00 PM" (noon), "12:00 AM"
(midnight), capital AM/PM after an ordinary space, no leading zero. Values a browser or the API reads (option
values, ISO times) stay 24-hour: only the words a person reads change.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import datetime, time

H24 = "24h"
H12 = "12h"
FORMATS = (H24, H12)
#: Today's output, kept for a clinic that has not chosen.
DEFAULT = H24

_current: contextvars.ContextVar[str] = contextvars.ContextVar("clock_format", default=DEFAULT)


def format_clock(value: time | datetime, clock: str | None = None) -> str:
    """The time of day of `value` ("14:30" or "2:30 PM"); a datetime is read as it stands (convert it first).

    `clock` is "24h" or "12h"; None means the format in force (`clock_override`), anything else 24-hour.
    """
    clock = clock or _current.get()
    if clock != H12:
        return f"{value.hour:02d}:{value.minute:02d}"
    return f"{value.hour % 12 or 12}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def current() -> str:
    """The clock format in force ("24h" unless a clinic's is set)."""
    return _current.get()


@contextlib.contextmanager
def clock_override(clock: str | None) -> Iterator[None]:
    """Render with `clock` ("24h"/"12h") as the format in force; None keeps the one in force."""
    token = _current.set(clock if clock in FORMATS else current()) if clock is not None else None
    try:
        yield
    finally:
        if token is not None:
            _current.reset(token)


def activate(clock: str | None) -> contextvars.Token[str]:
    """Set the format for the rest of a request (the middleware); give the token back to `deactivate`."""
    return _current.set(clock if clock in FORMATS else DEFAULT)


def deactivate(token: contextvars.Token[str]) -> None:
    _current.reset(token)
