"""Scoring, pure: a set of answers against an instrument's definition → total, band, flags; and a course's
change from baseline, response and remission. No ORM, no clock: table-tested in tests/outcomes/test_scoring.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from outcomes import error_codes as codes

#: Response: a drop of at least this share of the baseline total.
RESPONSE_DROP = 0.5


class AnswersInvalid(ValueError):
    """Answers that do not fit the instrument: a code (error_codes) and a human message."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


@dataclass(frozen=True)
class Score:
    total: int
    band: str
    band_label: str
    urgent_items: tuple[int, ...]  # item numbers (from 1) whose answer raises an urgent flag


def answers_check(definition: Mapping[str, Any], answers: Any) -> list[int]:
    """The answers as a list of ints, one per item, each a value of the scale; else AnswersInvalid."""
    items = definition["items"]
    values = {option["value"] for option in definition["scale"]}
    if not isinstance(answers, list | tuple):
        raise AnswersInvalid(codes.ANSWERS_NOT_A_LIST, "Give the answers as a list, one per item, in order.")
    if len(answers) != len(items):
        raise AnswersInvalid(
            codes.ANSWER_COUNT_WRONG,
            f"{definition['name']} has {len(items)} items; {len(answers)} answers were given.",
            {"expected": len(items), "given": len(answers)},
        )
    low, high = min(values), max(values)
    for number, answer in enumerate(answers, start=1):
        # bool is an int to Python; true is not an answer.
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in values:
            raise AnswersInvalid(
                codes.ANSWER_OUT_OF_RANGE,
                f"Item {number}: each answer is a whole number from {low} to {high}.",
                {"item": number, "min": low, "max": high},
            )
    return list(answers)


def band_for(definition: Mapping[str, Any], total: int) -> Mapping[str, Any]:
    for band in definition["bands"]:
        if band["min"] <= total <= band["max"]:
            return band
    raise AnswersInvalid(codes.ANSWER_OUT_OF_RANGE, f"A total of {total} is outside {definition['name']}'s bands.")


def score(definition: Mapping[str, Any], answers: Any) -> Score:
    """Total, band and urgent items of one set of answers (checked first)."""
    checked = answers_check(definition, answers)
    total = sum(checked)
    band = band_for(definition, total)
    urgent = tuple(n for n in definition.get("urgent_items", []) if checked[n - 1] > 0)
    return Score(total=total, band=band["code"], band_label=band["label"], urgent_items=urgent)


@dataclass(frozen=True)
class Course:
    """One score read against the course's baseline."""

    change_from_baseline: int | None  # total − baseline; None with no baseline
    response: bool
    remission: bool


def course_read(*, total: int, baseline: int | None, remission_below: int | None) -> Course:
    """Change from the baseline, response (a drop of ≥ 50 % from a baseline above 0), remission (total below
    the instrument's remission threshold, PHQ-9 and GAD-7: 5)."""
    change = None if baseline is None else total - baseline
    response = baseline is not None and baseline > 0 and (baseline - total) >= RESPONSE_DROP * baseline
    remission = remission_below is not None and total < remission_below
    return Course(change_from_baseline=change, response=response, remission=remission)


def response_line(baseline: int) -> float:
    """The total at or below which a score counts as a response."""
    return baseline * (1 - RESPONSE_DROP)


