from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.pump_availability_row import PumpAvailabilityRow


T = TypeVar("T", bound="PumpAvailability")


@_attrs_define
class PumpAvailability:
    """
    Attributes:
        clinic (int):
        start (datetime.date):
        days (int):
        timezone (str): The clinic's time zone: what a day is.
        pumps (list[PumpAvailabilityRow]): Every pump of the clinic (retired ones too), by label.
    """

    clinic: int
    start: datetime.date
    days: int
    timezone: str
    pumps: list[PumpAvailabilityRow]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        start = self.start.isoformat()

        days = self.days

        timezone = self.timezone

        pumps = []
        for pumps_item_data in self.pumps:
            pumps_item = pumps_item_data.to_dict()
            pumps.append(pumps_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clinic": clinic,
                "start": start,
                "days": days,
                "timezone": timezone,
                "pumps": pumps,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pump_availability_row import PumpAvailabilityRow

        d = dict(src_dict)
        clinic = d.pop("clinic")

        start = datetime.date.fromisoformat(d.pop("start"))

        days = d.pop("days")

        timezone = d.pop("timezone")

        pumps = []
        _pumps = d.pop("pumps")
        for pumps_item_data in _pumps:
            pumps_item = PumpAvailabilityRow.from_dict(pumps_item_data)

            pumps.append(pumps_item)

        pump_availability = cls(
            clinic=clinic,
            start=start,
            days=days,
            timezone=timezone,
            pumps=pumps,
        )

        pump_availability.additional_properties = d
        return pump_availability

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
