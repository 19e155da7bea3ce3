"""The days and times a patient's reschedule-request note names ("Thursday afternoon"), as the slot grid's filters.

Pure: a note in, weekdays (0 = Monday) and parts of the day (bookings.selectors.DAY_PARTS names) out. It reads
names, not sentences: "not Thursday" names Thursday. The desk says the filters came from the note and the person
can clear them, so a wrong guess costs a click, and a missed one no more than before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Full names in any case; abbreviations only as people write them for days ("Thu", "Thurs."), since "sat",
#: "sun", "wed" and "mon" are words too.
_ABBREVIATIONS = {
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
_PARTS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "evening"}
_WEEKEND = {"weekend": frozenset({5, 6})}


@dataclass(frozen=True)
class NoteFilters:
    weekdays: frozenset[int] = frozenset()
    parts: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.weekdays or self.parts)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def note_filters(note: str) -> NoteFilters:
    """The weekdays and parts of the day a note names: full day names in any case and plural ("thursdays"),
    capitalised abbreviations ("Thu", "Thurs", "Tues"; not their plurals: "Thus" is a word), "weekend(s)", morning/afternoon/evening/night (plural
    too; night reads as evening)."""
    weekdays: set[int] = set()
    parts: set[str] = set()
    for word in re.findall(r"[A-Za-z]+", note or ""):
        lower = word.lower()
        one = _singular(lower)
        if one in _WEEKDAYS:
            weekdays.add(_WEEKDAYS.index(one))
        elif one in _WEEKEND:
            weekdays |= _WEEKEND[one]
        elif one in _PARTS:
            parts.add(_PARTS[one])
        elif word[0].isupper() and lower in _ABBREVIATIONS:
            weekdays.add(_ABBREVIATIONS[lower])
    return NoteFilters(frozenset(weekdays), frozenset(parts))
