"""A closure of one chair (maintenance) blocks that chair only: the single-session rules and the planner."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler import error_codes as codes
from scheduler.planning import (
    ChairClosure,
    Occupancy,
    Placement,
    SeriesPlanner,
    SeriesSpec,
    Spacing,
    check_chair,
    place_session,
)
from tests.scheduler.test_planner import nurse, rules, wishes
from tests.scheduler.test_planning import MON, at

CHAIRS = (1, 2, 3)


def _place(start, end, chair, closures):
    occupancy = Occupancy().block_chairs(closures)
    return place_session(Placement(start, end, 7, chair, None), rules=rules(), chair_ids=CHAIRS, nurses=[nurse()],
                         occupancy=occupancy)


quarter = st.integers(min_value=0, max_value=36)  # 08:00 + k × 15 min


@settings(max_examples=200, deadline=None)
@given(closed_chair=st.sampled_from(CHAIRS), c_start=quarter, c_len=st.integers(1, 24), s_start=quarter,
       s_len=st.integers(1, 8), asked=st.sampled_from((*CHAIRS, None)))
def test_a_chair_closure_blocks_only_that_chair(closed_chair, c_start, c_len, s_start, s_len, asked):
    base = at(MON, "08:00")
    closure = ChairClosure(closed_chair, base + timedelta(minutes=15 * c_start), base + timedelta(minutes=15 * (c_start + c_len)),
                           "maintenance")
    start, end = base + timedelta(minutes=15 * s_start), base + timedelta(minutes=15 * (s_start + s_len))
    if end > at(MON, "18:00"):
        return
    overlaps = closure.overlaps(start, end)
    with_closure = _place(start, end, asked, [closure])
    without = _place(start, end, asked, [])
    if asked is None:
        # Chosen: never the closed chair while it is closed; otherwise the same as without the closure.
        assert with_closure.ok
        assert not (overlaps and with_closure.chair_id == closed_chair)
    elif asked == closed_chair and overlaps:
        assert [v.code for v in with_closure.violations] == [codes.CHAIR_OUT_OF_SERVICE]
    else:
        assert with_closure == without


def test_check_chair_names_the_closure():
    closure = ChairClosure(2, at(MON, "09:00"), at(MON, "12:00"), "maintenance")
    occupancy = Occupancy().block_chairs([closure])
    found = check_chair(at(MON, "11:00"), at(MON, "13:00"), 2, occupancy)
    assert found is not None and found.code == codes.CHAIR_OUT_OF_SERVICE
    assert check_chair(at(MON, "12:00"), at(MON, "13:00"), 2, occupancy) is None  # touching is not overlapping
    assert check_chair(at(MON, "11:00"), at(MON, "13:00"), 1, occupancy) is None


def test_the_planner_uses_the_other_chairs_and_waits_when_all_are_out():
    spec = SeriesSpec(count=1, minutes=120, spacing=Spacing())
    day = (at(MON, "00:00"), at("2027-03-02", "00:00"))
    one_out = Occupancy().block_chairs([ChairClosure(1, *day, "maintenance")])
    plan = SeriesPlanner(rules=rules(), chair_ids=(1, 2), nurses=(nurse(),), occupancy=one_out, patient_id=7)
    proposal = plan.propose(spec, wishes())
    assert proposal.sessions[0].chair_id == 2 and proposal.sessions[0].start == at(MON, "08:00")
    all_out = Occupancy().block_chairs([ChairClosure(c, *day, "maintenance") for c in (1, 2)])
    plan = SeriesPlanner(rules=rules(), chair_ids=(1, 2), nurses=(nurse(),), occupancy=all_out, patient_id=7)
    assert plan.propose(spec, wishes()).sessions[0].start == at("2027-03-02", "08:00")
