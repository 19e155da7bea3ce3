from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.check_item_status_enum import CheckItemStatusEnum
from ..models.safety_check_kind_enum import SafetyCheckKindEnum

if TYPE_CHECKING:
    from ..models.check_entry import CheckEntry


T = TypeVar("T", bound="CheckItem")


@_attrs_define
class CheckItem:
    """
    Attributes:
        kind (SafetyCheckKindEnum): * `blood_pressure` - Blood pressure
            * `heart_rate` - Heart rate
            * `oxygen_saturation` - Oxygen saturation
            * `weight` - Weight for dosing
            * `pregnancy` - Pregnancy attestation
            * `fasting` - Fasting confirmed
            * `escort` - Escort home confirmed
        status (CheckItemStatusEnum): * `passed` - passed
            * `flagged` - flagged
            * `missing` - missing
            * `stale` - stale
        entry (CheckEntry | None):
    """

    kind: SafetyCheckKindEnum
    status: CheckItemStatusEnum
    entry: CheckEntry | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.check_entry import CheckEntry

        kind = self.kind.value

        status = self.status.value

        entry: dict[str, Any] | None
        if isinstance(self.entry, CheckEntry):
            entry = self.entry.to_dict()
        else:
            entry = self.entry

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "status": status,
                "entry": entry,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.check_entry import CheckEntry

        d = dict(src_dict)
        kind = SafetyCheckKindEnum(d.pop("kind"))

        status = CheckItemStatusEnum(d.pop("status"))

        def _parse_entry(data: object) -> CheckEntry | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                entry_type_1 = CheckEntry.from_dict(data)

                return entry_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CheckEntry | None, data)

        entry = _parse_entry(d.pop("entry"))

        check_item = cls(
            kind=kind,
            status=status,
            entry=entry,
        )

        check_item.additional_properties = d
        return check_item

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
