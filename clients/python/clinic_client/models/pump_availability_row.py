from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pump_status_enum import PumpStatusEnum

if TYPE_CHECKING:
    from ..models.pump_day import PumpDay


T = TypeVar("T", bound="PumpAvailabilityRow")


@_attrs_define
class PumpAvailabilityRow:
    """
    Attributes:
        id (int):
        label (str): What staff call it.
        status (PumpStatusEnum): * `in_service` - In service
            * `maintenance` - In maintenance
            * `retired` - Retired
        days (list[PumpDay]):
    """

    id: int
    label: str
    status: PumpStatusEnum
    days: list[PumpDay]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        label = self.label

        status = self.status.value

        days = []
        for days_item_data in self.days:
            days_item = days_item_data.to_dict()
            days.append(days_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "label": label,
                "status": status,
                "days": days,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pump_day import PumpDay

        d = dict(src_dict)
        id = d.pop("id")

        label = d.pop("label")

        status = PumpStatusEnum(d.pop("status"))

        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = PumpDay.from_dict(days_item_data)

            days.append(days_item)

        pump_availability_row = cls(
            id=id,
            label=label,
            status=status,
            days=days,
        )

        pump_availability_row.additional_properties = d
        return pump_availability_row

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
