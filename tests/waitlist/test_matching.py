"""Matching a freed slot: an entry whose weekdays or times rule the slot out is passed over before anything is
planned for it (the planner is the costly part of matching), and the entry that suits it is still offered it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.waitlist.conftest import NOW
from waitlist import matching
from waitlist.models import WaitlistEntry

pytestmark = pytest.mark.frozen(NOW)


@pytest.fixture
def planned(monkeypatch):
    """The entries the planner was asked about (the real planner answers)."""
    asked: list[int] = []
    real = matching.session_options

    def spy(*, session, **kwargs):
        asked.append(session.pk)
        return real(session=session, **kwargs)

    monkeypatch.setattr(matching, "session_options", spy)
    return asked


def slot_of(session):
    return dict(starts_at=session.starts_at, chair_id=session.chair_id)


@pytest.mark.parametrize(
    ("wish", "suits"),
    [
        ({}, True),
        ({"weekdays": [0, 2]}, True),  # the freed slot is a Monday
        ({"weekdays": [1, 2, 3]}, False),
        ({"time_from": dt.time(9, 30)}, True),  # it starts at 10:00 and ends at 12:00
        ({"time_from": dt.time(10, 30)}, False),
        ({"time_to": dt.time(12, 0)}, True),
        ({"time_to": dt.time(11, 0)}, False),
        ({"earliest_date": dt.date(2027, 3, 9)}, False),
        ({"latest_date": dt.date(2027, 3, 7)}, False),
    ],
)
def test_an_entry_is_planned_for_only_when_its_wishes_allow_the_slot(scene, planned, wish, suits):
    entry = scene.entries[0]
    WaitlistEntry.objects.filter(pk=entry.pk).update(**wish)
    entry.refresh_from_db()
    type(scene.freed).objects.filter(pk=scene.freed.pk).update(status="cancelled")
    plan = matching.entry_plan(entry, **slot_of(scene.freed))
    if suits:
        assert plan == [matching.Planned(scene.freed.starts_at, scene.freed.ends_at, scene.chair.pk, scene.freed.nurse_id)]
        assert planned == [entry.session_id]
    else:
        assert plan is None
        assert planned == []
