from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.proposed_episode_visit import ProposedEpisodeVisit


T = TypeVar("T", bound="ProposedEpisode")


@_attrs_define
class ProposedEpisode:
    """
    Attributes:
        pump (int): The pump (id).
        pump_label (str):
        starts_at (datetime.datetime): The fitting's start (UTC).
        ends_at (datetime.datetime): The removal's end (UTC).
        pump_until (datetime.datetime): The removal's end plus the turnaround: the pump's hold.
        visits (list[ProposedEpisodeVisit]):
    """

    pump: int
    pump_label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    pump_until: datetime.datetime
    visits: list[ProposedEpisodeVisit]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pump = self.pump

        pump_label = self.pump_label

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        pump_until = self.pump_until.isoformat()

        visits = []
        for visits_item_data in self.visits:
            visits_item = visits_item_data.to_dict()
            visits.append(visits_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pump": pump,
                "pump_label": pump_label,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "pump_until": pump_until,
                "visits": visits,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.proposed_episode_visit import ProposedEpisodeVisit

        d = dict(src_dict)
        pump = d.pop("pump")

        pump_label = d.pop("pump_label")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        pump_until = datetime.datetime.fromisoformat(d.pop("pump_until"))

        visits = []
        _visits = d.pop("visits")
        for visits_item_data in _visits:
            visits_item = ProposedEpisodeVisit.from_dict(visits_item_data)

            visits.append(visits_item)

        proposed_episode = cls(
            pump=pump,
            pump_label=pump_label,
            starts_at=starts_at,
            ends_at=ends_at,
            pump_until=pump_until,
            visits=visits,
        )

        proposed_episode.additional_properties = d
        return proposed_episode

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
