"""Scoring, pure: every instrument's worked examples and every band edge, the answers refused with their codes,
and the course reading (change, response, remission). Properties checked with hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes import instrument_data as data
from outcomes import scoring
from outcomes.scoring import AnswersInvalid


def answers_for(definition, total: int) -> list[int]:
    """Answers summing to `total`, filled item by item with the scale's top value."""
    top = max(o["value"] for o in definition["scale"])
    answers = []
    for _ in definition["items"]:
        answers.append(min(top, total))
        total -= answers[-1]
    assert total == 0
    return answers


# (instrument, total, band): both edges of every band.
EDGES = [
    (data.PHQ9, 0, "minimal"), (data.PHQ9, 4, "minimal"), (data.PHQ9, 5, "mild"), (data.PHQ9, 9, "mild"),
    (data.PHQ9, 10, "moderate"), (data.PHQ9, 14, "moderate"), (data.PHQ9, 15, "moderately_severe"),
    (data.PHQ9, 19, "moderately_severe"), (data.PHQ9, 20, "severe"), (data.PHQ9, 27, "severe"),
    (data.GAD7, 0, "minimal"), (data.GAD7, 4, "minimal"), (data.GAD7, 5, "mild"), (data.GAD7, 9, "mild"),
    (data.GAD7, 10, "moderate"), (data.GAD7, 14, "moderate"), (data.GAD7, 15, "severe"), (data.GAD7, 21, "severe"),
    (data.PCL5, 0, "below_threshold"), (data.PCL5, 30, "below_threshold"), (data.PCL5, 31, "probable_ptsd_range"),
    (data.PCL5, 33, "probable_ptsd_range"), (data.PCL5, 34, "probable_ptsd"), (data.PCL5, 80, "probable_ptsd"),
    (data.PAIN, 0, "none"), (data.PAIN, 1, "mild"), (data.PAIN, 3, "mild"), (data.PAIN, 4, "moderate"),
    (data.PAIN, 6, "moderate"), (data.PAIN, 7, "severe"), (data.PAIN, 10, "severe"),
]


@pytest.mark.parametrize(("definition", "total", "band"), EDGES, ids=lambda v: v["code"] if isinstance(v, dict) else str(v))
def test_every_band_edge(definition, total, band):
    scored = scoring.score(definition, answers_for(definition, total))
    assert (scored.total, scored.band) == (total, band)


def test_the_edges_cover_every_band():
    for definition in data.INSTRUMENTS:
        covered = {(total, band) for d, total, band in EDGES if d is definition}
        expected = {(b["min"], b["code"]) for b in definition["bands"]} | {(b["max"], b["code"]) for b in definition["bands"]}
        assert covered == expected, definition["code"]


# Worked examples: answers as a patient gives them.
WORKED = [
    (data.PHQ9, [2, 3, 2, 2, 1, 2, 1, 1, 0], 14, "moderate", ()),
    (data.PHQ9, [3, 3, 3, 2, 2, 2, 2, 1, 1], 19, "moderately_severe", (9,)),
    (data.PHQ9, [0, 1, 0, 1, 0, 0, 1, 0, 0], 3, "minimal", ()),
    (data.GAD7, [1, 2, 1, 1, 0, 1, 0], 6, "mild", ()),
    (data.GAD7, [3, 3, 2, 2, 2, 2, 1], 15, "severe", ()),
    (data.PCL5, [2] * 16 + [0] * 4, 32, "probable_ptsd_range", ()),
    (data.PCL5, [3] * 12 + [1] * 8, 44, "probable_ptsd", ()),
    (data.PAIN, [7], 7, "severe", ()),
]


@pytest.mark.parametrize(("definition", "answers", "total", "band", "urgent"), WORKED)
def test_worked_examples(definition, answers, total, band, urgent):
    scored = scoring.score(definition, answers)
    assert (scored.total, scored.band, scored.urgent_items) == (total, band, urgent)


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_answer_above_zero_on_phq9_item_9_is_urgent(item9):
    assert scoring.score(data.PHQ9, [0] * 8 + [item9]).urgent_items == (9,)


