from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedTimeOffRequest")


@_attrs_define
class PatchedTimeOffRequest:
    """A span when a staff member is away and is assigned no sessions.

    Attributes:
        staff (int | Unset): Id of the staff member (of one of your clinics). Fixed once created.
        starts_at (str | Unset): ISO 8601 instant; without an offset it is a wall-clock time in the clinic's zone.
            Example: 2027-03-02T09:00.
        ends_at (str | Unset): ISO 8601 instant; without an offset it is a wall-clock time in the clinic's zone. After
            `starts_at`. Example: 2027-03-02T09:00.
        reason (str | Unset):
    """

    staff: int | Unset = UNSET
    starts_at: str | Unset = UNSET
    ends_at: str | Unset = UNSET
    reason: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        staff = self.staff

        starts_at = self.starts_at

        ends_at = self.ends_at

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if staff is not UNSET:
            field_dict["staff"] = staff
        if starts_at is not UNSET:
            field_dict["starts_at"] = starts_at
        if ends_at is not UNSET:
            field_dict["ends_at"] = ends_at
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        staff = d.pop("staff", UNSET)

        starts_at = d.pop("starts_at", UNSET)

        ends_at = d.pop("ends_at", UNSET)

        reason = d.pop("reason", UNSET)

        patched_time_off_request = cls(
            staff=staff,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
        )

        patched_time_off_request.additional_properties = d
        return patched_time_off_request

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
