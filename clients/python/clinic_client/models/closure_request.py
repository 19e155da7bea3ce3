from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ClosureRequest")


@_attrs_define
class ClosureRequest:
    """A span when a clinic takes no sessions.

    Attributes:
        clinic (int): Id of the clinic (one of yours). Fixed once the row is created.
        starts_at (str): ISO 8601 instant; without an offset it is a wall-clock time in the clinic's zone. Example:
            2027-03-02T09:00.
        ends_at (str): ISO 8601 instant; without an offset it is a wall-clock time in the clinic's zone. After
            `starts_at`. Example: 2027-03-02T09:00.
        reason (str): Shown to staff, e.g. "Thanksgiving" or "Staff training".
    """

    clinic: int
    starts_at: str
    ends_at: str
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        starts_at = self.starts_at

        ends_at = self.ends_at

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clinic": clinic,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        clinic = d.pop("clinic")

        starts_at = d.pop("starts_at")

        ends_at = d.pop("ends_at")

        reason = d.pop("reason")

        closure_request = cls(
            clinic=clinic,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
        )

        closure_request.additional_properties = d
        return closure_request

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
