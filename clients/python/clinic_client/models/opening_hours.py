from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.weekday_enum import WeekdayEnum

T = TypeVar("T", bound="OpeningHours")


@_attrs_define
class OpeningHours:
    """One opening span on a weekday, in the clinic's local time.

    Attributes:
        weekday (WeekdayEnum): * `0` - Monday
            * `1` - Tuesday
            * `2` - Wednesday
            * `3` - Thursday
            * `4` - Friday
            * `5` - Saturday
            * `6` - Sunday
        opens (str): Wall-clock time in the clinic's zone, HH:MM[:SS]. Example: 08:00.
        closes (str): Wall-clock time in the clinic's zone, after `opens` (no span past midnight). Example: 08:00.
    """

    weekday: WeekdayEnum
    opens: str
    closes: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        weekday = self.weekday.value

        opens = self.opens

        closes = self.closes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "weekday": weekday,
                "opens": opens,
                "closes": closes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        weekday = WeekdayEnum(d.pop("weekday"))

        opens = d.pop("opens")

        closes = d.pop("closes")

        opening_hours = cls(
            weekday=weekday,
            opens=opens,
            closes=closes,
        )

        opening_hours.additional_properties = d
        return opening_hours

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
