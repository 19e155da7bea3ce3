from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Maintenance")


@_attrs_define
class Maintenance:
    """A span when a pump is out for maintenance: no episode is booked over it.

    Attributes:
        id (int):
        pump (int):
        starts_at (datetime.datetime): An instant, or a wall-clock time without an offset (clinic time).
        ends_at (datetime.datetime): As `starts_at`; after it.
        reason (str | Unset): e.g. "Battery service".
    """

    id: int
    pump: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reason: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        pump = self.pump

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "pump": pump,
                "starts_at": starts_at,
                "ends_at": ends_at,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        pump = d.pop("pump")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        reason = d.pop("reason", UNSET)

        maintenance = cls(
            id=id,
            pump=pump,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
        )

        maintenance.additional_properties = d
        return maintenance

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
