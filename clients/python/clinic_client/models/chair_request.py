from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChairRequest")


@_attrs_define
class ChairRequest:
    """An infusion chair of a clinic; names are unique within the clinic.

    Attributes:
        clinic (int): Id of the clinic (one of yours). Fixed once the row is created.
        name (str):
        is_active (bool | Unset): An inactive chair (out of service) is not booked.
    """

    clinic: int
    name: str
    is_active: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        name = self.name

        is_active = self.is_active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clinic": clinic,
                "name": name,
            }
        )
        if is_active is not UNSET:
            field_dict["is_active"] = is_active

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        clinic = d.pop("clinic")

        name = d.pop("name")

        is_active = d.pop("is_active", UNSET)

        chair_request = cls(
            clinic=clinic,
            name=name,
            is_active=is_active,
        )

        chair_request.additional_properties = d
        return chair_request

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
