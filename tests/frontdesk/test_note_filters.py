"""The days and times a patient's reschedule note names, as the slot grid's filters (pure: no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.note_filters import NoteFilters, note_filters

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@pytest.mark.parametrize(
    ("note", "weekdays", "parts"),
    [
        ("Thursday afternoon", {THU}, {"afternoon"}),
        ("Thursday afternoon, please", {THU}, {"afternoon"}),
        ("thursdays are best", {THU}, set()),
        ("Mondays or Wednesdays, mornings", {MON, WED}, {"morning"}),
        ("Tue/Thu after work: evenings", {TUE, THU}, {"evening"}),
        ("Thurs. or Tues. afternoon", {THU, TUE}, {"afternoon"}),
        ("FRIDAY MORNING", {FRI}, {"morning"}),
        ("weekends only", {SAT, SUN}, set()),
        ("any night this week", set(), {"evening"}),
        ("Sun or Sat", {SUN, SAT}, set()),
        # Lower-case abbreviations are words ("sat", "sun", "wed", "mon"); "Thus" is not Thursdays.
        ("I sat in the sun, we wed in may", set(), set()),
        ("Thus I cannot come", set(), set()),
        ("", set(), set()),
        ("Later in the month", set(), set()),
        ("Saturday-Sunday; afternoon/evening", {SAT, SUN}, {"afternoon", "evening"}),
    ],
)
def test_what_a_note_names(note, weekdays, parts):
    assert note_filters(note) == NoteFilters(frozenset(weekdays), frozenset(parts))


def test_a_note_naming_nothing_is_false():
    assert not note_filters("Any time next week")
    assert note_filters("Friday")


@given(st.text(max_size=300))
def test_any_text_gives_known_weekdays_and_parts(note):
    found = note_filters(note)
    assert found.weekdays <= set(range(7))
    assert found.parts <= {"morning", "afternoon", "evening"}


@given(
    st.lists(st.sampled_from(["Monday", "tuesdays", "Wed", "THURSDAY", "Fri", "Saturdays", "sunday"]), max_size=7),
    st.text(alphabet=" ,;.-/", min_size=1, max_size=3),
)
def test_every_day_named_is_found_whatever_the_separators(days, separator):
    index = {"mon": MON, "tue": TUE, "wed": WED, "thu": THU, "fri": FRI, "sat": SAT, "sun": SUN}
    assert note_filters(separator.join(days)).weekdays == {index[d[:3].lower()] for d in days}
