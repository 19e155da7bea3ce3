from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.proposed_episode_visit_kind_enum import ProposedEpisodeVisitKindEnum
from ..models.proposed_episode_visit_mode_enum import ProposedEpisodeVisitModeEnum

T = TypeVar("T", bound="ProposedEpisodeVisit")


@_attrs_define
class ProposedEpisodeVisit:
    """
    Attributes:
        kind (ProposedEpisodeVisitKindEnum): * `fitting` - fitting
            * `review` - review
            * `removal` - removal
        day (int): Days after the fitting (0: the fitting).
        mode (ProposedEpisodeVisitModeEnum): * `visit` - visit
            * `phone` - phone
        starts_at (datetime.datetime): UTC instant.
        ends_at (datetime.datetime): UTC instant.
        starts_local (datetime.datetime): The start in the clinic's time zone, with its offset.
        chair (int | None): The chair it would take (id).
        nurse (int | None): The nurse it would take (id); null: the on-call clinician's phone review on a day the clinic
            is closed.
    """

    kind: ProposedEpisodeVisitKindEnum
    day: int
    mode: ProposedEpisodeVisitModeEnum
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    starts_local: datetime.datetime
    chair: int | None
    nurse: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        day = self.day

        mode = self.mode.value

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        starts_local = self.starts_local.isoformat()

        chair: int | None
        chair = self.chair

        nurse: int | None
        nurse = self.nurse

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "day": day,
                "mode": mode,
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
        kind = ProposedEpisodeVisitKindEnum(d.pop("kind"))

        day = d.pop("day")

        mode = ProposedEpisodeVisitModeEnum(d.pop("mode"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        starts_local = datetime.datetime.fromisoformat(d.pop("starts_local"))

        def _parse_chair(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        chair = _parse_chair(d.pop("chair"))

        def _parse_nurse(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        nurse = _parse_nurse(d.pop("nurse"))

        proposed_episode_visit = cls(
            kind=kind,
            day=day,
            mode=mode,
            starts_at=starts_at,
            ends_at=ends_at,
            starts_local=starts_local,
            chair=chair,
            nurse=nurse,
        )

        proposed_episode_visit.additional_properties = d
        return proposed_episode_visit

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
