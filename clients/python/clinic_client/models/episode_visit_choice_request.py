from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EpisodeVisitChoiceRequest")


@_attrs_define
class EpisodeVisitChoiceRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        day (int): The visit's day (0: the fitting).
        chair (int | None | Unset): A chair of the clinic; left out or null, the system chooses a free one.
        nurse (int | None | Unset): A nurse of the clinic; left out or null, the system chooses one on shift with
            capacity.
    """

    day: int
    chair: int | None | Unset = UNSET
    nurse: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        day = self.day

        chair: int | None | Unset
        if isinstance(self.chair, Unset):
            chair = UNSET
        else:
            chair = self.chair

        nurse: int | None | Unset
        if isinstance(self.nurse, Unset):
            nurse = UNSET
        else:
            nurse = self.nurse

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "day": day,
            }
        )
        if chair is not UNSET:
            field_dict["chair"] = chair
        if nurse is not UNSET:
            field_dict["nurse"] = nurse

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        day = d.pop("day")

        def _parse_chair(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        chair = _parse_chair(d.pop("chair", UNSET))

        def _parse_nurse(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        nurse = _parse_nurse(d.pop("nurse", UNSET))

        episode_visit_choice_request = cls(
            day=day,
            chair=chair,
            nurse=nurse,
        )

        episode_visit_choice_request.additional_properties = d
        return episode_visit_choice_request

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
