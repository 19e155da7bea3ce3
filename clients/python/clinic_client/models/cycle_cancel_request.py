from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.by_enum import ByEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="CycleCancelRequest")


@_attrs_define
class CycleCancelRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        reason (str): Why the course ends; kept with it and its sessions.
        by (ByEnum | Unset): * `patient` - Patient
            * `clinic` - Clinic Default: ByEnum.CLINIC.
    """

    reason: str
    by: ByEnum | Unset = ByEnum.CLINIC
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        by: str | Unset = UNSET
        if not isinstance(self.by, Unset):
            by = self.by.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reason": reason,
            }
        )
        if by is not UNSET:
            field_dict["by"] = by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reason = d.pop("reason")

        _by = d.pop("by", UNSET)
        by: ByEnum | Unset
        if isinstance(_by, Unset):
            by = UNSET
        else:
            by = ByEnum(_by)

        cycle_cancel_request = cls(
            reason=reason,
            by=by,
        )

        cycle_cancel_request.additional_properties = d
        return cycle_cancel_request

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
