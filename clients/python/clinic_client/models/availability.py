from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.available_slot import AvailableSlot


T = TypeVar("T", bound="Availability")


@_attrs_define
class Availability:
    """
    Attributes:
        clinic (int):
        protocol (int):
        date (datetime.date):
        minutes (int): The chair block looked for.
        timezone (str):
        slots (list[AvailableSlot]):
    """

    clinic: int
    protocol: int
    date: datetime.date
    minutes: int
    timezone: str
    slots: list[AvailableSlot]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        protocol = self.protocol

        date = self.date.isoformat()

        minutes = self.minutes

        timezone = self.timezone

        slots = []
        for slots_item_data in self.slots:
            slots_item = slots_item_data.to_dict()
            slots.append(slots_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clinic": clinic,
                "protocol": protocol,
                "date": date,
                "minutes": minutes,
                "timezone": timezone,
                "slots": slots,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.available_slot import AvailableSlot

        d = dict(src_dict)
        clinic = d.pop("clinic")

        protocol = d.pop("protocol")

        date = datetime.date.fromisoformat(d.pop("date"))

        minutes = d.pop("minutes")

        timezone = d.pop("timezone")

        slots = []
        _slots = d.pop("slots")
        for slots_item_data in _slots:
            slots_item = AvailableSlot.from_dict(slots_item_data)

            slots.append(slots_item)

        availability = cls(
            clinic=clinic,
            protocol=protocol,
            date=date,
            minutes=minutes,
            timezone=timezone,
            slots=slots,
        )

        availability.additional_properties = d
        return availability

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
