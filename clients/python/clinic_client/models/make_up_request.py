from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MakeUpRequest")


@_attrs_define
class MakeUpRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        starts_at (str): When the make-up session starts. With an offset (2027-03-02T14:00:00Z, 2027-03-02T09:00-05:00)
            it is that instant; without one (2027-03-02T09:00) it is a wall-clock time in the clinic's time zone. Years
            1900-2999. Example: 2027-03-02T09:00.
        replaces (int): The cancelled, late-cancelled or no-show session of this course the make-up replaces (id).
        chair (int | None | Unset): A chair of the course's clinic; left out or null, the system chooses a free one.
        nurse (int | None | Unset): A nurse of the course's clinic; left out or null, the system chooses one on shift
            with capacity.
    """

    starts_at: str
    replaces: int
    chair: int | None | Unset = UNSET
    nurse: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        starts_at = self.starts_at

        replaces = self.replaces

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
                "starts_at": starts_at,
                "replaces": replaces,
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
        starts_at = d.pop("starts_at")

        replaces = d.pop("replaces")

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

        make_up_request = cls(
            starts_at=starts_at,
            replaces=replaces,
            chair=chair,
            nurse=nurse,
        )

        make_up_request.additional_properties = d
        return make_up_request

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
