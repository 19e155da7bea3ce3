"""Course progress ("session k of n"): one computation for the API and the staff pages; no database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bookings.models import InfusionSession, SessionStatus
from bookings.progress import Progress, cycle_progress, progress_of

S = SessionStatus


@pytest.mark.parametrize(
    ("statuses", "total", "expected"),
    [
        ([], 6, {"completed": 0, "total": 6, "next_sequence": None, "label": "0 of 6 done"}),
        ([S.BOOKED, S.BOOKED, S.BOOKED], 3, {"completed": 0, "total": 3, "next_sequence": 1, "label": "session 1 of 3"}),
        ([S.COMPLETED, S.CONFIRMED, S.BOOKED], 3,
         {"completed": 1, "total": 3, "next_sequence": 2, "label": "session 2 of 3"}),
        ([S.COMPLETED, S.IN_CHAIR, S.BOOKED], 3,
         {"completed": 1, "total": 3, "next_sequence": 2, "label": "session 2 of 3"}),
        ([S.COMPLETED, S.NO_SHOW, S.CHECKED_IN], 3,
         {"completed": 1, "total": 3, "next_sequence": 3, "label": "session 3 of 3"}),
        ([S.CANCELLED, S.LATE_CANCELLED, S.BOOKED], 3,
         {"completed": 0, "total": 3, "next_sequence": 3, "label": "session 3 of 3"}),
        ([S.COMPLETED, S.COMPLETED], 2, {"completed": 2, "total": 2, "next_sequence": None, "label": "2 of 2 done"}),
        ([S.COMPLETED, S.CANCELLED, S.NO_SHOW], 3,
         {"completed": 1, "total": 3, "next_sequence": None, "label": "1 of 3 done"}),
    ],
)
def test_progress(statuses, total, expected):
    # Given out of order: the next session is the lowest-numbered pending one, wherever it stands.
    sessions = [InfusionSession(sequence=k, status=str(status)) for k, status in enumerate(statuses, start=1)][::-1]
    progress = progress_of(sessions=sessions, total=total)
    assert progress.as_dict() == expected
    assert progress == Progress(expected["completed"], total, expected["next_sequence"])
    assert progress.label == expected["label"]


def test_a_course_reads_its_sessions_and_its_count():
    sessions = [InfusionSession(sequence=1, status=S.COMPLETED), InfusionSession(sequence=2, status=S.BOOKED)]
    # A stand-in for a course whose sessions are prefetched: cycle.sessions.all() and its session_count.
    cycle = SimpleNamespace(session_count=4, sessions=SimpleNamespace(all=lambda: sessions))
    assert cycle_progress(cycle=cycle).as_dict() == {
        "completed": 1, "total": 4, "next_sequence": 2, "label": "session 2 of 4",
    }
