from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MeasureCreateRequest")


@_attrs_define
class MeasureCreateRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        instrument (str): An instrument's code: phq9, gad7, pcl5, pain.
        answers (list[int]): One answer per item, item 1 first, each a value of the instrument's scale (PHQ-9 and GAD-7
            0-3, PCL-5 0-4, pain 0-10).
    """

    instrument: str
    answers: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        answers = self.answers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "answers": answers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        instrument = d.pop("instrument")

        answers = cast(list[int], d.pop("answers"))

        measure_create_request = cls(
            instrument=instrument,
            answers=answers,
        )

        measure_create_request.additional_properties = d
        return measure_create_request

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
