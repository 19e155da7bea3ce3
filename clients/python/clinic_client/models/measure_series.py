from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.measure_score import MeasureScore


T = TypeVar("T", bound="MeasureSeries")


@_attrs_define
class MeasureSeries:
    """
    Attributes:
        instrument (str):
        name (str):
        baseline (int | None):
        response_line (float | None): At or below this total: a response.
        remission_below (int | None):
        scores (list[MeasureScore]):
    """

    instrument: str
    name: str
    baseline: int | None
    response_line: float | None
    remission_below: int | None
    scores: list[MeasureScore]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        name = self.name

        baseline: int | None
        baseline = self.baseline

        response_line: float | None
        response_line = self.response_line

        remission_below: int | None
        remission_below = self.remission_below

        scores = []
        for scores_item_data in self.scores:
            scores_item = scores_item_data.to_dict()
            scores.append(scores_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "name": name,
                "baseline": baseline,
                "response_line": response_line,
                "remission_below": remission_below,
                "scores": scores,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.measure_score import MeasureScore

        d = dict(src_dict)
        instrument = d.pop("instrument")

        name = d.pop("name")

        def _parse_baseline(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        baseline = _parse_baseline(d.pop("baseline"))

        def _parse_response_line(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        response_line = _parse_response_line(d.pop("response_line"))

        def _parse_remission_below(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        remission_below = _parse_remission_below(d.pop("remission_below"))

        scores = []
        _scores = d.pop("scores")
        for scores_item_data in _scores:
            scores_item = MeasureScore.from_dict(scores_item_data)

            scores.append(scores_item)

        measure_series = cls(
            instrument=instrument,
            name=name,
            baseline=baseline,
            response_line=response_line,
            remission_below=remission_below,
            scores=scores,
        )

        measure_series.additional_properties = d
        return measure_series

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
