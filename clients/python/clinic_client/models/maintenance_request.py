from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MaintenanceRequest")


@_attrs_define
class MaintenanceRequest:
    """A span when a pump is out for maintenance: no episode is booked over it.

    Attributes:
        starts_at (str): An instant, or a wall-clock time without an offset (clinic time). Example: 2027-03-02T09:00.
        ends_at (str): As `starts_at`; after it. Example: 2027-03-02T09:00.
        reason (str | Unset): e.g. "Battery service".
    """

    starts_at: str
    ends_at: str
    reason: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        starts_at = self.starts_at

        ends_at = self.ends_at

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
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
        starts_at = d.pop("starts_at")

        ends_at = d.pop("ends_at")

        reason = d.pop("reason", UNSET)

        maintenance_request = cls(
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
        )

        maintenance_request.additional_properties = d
        return maintenance_request

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
