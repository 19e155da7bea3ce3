from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.episode_visit_mode_enum import EpisodeVisitModeEnum
from ..models.episode_visit_status_enum import EpisodeVisitStatusEnum
from ..models.visit_kind_enum import VisitKindEnum

T = TypeVar("T", bound="Visit")


@_attrs_define
class Visit:
    """A visit of an episode: the fitting (day 0), a review each day between, the removal (the last day).

    Attributes:
        id (int):
        kind (VisitKindEnum): * `fitting` - Fitting
            * `review` - Daily review
            * `removal` - Removal
        mode (EpisodeVisitModeEnum): * `visit` - Visit to the clinic
            * `phone` - Phone review
        day (int): Days after the fitting (0 for the fitting).
        starts_at (datetime.datetime):
        ends_at (datetime.datetime):
        starts_local (datetime.datetime): The start in the clinic's time zone, with its offset.
        chair (int | None): Null for a phone review, or a review that needs no chair.
        nurse (int | None): Null for a phone review on a day the clinic is closed (the on-call clinician's).
        status (EpisodeVisitStatusEnum): * `planned` - Planned
            * `done` - Done
            * `missed` - Missed
            * `cancelled` - Cancelled
        done_at (datetime.datetime | None):
        missed_at (datetime.datetime | None):
        note (str): Staff only; never in an email.
    """

    id: int
    kind: VisitKindEnum
    mode: EpisodeVisitModeEnum
    day: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    starts_local: datetime.datetime
    chair: int | None
    nurse: int | None
    status: EpisodeVisitStatusEnum
    done_at: datetime.datetime | None
    missed_at: datetime.datetime | None
    note: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        mode = self.mode.value

        day = self.day

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        starts_local = self.starts_local.isoformat()

        chair: int | None
        chair = self.chair

        nurse: int | None
        nurse = self.nurse

        status = self.status.value

        done_at: None | str
        if isinstance(self.done_at, datetime.datetime):
            done_at = self.done_at.isoformat()
        else:
            done_at = self.done_at

        missed_at: None | str
        if isinstance(self.missed_at, datetime.datetime):
            missed_at = self.missed_at.isoformat()
        else:
            missed_at = self.missed_at

        note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "mode": mode,
                "day": day,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "starts_local": starts_local,
                "chair": chair,
                "nurse": nurse,
                "status": status,
                "done_at": done_at,
                "missed_at": missed_at,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        kind = VisitKindEnum(d.pop("kind"))

        mode = EpisodeVisitModeEnum(d.pop("mode"))

        day = d.pop("day")

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

        status = EpisodeVisitStatusEnum(d.pop("status"))

        def _parse_done_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                done_at_type_0 = datetime.datetime.fromisoformat(data)

                return done_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        done_at = _parse_done_at(d.pop("done_at"))

        def _parse_missed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                missed_at_type_0 = datetime.datetime.fromisoformat(data)

                return missed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        missed_at = _parse_missed_at(d.pop("missed_at"))

        note = d.pop("note")

        visit = cls(
            id=id,
            kind=kind,
            mode=mode,
            day=day,
            starts_at=starts_at,
            ends_at=ends_at,
            starts_local=starts_local,
            chair=chair,
            nurse=nurse,
            status=status,
            done_at=done_at,
            missed_at=missed_at,
            note=note,
        )

        visit.additional_properties = d
        return visit

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
