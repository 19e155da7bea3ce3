from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

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
        chair (int | None | Unset): Null (the default): the whole clinic is closed. A chair's id (of the same clinic):
            only that chair is out of service (e.g. maintenance); the rest of the clinic works.
    """

    clinic: int
    starts_at: str
    ends_at: str
    reason: str
    chair: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        starts_at = self.starts_at

        ends_at = self.ends_at

        reason = self.reason

        chair: int | None | Unset
        if isinstance(self.chair, Unset):
            chair = UNSET
        else:
            chair = self.chair

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
        if chair is not UNSET:
            field_dict["chair"] = chair

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        clinic = d.pop("clinic")

        starts_at = d.pop("starts_at")

        ends_at = d.pop("ends_at")

        reason = d.pop("reason")

        def _parse_chair(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        chair = _parse_chair(d.pop("chair", UNSET))

        closure_request = cls(
            clinic=clinic,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            chair=chair,
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