@pytest.mark.parametrize(("answers", "code"), [
    ([0] * 8, "answer_count_wrong"),
    ([0] * 10, "answer_count_wrong"),
    ([], "answer_count_wrong"),
    ([0] * 8 + [4], "answer_out_of_range"),
    ([0] * 8 + [-1], "answer_out_of_range"),
    ([0] * 8 + [1.5], "answer_out_of_range"),
    ([0] * 8 + ["1"], "answer_out_of_range"),
    ([0] * 8 + [True], "answer_out_of_range"),
    ([0] * 8 + [None], "answer_out_of_range"),
    ("000000000", "answers_not_a_list"),
    ({"1": 0}, "answers_not_a_list"),
    (None, "answers_not_a_list"),
])
def test_answers_that_do_not_fit_are_refused_with_a_code(answers, code):
    with pytest.raises(AnswersInvalid) as caught:
        scoring.score(data.PHQ9, answers)
    assert caught.value.code == code


def test_the_wrong_count_names_what_was_expected():
    with pytest.raises(AnswersInvalid) as caught:
        scoring.score(data.PCL5, [0] * 19)
    assert caught.value.details == {"expected": 20, "given": 19}


@pytest.mark.parametrize(("total", "baseline", "remission_below", "change", "response", "remission"), [
    (10, 20, 5, -10, True, False),  # exactly 50 %: a response
    (11, 20, 5, -9, False, False),  # 45 %
    (4, 20, 5, -16, True, True),
    (5, 20, 5, -15, True, False),  # 5 is not below 5
    (4, None, 5, None, False, True),  # no baseline yet: remission still reads
    (0, 0, 5, 0, False, True),  # a baseline of 0 cannot drop by half
    (20, 20, 5, 0, False, False),  # the baseline session itself
    (25, 20, 5, 5, False, False),
    (16, 33, None, -17, True, False),  # PCL-5: no remission threshold
    (3, 7, None, -4, True, False),  # pain: 7 → 3
    (4, 7, None, -3, False, False),
])
def test_course_reading(total, baseline, remission_below, change, response, remission):
    course = scoring.course_read(total=total, baseline=baseline, remission_below=remission_below)
    assert (course.change_from_baseline, course.response, course.remission) == (change, response, remission)


@given(st.sampled_from(data.INSTRUMENTS).flatmap(
    lambda d: st.tuples(st.just(d), st.lists(st.sampled_from([o["value"] for o in d["scale"]]),
                                             min_size=len(d["items"]), max_size=len(d["items"])))))
def test_any_valid_answers_fall_in_exactly_one_band(case):
    definition, answers = case
    scored = scoring.score(definition, answers)
    assert scored.total == sum(answers)
    matching = [b for b in definition["bands"] if b["min"] <= scored.total <= b["max"]]
    assert [b["code"] for b in matching] == [scored.band]


@given(st.sampled_from(data.INSTRUMENTS).flatmap(
    lambda d: st.tuples(st.just(d), st.lists(st.integers(-5, 15), min_size=0, max_size=25))))
def test_any_answers_are_scored_or_refused_with_a_code(case):
    definition, answers = case
    values = {o["value"] for o in definition["scale"]}
    valid = len(answers) == len(definition["items"]) and all(a in values for a in answers)
    try:
        scoring.score(definition, answers)
    except AnswersInvalid as refused:
        assert not valid
        assert refused.code in {"answer_count_wrong", "answer_out_of_range"}
    else:
        assert valid


@given(st.integers(0, 27), st.integers(0, 27))
def test_response_is_a_drop_of_at_least_half(total, baseline):
    course = scoring.course_read(total=total, baseline=baseline, remission_below=5)
    assert course.response == (baseline > 0 and 2 * (baseline - total) >= baseline)
