from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.booked_visit_kind_enum import BookedVisitKindEnum
from ..models.booked_visit_mode_enum import BookedVisitModeEnum
from ..models.booked_visit_status_enum import BookedVisitStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="BookedVisit")


@_attrs_define
class BookedVisit:
    """
    Attributes:
        id (int):
        kind (BookedVisitKindEnum): * `fitting` - Fitting
            * `review` - Daily review
            * `removal` - Removal
        day (int): Days after the fitting (0 for the fitting).
        starts_at (datetime.datetime):
        ends_at (datetime.datetime):
        starts_local (datetime.datetime): The start in the clinic's time zone, with its offset.
        mode (BookedVisitModeEnum | Unset): * `visit` - Visit to the clinic
            * `phone` - Phone review
        status (BookedVisitStatusEnum | Unset): * `planned` - Planned
            * `done` - Done
            * `missed` - Missed
            * `cancelled` - Cancelled
        chair (int | None | Unset):
        nurse (int | None | Unset):
    """

    id: int
    kind: BookedVisitKindEnum
    day: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    starts_local: datetime.datetime
    mode: BookedVisitModeEnum | Unset = UNSET
    status: BookedVisitStatusEnum | Unset = UNSET
    chair: int | None | Unset = UNSET
    nurse: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        day = self.day

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        starts_local = self.starts_local.isoformat()

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        chair: int | None | Unset
        if isinstance(self.chair, Unset):
            chair = UNSET
        else:
            chair = self.chair

        nurse: int | None | Unset
        if isinstance(self.nurse, Unset):
            nurse = UNSET
        else:
            nurse = self.nurse

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "day": day,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "starts_local": starts_local,
            }
        )
        if mode is not UNSET:
            field_dict["mode"] = mode
        if status is not UNSET:
            field_dict["status"] = status
        if chair is not UNSET:
            field_dict["chair"] = chair
        if nurse is not UNSET:
            field_dict["nurse"] = nurse

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        kind = BookedVisitKindEnum(d.pop("kind"))

        day = d.pop("day")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        starts_local = datetime.datetime.fromisoformat(d.pop("starts_local"))

        _mode = d.pop("mode", UNSET)
        mode: BookedVisitModeEnum | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = BookedVisitModeEnum(_mode)

        _status = d.pop("status", UNSET)
        status: BookedVisitStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = BookedVisitStatusEnum(_status)

        def _parse_chair(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        chair = _parse_chair(d.pop("chair", UNSET))

        def _parse_nurse(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        nurse = _parse_nurse(d.pop("nurse", UNSET))

        booked_visit = cls(
            id=id,
            kind=kind,
            day=day,
            starts_at=starts_at,
            ends_at=ends_at,
            starts_local=starts_local,
            mode=mode,
            status=status,
            chair=chair,
            nurse=nurse,
        )

        booked_visit.additional_properties = d
        return booked_visit

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
