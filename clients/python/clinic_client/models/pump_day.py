from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pump_day_state_enum import PumpDayStateEnum

T = TypeVar("T", bound="PumpDay")


@_attrs_define
class PumpDay:
    """
    Attributes:
        date (datetime.date): The clinic date.
        state (PumpDayStateEnum): * `free` - free
            * `episode` - episode
            * `turnaround` - turnaround
            * `maintenance` - maintenance
            * `retired` - retired
        episode (int | None): The episode holding the pump that day (id), else null.
        overdue (bool): The episode's pump should have been back by now: it counts as out until it is returned.
    """

    date: datetime.date
    state: PumpDayStateEnum
    episode: int | None
    overdue: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        date = self.date.isoformat()

        state = self.state.value

        episode: int | None
        episode = self.episode

        overdue = self.overdue

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "date": date,
                "state": state,
                "episode": episode,
                "overdue": overdue,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        date = datetime.date.fromisoformat(d.pop("date"))

        state = PumpDayStateEnum(d.pop("state"))

        def _parse_episode(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        episode = _parse_episode(d.pop("episode"))

        overdue = d.pop("overdue")

        pump_day = cls(
            date=date,
            state=state,
            episode=episode,
            overdue=overdue,
        )

        pump_day.additional_properties = d
        return pump_day

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
