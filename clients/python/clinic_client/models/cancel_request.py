from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.by_enum import ByEnum

T = TypeVar("T", bound="CancelRequest")


@_attrs_define
class CancelRequest:
    """`many=True` makes a StrictListSerializer (DRF's many_init, with that class as the default).

    Attributes:
        reason (str): Why; kept with the session.
        by (ByEnum): * `patient` - Patient
            * `clinic` - Clinic
    """

    reason: str
    by: ByEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        by = self.by.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reason": reason,
                "by": by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reason = d.pop("reason")

        by = ByEnum(d.pop("by"))

        cancel_request = cls(
            reason=reason,
            by=by,
        )

        cancel_request.additional_properties = d
        return cancel_request

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
