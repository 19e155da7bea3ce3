"""The slot grid's page state, shared by the session page (moving a stored session) and the booking page
(changing a proposed session): the filters as asked for or as the patient's note names them, the grid, the
later page's query. What differs (which grid, where a chosen time goes) the caller passes in."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import QueryDict

from bookings import selectors as booking_selectors
from common.errors import ApplicationError
from frontdesk.forms import WEEKDAYS, SlotGridForm
from frontdesk.note_filters import note_filters

#: The slot grid: days with free times per page, and times shown per day (spread from morning to evening).
GRID_DAYS = 5
GRID_PER_DAY = 8
#: Set by the grid's own filter form and links: the filters are the person's, the note no longer sets them.
FILTERED = "filtered"

Lookup = Callable[[booking_selectors.SlotFilters], booking_selectors.SlotGrid]


def grid_context(
    query: QueryDict,
    *,
    lookup: Lookup | None,
    note: str = "",
    prefix: str | None = None,
    auto_id: str,
    refusal: str = "",
) -> dict:
    """The grid for `query`'s filters (SlotGridForm, its names under `prefix`), looked up by `lookup`.

    Before the person has touched the filters (no `filtered` in the query), the weekdays and times of day the
    patient's `note` names are ticked and said to come from it. `refusal` (or no `lookup`): no grid, that
    message instead.
    """
    form_prefix = f"{prefix}-" if prefix else ""
    data = query
    from_note: list[str] = []
    named = note_filters(note) if note else None
    if named and form_prefix + FILTERED not in query:
        data = query.copy()
        data.setlist(form_prefix + "day", [str(d) for d in sorted(named.weekdays)])
        data.setlist(form_prefix + "part", sorted(named.parts))
        labels = dict(WEEKDAYS)
        from_note = [labels[d] for d in sorted(named.weekdays)] + [
            p for p in ("morning", "afternoon", "evening") if p in named.parts
        ]
    form = SlotGridForm(data, prefix=prefix, auto_id=auto_id)
    grid, error, later = booking_selectors.SlotGrid((), None), refusal, ""
    if not refusal and lookup is not None:
        grid, error, later = _look_up(form, lookup)
    return {
        "form": form,
        "grid": grid,
        "error": error,
        "later_query": later,
        "paged": bool(form.is_valid() and form.cleaned_data["from"]),
        "from_note": from_note,
        "filtered_name": form.add_prefix(FILTERED),
    }


def _look_up(form: SlotGridForm, lookup: Lookup) -> tuple[booking_selectors.SlotGrid, str, str]:
    """The grid for a bound filter form, its error (the form's or the lookup's refusal) and the next page's query."""
    empty = booking_selectors.SlotGrid((), None)
    if not form.is_valid():
        return empty, "The free times were not looked up: see the filters.", ""
    filters = form.cleaned_data
    try:
        grid = lookup(
            booking_selectors.SlotFilters(
                earliest=filters["from"],
                days=GRID_DAYS,
                per_day=GRID_PER_DAY,
                weekdays=frozenset(filters["day"]),
                parts=frozenset(filters["part"]),
            )
        )
    except ApplicationError as exc:
        return empty, exc.message, ""
    later = ""
    if grid.next_from:
        later = urlencode(
            {
                form.add_prefix("day"): filters["day"],
                form.add_prefix("part"): filters["part"],
                form.add_prefix("from"): grid.next_from.isoformat(),
                form.add_prefix(FILTERED): "1",
            },
            doseq=True,
        )
    return grid, "", later
