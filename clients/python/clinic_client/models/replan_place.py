from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReplanPlace")


@_attrs_define
class ReplanPlace:
    """
    Attributes:
        starts_at (datetime.datetime): UTC instant.
        ends_at (datetime.datetime): UTC instant.
        starts_local (datetime.datetime): The start in the clinic's time zone, with its offset.
        chair (int): Chair (id).
        nurse (int): Nurse (id).
    """

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    starts_local: datetime.datetime
    chair: int
    nurse: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        starts_local = self.starts_local.isoformat()

        chair = self.chair

        nurse = self.nurse

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "starts_at": starts_at,
                "ends_at": ends_at,
                "starts_local": starts_local,
                "chair": chair,
                "nurse": nurse,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        starts_local = datetime.datetime.fromisoformat(d.pop("starts_local"))

        chair = d.pop("chair")

        nurse = d.pop("nurse")

        replan_place = cls(
            starts_at=starts_at,
            ends_at=ends_at,
            starts_local=starts_local,
            chair=chair,
            nurse=nurse,
        )

        replan_place.additional_properties = d
        return replan_place

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
